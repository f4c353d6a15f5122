"""ROC dates, deadlines and working days: the pure rules staff rely on."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servq.core import rules
from servq.core.rules import OfficeCalendar, add_working_days, parse_deadline, working_days_between

DATES = st.dates(min_value=dt.date(1912, 1, 1), max_value=dt.date(2199, 12, 31))
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@given(DATES)
def test_format_then_parse_gives_the_same_date(day):
    assert rules.parse_roc_date(rules.format_roc_date(day)) == day


@given(DATES, st.sampled_from([" ", "  ", "\u3000"]))
def test_spaces_full_width_digits_and_minguo_prefix_are_accepted(day, space):
    written = f"民國{day.year - 1911}{space}年{space}{day.month}{space}月{space}{day.day}{space}日"
    assert rules.parse_roc_date(written.translate(FULL_WIDTH)) == day


@given(DATES)
def test_roc_month_round_trip(day):
    assert rules.parse_roc_month(rules.format_roc_month(day)) == (day.year, day.month)


@pytest.mark.parametrize("bad", ["104年2月30日", "2015-09-24", "104年13月1日", "", "０年1月1日"])
def test_bad_dates_say_which_text(bad):
    with pytest.raises(ValueError, match="「"):
        rules.parse_roc_date(bad)


def test_dates_are_found_in_revision_lines():
    assert rules.find_roc_dates("106年6月5日台財綜字第10615912470號函訂定") == [dt.date(2017, 6, 5)]


# Every deadline phrase of the seeds, with what it means (checked against each seed by hand).
SEED_PHRASES = [
    ("經常辦理", "continuous", None),
    ("104年底前", "date", dt.date(2015, 12, 31)),
    ("106 年 12 月", "date", dt.date(2017, 12, 31)),
    ("106年12月", "date", dt.date(2017, 12, 31)),
    ("106年12月 106年12月", "date", dt.date(2017, 12, 31)),
    ("104-107年", "range", dt.date(2018, 12, 31)),
    ("105-107年每年", "range", dt.date(2018, 12, 31)),
    ("每年1月底前", "recurring", dt.date(2018, 1, 31)),
    ("每月", "recurring", dt.date(2018, 12, 31)),
    ("每季", "recurring", dt.date(2018, 12, 31)),
    ("每半年", "recurring", dt.date(2018, 12, 31)),
    ("上半年", "recurring", dt.date(2018, 6, 30)),
    ("持續辦理", "continuous", None),
    (
        "104年底完成建置重要統計資料查詢及行動應用服務機制。\n\n105-107年強化與其他政府網站之統計資料介接。",
        "milestones",
        dt.date(2018, 12, 31),
    ),
    (
        "經常辦理，並於104-107年完成開放資料集累計分別達720、960、1,200、1,440項。",
        "milestones",
        dt.date(2018, 12, 31),
    ),
    (
        "104年完成桃園市一、二級機關上線；105年完成桃園各級學校、金門縣、台南市上線，後續依縣市意願持續推廣辦理。",
        "milestones",
        dt.date(2016, 12, 31),
    ),
    (
        "104年完成3項經費電子報支處理功能開發，105-107年每年至少增加1項作業功能開發，逐步推動本總處經費電子報支作業。",
        "milestones",
        dt.date(2018, 12, 31),
    ),
    ("115年6月30日", "date", dt.date(2026, 6, 30)),
    ("等長官決定", "text", None),
]


@pytest.mark.parametrize(("raw", "kind", "due"), SEED_PHRASES)
def test_every_seed_deadline_phrase(raw, kind, due):
    deadline = parse_deadline(raw, years=(2015, 2018))
    assert (deadline.kind, deadline.due) == (kind, due)
    assert deadline.raw == raw.strip()


def test_milestones_keep_each_years_words():
    deadline = parse_deadline("104年完成3項經費電子報支處理功能開發，105-107年每年至少增加1項作業功能開發")
    assert [(m.due.year, m.text) for m in deadline.milestones] == [
        (2015, "完成3項經費電子報支處理功能開發"),
        (2016, "每年至少增加1項作業功能開發"),
        (2017, "每年至少增加1項作業功能開發"),
        (2018, "每年至少增加1項作業功能開發"),
    ]


def test_the_meaning_is_readable_roc():
    assert parse_deadline("每年1月底前").meaning == "每年1月31日前"
    assert parse_deadline("104年底前").meaning == "104年12月31日前"
    assert parse_deadline("經常辦理").meaning.startswith("經常辦理")
    assert parse_deadline("105-107年每年").meaning.startswith("105年至107年每年辦理")


def test_recurrence_without_plan_years_has_no_single_due_date():
    assert parse_deadline("每季").due is None
    assert parse_deadline("每季").every == "quarter"


@given(st.text(max_size=200))
def test_any_text_is_kept_and_never_raises(raw):
    deadline = parse_deadline(raw, years=(2026, 2028))
    assert deadline.raw == raw.strip()
    assert deadline.kind in rules.KINDS
    assert deadline.as_dict()["raw"] == raw.strip()


@given(DATES.filter(lambda d: d.year < 2100))
def test_a_written_roc_date_deadline_is_that_date(day):
    assert parse_deadline(rules.format_roc_date(day)).due == day


# --- working days ---

# 2025: Lunar New Year off 1/25–2/2 (1/27 swapped with Saturday 2/8, a make-up working day).
CAL_2025 = OfficeCalendar(
    holidays=frozenset(dt.date(2025, 1, d) for d in (27, 28, 29, 30, 31)),
    makeup_workdays=frozenset({dt.date(2025, 2, 8)}),
)


def test_weekends_rest_and_make_up_days_work():
    assert not rules.is_working_day(dt.date(2025, 2, 1), CAL_2025)  # Saturday
    assert rules.is_working_day(dt.date(2025, 2, 8), CAL_2025)  # 補行上班 Saturday
    assert not rules.is_working_day(dt.date(2025, 1, 29), CAL_2025)  # 春節


def test_add_working_days_skips_holidays():
    assert add_working_days(dt.date(2025, 1, 24), 1, CAL_2025) == dt.date(2025, 2, 3)
    assert add_working_days(dt.date(2025, 2, 7), 1, CAL_2025) == dt.date(2025, 2, 8)
    assert add_working_days(dt.date(2025, 2, 3), -1, CAL_2025) == dt.date(2025, 1, 24)
    assert add_working_days(dt.date(2025, 2, 1), 0, CAL_2025) == dt.date(2025, 2, 3)


@given(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31)), st.integers(0, 60))
def test_counting_is_the_inverse_of_adding(start, n):
    end = add_working_days(start, n, CAL_2025)
    if n:
        assert working_days_between(start, end, CAL_2025) == n
    assert working_days_between(end, start, CAL_2025) == -working_days_between(start, end, CAL_2025)


@pytest.mark.parametrize(
    ("raw", "kind", "due", "meaning"),
    [
        # The editor read these as year end, one date, or not at all (issue 14).
        ("116年6月30日前完成", "date", dt.date(2027, 6, 30), "116年6月30日前"),
        ("116年12月前辦竣", "date", dt.date(2027, 12, 31), "116年12月31日前"),
        (
            "116年3月、9月",
            "milestones",
            dt.date(2027, 9, 30),
            "116年3月31日前：116年3月；116年9月30日前：116年9月",
        ),
        ("每季終了後10日內", "recurring", dt.date(2028, 1, 10), "每季終了後10日內"),
        ("每月終了後5日內", "recurring", dt.date(2028, 1, 5), "每月終了後5日內"),
        ("每季結束後10個工作日內", "recurring", dt.date(2028, 1, 10), "每季終了後10個工作日內"),
    ],
)
def test_deadlines_people_write_in_the_editor(raw, kind, due, meaning):
    deadline = parse_deadline(raw, years=(2027, 2027))
    assert (deadline.kind, deadline.due, deadline.meaning) == (kind, due, meaning)
    assert deadline.raw == raw


@pytest.mark.parametrize(
    ("typed", "date"),
    [
        ("115/3/5", dt.date(2026, 3, 5)),
        ("115.03.05", dt.date(2026, 3, 5)),
        ("115年3月5日", dt.date(2026, 3, 5)),
        ("民國１１５年３月５日", dt.date(2026, 3, 5)),
        ("2026-03-05", dt.date(2026, 3, 5)),
        ("2026/3/5", dt.date(2026, 3, 5)),
    ],
)
def test_dates_are_taken_as_offices_type_them(typed, date):
    from servq.core.rules import parse_any_date

    assert parse_any_date(typed) == date


@pytest.mark.parametrize("typed", ["3/5", "115/13/1", "115/2/30", "明天", "2026-03-05T10:00"])
def test_dates_that_are_not_dates_are_named(typed):
    from servq.core.rules import parse_any_date

    with pytest.raises(ValueError, match="不是"):
        parse_any_date(typed)


# --- issue 22.3: every way a deadline is written ----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind", "due", "meaning"),
    [
        ("民國一百零五年三月一日", "date", dt.date(2016, 3, 1), "105年3月1日前"),
        ("一〇五年三月一日", "date", dt.date(2016, 3, 1), "105年3月1日前"),
        ("一百一十五年十二月底前", "date", dt.date(2026, 12, 31), "115年12月31日前"),
        ("115年第三季", "date", dt.date(2026, 9, 30), "115年9月30日前"),
        ("第3季", "recurring", dt.date(2026, 9, 30), "每年9月30日前"),
        ("隔月5日前", "recurring", dt.date(2027, 1, 5), "每月終了後5日內"),
        ("每月月初", "recurring", dt.date(2026, 12, 31), "每月辦理"),
        ("收文後7日內", "recurring", None, "收文（或通知）後7日內"),
        ("最遲於十日內", "recurring", None, "收文（或通知）後10日內"),
    ],
)
def test_deadlines_in_chinese_numerals_quarters_and_relative_rules(raw, kind, due, meaning):
    deadline = parse_deadline(raw, years=(2026, 2026))
    assert (deadline.raw, deadline.kind, deadline.due, deadline.meaning) == (raw, kind, due, meaning)


def test_several_dates_a_year_become_a_milestone_each_in_every_plan_year():
    twice = parse_deadline("每年三月及九月十日前", years=(2026, 2027))
    assert [m.due for m in twice.milestones] == [
        dt.date(2026, 3, 10),
        dt.date(2026, 9, 10),
        dt.date(2027, 3, 10),
        dt.date(2027, 9, 10),
    ]
    half_yearly = parse_deadline("七月及翌年一月五日前", years=(2026, 2026))
    assert [m.due for m in half_yearly.milestones] == [dt.date(2026, 7, 5), dt.date(2027, 1, 5)]
    assert parse_deadline("每年3月及9月10日前").kind == "recurring"  # without the plan's years


@given(st.text(max_size=40))
def test_any_phrase_keeps_its_words_and_never_raises(raw):
    deadline = parse_deadline(raw, years=(2026, 2027))
    assert deadline.raw == raw.strip() and deadline.kind in {
        "date",
        "range",
        "recurring",
        "continuous",
        "milestones",
        "text",
    }


@given(st.text(alphabet="〇零一二三四五六七八九十百年月日季前及翌每隔次第", max_size=16))
def test_phrases_made_of_date_words_never_raise(raw):
    parse_deadline(raw, years=(2026, 2026))


def test_a_month_is_the_civil_codes_month():
    import datetime as dt

    from servq.core.rules import add_months

    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2026, 3, 5), 12) == dt.date(2027, 3, 5)
