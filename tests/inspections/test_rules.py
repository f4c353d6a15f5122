"""Inspection rules: reply deadlines, who is visited first and the draw, scores, who may answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from servq.agencies.rules import Grant, Role
from servq.core.rules import OfficeCalendar
from servq.inspections import rules

WEEKDAYS_ONLY = OfficeCalendar(holidays=frozenset(), makeup_workdays=frozenset())


@pytest.mark.parametrize(
    ("written", "rule"),
    [
        ("1個月", rules.ReplyRule(1, "months")),
        ("2個月內", rules.ReplyRule(2, "months")),
        ("於接獲建議事項後1個月內", rules.ReplyRule(1, "months")),
        ("10個工作天", rules.ReplyRule(10, "working_days")),
        ("三十日", rules.ReplyRule(30, "days")),
    ],
)
def test_reply_deadlines_as_bodies_write_them(written, rule):
    assert rules.parse_reply_rule(written) == rule


@pytest.mark.parametrize("written", ["", "儘速", "0個月", "13個月", "一年"])
def test_a_deadline_rule_that_does_not_parse_is_refused(written):
    with pytest.raises(rules.BadReplyRule, match="回復期限"):
        rules.parse_reply_rule(written)


def test_a_month_later_is_the_same_day_or_the_months_last():
    assert rules.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert rules.add_months(dt.date(2026, 11, 30), 2) == dt.date(2027, 1, 30)
    assert rules.ReplyRule(10, "working_days").due(dt.date(2026, 12, 4), WEEKDAYS_ONLY) == dt.date(
        2026, 12, 18
    )


FACTS = [
    rules.AgencyFacts(1, "甲局", last_award_year=2025, criticisms=0, entering=False, overdue_findings=0),
    rules.AgencyFacts(2, "乙局", last_award_year=None, criticisms=2, entering=False, overdue_findings=1),
    rules.AgencyFacts(3, "丙局", last_award_year=2020, criticisms=0, entering=True, overdue_findings=0),
    rules.AgencyFacts(4, "丁局", last_award_year=2019, criticisms=0, entering=False, overdue_findings=0),
    rules.AgencyFacts(5, "戊局", last_award_year=2018, criticisms=0, entering=False, overdue_findings=0),
]
ALL = list(rules.PRIORITY_RULES)


def test_the_priority_list_orders_by_reasons_and_says_them():
    ranked = rules.priority(FACTS, ALL, year=2026)
    assert [r.name for r in ranked] == ["乙局", "丙局", "丁局", "戊局", "甲局"]
    assert ranked[0].reasons == (
        "近3年未參加政府服務獎",
        "曾受媒體或民眾批評（2 則）",
        "有逾期未改善的缺失（1 項）",
    )
    assert ranked[-1].reasons == ()
    only_criticism = rules.priority(FACTS, [rules.CRITICISM], year=2026)
    assert [r.name for r in only_criticism if r.reasons] == ["乙局"]


def test_the_draw_takes_the_surest_then_draws_among_equals_reproducibly():
    ranked = rules.priority(FACTS, ALL, year=2026)
    first = rules.draw(ranked, 3, seed=115)
    assert [r.name for r in first[:2]] == ["乙局", "丙局"], "more reasons are never left to chance"
    assert first[2].drawn and first[2].name in ("丁局", "戊局")
    assert rules.draw(ranked, 3, seed=115) == first, "the same seed draws the same agencies"
    drawn = {rules.draw(ranked, 3, seed=seed)[2].name for seed in range(20)}
    assert drawn == {"丁局", "戊局"}, "other seeds draw either"


def test_a_draw_larger_than_the_eligible_set_is_refused():
    with pytest.raises(rules.BadDraw, match="要抽 5 個機關，但符合條件的只有 4 個"):
        rules.draw(rules.priority(FACTS, ALL, year=2026), 5, seed=1)


def test_scores_within_the_scale_and_the_panels_result():
    a1 = rules.CriterionScale("A1", 10, Decimal(2))
    a2 = rules.CriterionScale("A2", 20, Decimal(1))
    with pytest.raises(rules.BadScore):
        rules.check_score(Decimal("10.5"), a1)
    with pytest.raises(rules.BadScore):
        rules.check_score(Decimal("7.25"), a1)
    assert rules.weighted_total({"A1": Decimal(8)}, [a1, a2]) is None, "unfinished: no total"
    # (8/10 × 2 + 10/20 × 1) / 3 × 100 = 70.0
    assert rules.weighted_total({"A1": Decimal(8), "A2": Decimal(10)}, [a1, a2]) == Decimal("70.0")
    assert rules.panel_result([Decimal("70.0"), None, Decimal("81.0")]) == Decimal("75.5")
    assert rules.panel_result([None]) is None


def test_who_answers_a_finding():
    agency, unit = "/ey/mof/ntbt/", "/ey/mof/ntbt/sec/"
    assert rules.may_answer([Grant(agency, Role.COORDINATOR)], agency, None)
    assert rules.may_answer([Grant("/ey/mof/", Role.COORDINATOR)], agency, None), "its 主管機關"
    assert rules.may_answer([Grant(unit, Role.UNIT_STAFF)], agency, unit)
    assert not rules.may_answer([Grant(unit, Role.UNIT_STAFF)], agency, None), "a unit it was not assigned to"
    assert not rules.may_answer([Grant("/ey/moea/", Role.COORDINATOR)], agency, None)
    assert not rules.may_answer([Grant(agency, Role.HEAD)], agency, None)
