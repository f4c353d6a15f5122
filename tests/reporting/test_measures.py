"""The plan cycle's measures by hand: plans published by the publish-by date, self-evaluations filed
by their due date, year-end reports signed by their due date; and every registered measure states
what it counts and names readable columns for its records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from servq.core import measures
from servq.core.measures import Scope, get
from servq.plans.models import Plan, PlanCycle
from servq.reporting import selectors
from servq.reporting.models import SelfEvaluation, YearEndReport


def _year(agency, year=2026):
    return Scope(agency.path, dt.date(year, 1, 1), dt.date(year, 12, 31))


def _aware(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def test_plans_published_by_the_publish_by_date(agency_tree, cycle, plan):
    PlanCycle.objects.filter(pk=cycle.pk).update(publish_by=dt.date(2026, 4, 30))
    scope = _year(agency_tree["root"])
    assert get("plans.published_on_time").value(scope) == Decimal("0.0")  # approved, not yet public
    Plan.objects.filter(pk=plan.pk).update(status="published", published_at=_aware(dt.date(2026, 4, 30)))
    assert get("plans.published_on_time").value(scope) == Decimal("100.0")
    Plan.objects.filter(pk=plan.pk).update(published_at=_aware(dt.date(2026, 5, 1)))
    assert get("plans.published_on_time").value(scope) == Decimal("0.0")


def test_self_evaluations_filed_by_the_month_after_each_half(agency_tree, plan):
    SelfEvaluation.objects.create(
        plan=plan, year=2026, half=1, overall="good", submitted_at=_aware(dt.date(2026, 7, 31))
    )
    SelfEvaluation.objects.create(
        plan=plan, year=2026, half=2, overall="good", submitted_at=_aware(dt.date(2027, 2, 1))
    )
    # Both halves end within 2026: the first filed by 7月31日, the second after 1月31日.
    assert get("reporting.self_evaluations_on_time").value(_year(agency_tree["mof"])) == Decimal("50.0")
    first_half = Scope(agency_tree["mof"].path, dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert get("reporting.self_evaluations_on_time").value(first_half) == Decimal("100.0")
    assert get("reporting.self_evaluations_on_time").value(_year(agency_tree["moea"])) is None


def test_year_end_reports_signed_by_the_last_periods_due_date(agency_tree, cycle, quarters):
    due = max(p.due_on for p in quarters)
    scope = _year(agency_tree["root"], due.year)
    assert get("reporting.year_end_on_time").value(scope) == Decimal("0.0")  # two take part, none signed
    YearEndReport.objects.create(
        cycle=cycle, agency=agency_tree["mof"], signed_at=_aware(due), compiled_at=_aware(due)
    )
    YearEndReport.objects.create(
        cycle=cycle,
        agency=agency_tree["moea"],
        signed_at=_aware(due + dt.timedelta(days=1)),
        compiled_at=_aware(due),
    )
    assert get("reporting.year_end_on_time").value(scope) == Decimal("50.0")


@pytest.mark.django_db
@pytest.mark.parametrize("measure", measures.all_measures(), ids=lambda m: m.key)
def test_every_measure_says_what_it_counts_in_readable_columns(measure):
    assert str(measure.definition).strip(), f"{measure.key} has no definition"
    if measure.records is None:
        return
    table = selectors.records_table(measure, Scope("0001.", dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    assert table is not None and table.rows == []
    for heading in table.headings:
        assert not heading.isascii(), f"{measure.key}: the column {heading!r} has no Chinese name"


def test_a_count_measure_and_its_records_agree(agency_tree, cycle, plan):
    scope = _year(agency_tree["root"])
    for measure in measures.all_measures():
        if measure.compute.__qualname__.startswith("count:"):
            assert measure.value(scope) == measure.records_in(scope).count()
