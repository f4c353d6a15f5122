"""The office calendar in the database: shipped for 2015–2030, typhoon days, the official CSV."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from servq.core import services
from servq.core.models import AuditEntry, OfficeDay
from servq.core.rules import add_working_days
from servq.core.selectors import office_calendar

pytestmark = pytest.mark.django_db
HEADER = "西元日期,星期,是否放假,備註\n"


def test_every_new_database_knows_the_2026_lunar_new_year():
    calendar = office_calendar()
    assert dt.date(2026, 2, 17) in calendar.holidays
    # Friday 13 Feb 2026 + 1 working day is Monday 23 Feb, after the nine-day break.
    assert add_working_days(dt.date(2026, 2, 13), 1, calendar) == dt.date(2026, 2, 23)
    assert dt.date(2025, 2, 8) in calendar.makeup_workdays


def test_an_operator_adds_a_typhoon_day_off_and_it_is_audited():
    services.record_office_day(by=None, date=dt.date(2026, 9, 16), kind="typhoon", name="颱風停止上班")
    assert dt.date(2026, 9, 16) in office_calendar().holidays
    assert AuditEntry.objects.filter(action="calendar.record").exists()
    call_command("sync_office_calendar", "--years", "2026")
    assert OfficeDay.objects.get(date=dt.date(2026, 9, 16)).kind == "typhoon"  # the sync keeps it


def write(tmp_path, text, encoding="utf-8-sig", name="115年辦公日曆表.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_the_official_csv_replaces_the_years_it_covers(tmp_path):
    rows = "20270101,五,2,開國紀念日\n20270102,六,2,\n20270104,一,0,\n20270109,六,0,補行上班\n"
    call_command("load_office_calendar", str(write(tmp_path, HEADER + rows)))
    days = {d.date: d for d in OfficeDay.objects.filter(date__year=2027)}
    assert set(days) == {dt.date(2027, 1, 1), dt.date(2027, 1, 9)}
    assert days[dt.date(2027, 1, 9)].kind == "makeup_workday"


def test_a_big5_file_is_read(tmp_path):
    path = write(tmp_path, HEADER + "20270101,五,2,開國紀念日\n", encoding="cp950")
    call_command("load_office_calendar", str(path))
    assert OfficeDay.objects.get(date=dt.date(2027, 1, 1)).name == "開國紀念日"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("date,weekday,off\n20270101,五,2\n", "line 1"),
        (HEADER + "20270101,五,2,\n2027-01-02,六,2,\n", "line 3"),
        (HEADER + "20270101,五,9,\n", "是否放假"),
        (HEADER + '=cmd|"/c calc"!A1,五,2,\n', "line 2"),
        (HEADER + "20270101,五", "line 2"),
    ],
)
def test_bad_calendar_files_name_the_line_and_change_nothing(tmp_path, content, message):
    before = OfficeDay.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("load_office_calendar", str(write(tmp_path, content)))
    assert OfficeDay.objects.count() == before


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match=r"nope\.csv"):
        call_command("load_office_calendar", str(tmp_path / "nope.csv"))


def test_sync_refuses_a_bad_span():
    with pytest.raises(CommandError, match="--years"):
        call_command("sync_office_calendar", "--years", "2030-2020")


def test_operator_command_records_a_typhoon_day():
    call_command("record_office_day", "2026-08-04", "--name", "颱風停止上班（全市）")
    assert dt.date(2026, 8, 4) in office_calendar().holidays
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("record_office_day", "115/8/4")
