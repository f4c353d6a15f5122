from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servq.core.rules import OfficeCalendar
from servq.reporting import rules

D = dt.date
NO_HOLIDAYS = OfficeCalendar()
# 2027: 1/1 元旦 (Fri) off; a typhoon day off on 7/2 (Fri).
CAL = OfficeCalendar(holidays=frozenset({D(2027, 1, 1), D(2026, 7, 2)}))


@pytest.mark.parametrize(
    ("frequency", "count", "first_label", "last_end"),
    [
        ("monthly", 12, "115年1月", D(2026, 12, 31)),
        ("quarterly", 4, "115年第1季", D(2026, 12, 31)),
        ("half_yearly", 2, "115年上半年", D(2026, 12, 31)),
        ("yearly", 1, "115年度", D(2026, 12, 31)),
    ],
)
def test_periods_cover_the_year_without_gaps(frequency, count, first_label, last_end):
    spans = rules.periods_of_year(frequency, 2026)
    assert len(spans) == count
    assert spans[0].label == first_label and spans[0].start == D(2026, 1, 1)
    assert spans[-1].end == last_end
    for before, after in itertools.pairwise(spans):
        assert after.start == before.end + dt.timedelta(days=1)


def test_february_ends_on_its_last_day():
    assert rules.periods_of_year("monthly", 2028)[1].end == D(2028, 2, 29)


def test_unknown_frequency_is_refused():
    with pytest.raises(ValueError, match="weekly"):
        rules.periods_of_year("weekly", 2026)


@pytest.mark.parametrize(
    ("rule", "period_end", "expected"),
    [
        ("每半年結束後10個工作日內", D(2026, 6, 30), D(2026, 7, 15)),  # 7/2 typhoon day skipped
        ("結束後15日內", D(2026, 6, 30), D(2026, 7, 15)),
        ("次年1月15日前", D(2026, 12, 31), D(2027, 1, 15)),
        ("次年度1月20日以前", D(2026, 12, 31), D(2027, 1, 20)),
        ("次月10日前", D(2026, 12, 31), D(2027, 1, 10)),
        ("次月10日前", D(2026, 3, 31), D(2026, 4, 10)),
        ("116年1月20日", D(2026, 12, 31), D(2027, 1, 20)),
        ("結束後５個工作日內", D(2026, 12, 31), D(2027, 1, 8)),  # full-width digit; 1/1 off
    ],
)
def test_due_rules_as_supervisors_write_them(rule, period_end, expected):
    assert rules.due_date(rule, period_end, CAL) == expected


@pytest.mark.parametrize("rule", ["", "儘速", "次年2月30日前", "116年13月1日"])
def test_unreadable_or_impossible_due_rules_name_the_rule(rule):
    with pytest.raises(rules.DueRuleError) as error:
        rules.due_date(rule, D(2026, 12, 31), CAL)
    assert f"「{rule}」" in str(error.value)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("1 月", D(2026, 1, 1), D(2026, 1, 31)),
        ("2 月至 4 月", D(2026, 2, 1), D(2026, 4, 30)),
        ("上半年", D(2026, 1, 1), D(2026, 6, 30)),
        ("下半年", D(2026, 7, 1), D(2026, 12, 31)),
        ("12 月下旬至次年 1 月", D(2026, 12, 21), D(2027, 1, 31)),
        ("次年 1 月至 2 月上旬", D(2027, 1, 1), D(2027, 2, 10)),
        ("9 月至 11 月", D(2026, 9, 1), D(2026, 11, 30)),
    ],
)
def test_schedule_windows_from_seed_004(text, start, end):
    assert rules.schedule_window(text, 2026) == (start, end)


@pytest.mark.parametrize("text", ["隨時", "13 月", "5 月至 3 月"])
def test_unreadable_schedule_windows_are_refused(text):
    with pytest.raises(ValueError):
        rules.schedule_window(text, 2026)


@pytest.mark.parametrize(
    ("actual", "target", "higher", "expected"),
    [
        ("95", "95", True, "100.0"),
        ("90", "100", True, "90.0"),
        ("120", "100", True, "120.0"),
        ("5", "10", False, "200.0"),  # half the complaints allowed: twice as good
        ("20", "10", False, "50.0"),
        ("0", "10", False, "100.0"),
        ("3", "0", True, "100.0"),
    ],
)
def test_achievement_by_direction(actual, target, higher, expected):
    assert rules.achievement(Decimal(actual), Decimal(target), higher_is_better=higher) == Decimal(expected)


def test_achievement_needs_both_values():
    assert rules.achievement(None, Decimal(1), higher_is_better=True) is None
    assert rules.achievement(Decimal(1), None, higher_is_better=True) is None


def test_cumulative_indicators_sum_their_readings_others_take_the_latest():
    readings = [Decimal(3), Decimal(4), Decimal(5)]
    assert rules.current_value(readings, cumulative=True) == Decimal(12)
    assert rules.current_value(readings, cumulative=False) == Decimal(5)
    assert rules.current_value([], cumulative=True) is None


def test_roll_up_adds_every_agency_into_each_ancestor():
    totals = rules.roll_up(
        {
            "/ey/mof/": Counter(done=2, items=3),
            "/ey/mof/ntbt/": Counter(done=1, items=4),
            "/ey/moea/": Counter(items=5),
        }
    )
    assert totals["/ey/"] == Counter(done=3, items=12)
    assert totals["/ey/mof/"] == Counter(done=3, items=7)
    assert totals["/ey/mof/ntbt/"] == Counter(done=1, items=4)


@given(st.dictionaries(st.sampled_from(["/a/", "/a/b/", "/a/b/c/", "/a/d/"]), st.integers(0, 50)))
def test_roll_up_root_equals_the_sum_of_all(own):
    totals = rules.roll_up({path: Counter(items=n) for path, n in own.items()})
    assert totals.get("/a/", Counter())["items"] == sum(own.values())


@pytest.mark.parametrize(
    ("submitted", "today", "expected"),
    [
        (D(2027, 1, 15), D(2027, 2, 1), "on_time"),
        (D(2027, 1, 16), D(2027, 2, 1), "late"),
        (None, D(2027, 1, 16), "missing"),
        (None, D(2027, 1, 15), "pending"),
    ],
)
def test_compliance(submitted, today, expected):
    assert rules.compliance(submitted, D(2027, 1, 15), today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2027, 1, 7), ()),  # 6 working days before (1/1 is off)
        (D(2027, 1, 8), ("reminder",)),  # 5 working days before
        (D(2027, 1, 15), ("reminder",)),
        (D(2027, 1, 18), ("overdue",)),
        (D(2027, 1, 21), ("overdue",)),
        (D(2027, 1, 22), ("overdue", "escalation")),  # 5 working days after
        (D(2027, 3, 1), ("overdue", "escalation")),  # a missed run is made up
    ],
)
def test_notices_due_around_the_deadline(today, expected):
    assert rules.notices_due(D(2027, 1, 15), today, CAL, remind_days=5, escalate_days=5) == expected


@pytest.mark.parametrize(
    ("today", "items", "unreported", "reason", "refused"),
    [
        (dt.date(2026, 12, 7), 8, 0, "", "年度到 115年12月31日 才結束"),  # signed in December of the year
        (dt.date(2026, 12, 7), 8, 0, "配合函送期限", ""),  # ... with a reason, it may
        (dt.date(2027, 1, 5), 8, 8, "", "尚有 8 個項目未填報"),  # the probe's 8 of 8 未填報
        (dt.date(2027, 1, 5), 8, 2, "兩項停辦，已簽准", ""),
        (dt.date(2027, 1, 5), 8, 0, "", ""),
        (dt.date(2027, 1, 5), 0, 0, "有理由也不行", "沒有任何項目"),  # an empty report, never
    ],
)
def test_when_the_head_may_sign_the_years_report(today, items, unreported, reason, refused):
    said = rules.sign_off_refusal(
        year_ends=dt.date(2026, 12, 31), today=today, items=items, unreported=unreported, reason=reason
    )
    assert (refused in said) if refused else said == ""
