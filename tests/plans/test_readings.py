"""Indicators read live: targets that cannot stand are refused with the field named; an override
needs a reason, is audited and shows beside the measured value; a measure that fails is reported on
its indicator and stops nothing; a year with nothing to count reads 無資料."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from servq.core import measures
from servq.core.models import AuditEntry
from servq.plans import readings, rules, services
from tests.factories import PlanFactory

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def draft(agency_tree):
    return PlanFactory(agency=agency_tree["mof"], status="draft", first_year=2026, last_year=2028)


@pytest.fixture
def coordinator(agency_tree, user_with_role):
    return user_with_role(agency_tree["mof"], "coordinator", username="lin")


def _indicator(plan, by, **changes):
    fields = {
        "name": "開放資料集累計數",
        "unit": "項",
        "direction": "higher",
        "cumulative": False,
        "baseline": None,
        "targets": {2026: Decimal(10)},
        "measure_key": "opendata.published",
    }
    return services.save_indicator(by=by, plan=plan, **(fields | changes))


@pytest.mark.parametrize(
    ("higher", "cumulative", "baseline", "targets", "said"),
    [
        (True, True, None, {2026: Decimal(20), 2027: Decimal(10)}, "不能逐年減少"),
        (True, False, Decimal(90), {2026: Decimal(80)}, "低於基準值"),
        (False, False, Decimal(5), {2026: Decimal(7)}, "高於基準值"),
    ],
)
def test_targets_that_cannot_stand_are_explained(higher, cumulative, baseline, targets, said):
    refusal = rules.target_refusal(
        higher_is_better=higher, cumulative=cumulative, baseline=baseline, targets=targets
    )
    assert said in refusal


def test_sound_targets_pass():
    assert not rules.target_refusal(
        higher_is_better=True,
        cumulative=True,
        baseline=Decimal(5),
        targets={2026: Decimal(5), 2027: Decimal(9)},
    )


def test_a_decreasing_cumulative_target_is_refused_naming_the_field(draft, coordinator):
    with pytest.raises(services.PlanError) as refused:
        _indicator(draft, coordinator, cumulative=True, targets={2026: Decimal(20), 2027: Decimal(10)})
    assert refused.value.field == "targets"
    assert draft.indicators.count() == 0


def test_an_override_needs_a_reason_and_is_audited(draft, coordinator):
    indicator = _indicator(draft, coordinator)
    with pytest.raises(services.PlanError) as refused:
        services.override_indicator(
            by=coordinator, indicator=indicator, year=2026, value=Decimal(12), reason="  "
        )
    assert refused.value.field == "reason"
    services.override_indicator(
        by=coordinator, indicator=indicator, year=2026, value=Decimal(12), reason="部分資料集在縣市平臺上架"
    )
    entry = AuditEntry.objects.get(action="indicator.override")
    assert entry.changes["reason"][1] == "部分資料集在縣市平臺上架"
    reading = readings.readings([indicator], 2026, TODAY)[indicator.pk]
    assert reading.measured is not None and reading.value == Decimal(12)
    assert reading.override.reason == "部分資料集在縣市平臺上架"
    services.clear_override(by=coordinator, indicator=indicator, year=2026)
    assert AuditEntry.objects.filter(action="indicator.override_cleared").exists()


def test_another_agency_cannot_override(draft, coordinator, agency_tree, user_with_role):
    indicator = _indicator(draft, coordinator)
    outsider = user_with_role(agency_tree["moea"], "coordinator")
    with pytest.raises(services.PlanError):
        services.override_indicator(by=outsider, indicator=indicator, year=2026, value=Decimal(1), reason="x")


def test_a_failing_measure_is_shown_on_its_indicator(draft, coordinator, monkeypatch):
    indicator = _indicator(draft, coordinator)
    broken = measures.Measure("opendata.published", "x", "項", True, lambda scope: 1 / 0)
    monkeypatch.setitem(measures._REGISTRY, "opendata.published", broken)
    reading = readings.readings([indicator], 2026, TODAY)[indicator.pk]
    assert reading.measured is None and "無法計算" in reading.error


def test_a_rate_with_nothing_to_count_has_no_data(draft, coordinator):
    indicator = _indicator(
        draft, coordinator, name="線上申辦比率", unit="%", measure_key="services.e_check_share", targets={}
    )
    reading = readings.readings([indicator], 2026, TODAY)[indicator.pk]
    assert reading.error == "" and reading.measured is None and reading.met is None


def test_a_year_not_begun_is_not_measured(draft, coordinator):
    indicator = _indicator(draft, coordinator)
    assert readings.readings([indicator], 2027, TODAY)[indicator.pk].scope is None
    cumulative = _indicator(draft, coordinator, name="累計", cumulative=True, targets={2026: Decimal(1)})
    scope = readings.scope_of(cumulative, 2027, dt.date(2027, 3, 1))
    assert scope.start == dt.date(2026, 1, 1)  # counted from the plan's first year


def test_values_are_kept_for_dashboards_and_read_fresh_where_explained(
    draft, coordinator, agency_tree, settings
):
    from servq.opendata.models import Dataset

    def dataset():
        Dataset.objects.create(
            agency=agency_tree["mof"], title="預算", description="-", state="published", published_on=TODAY
        )

    indicator = _indicator(draft, coordinator)
    dataset()
    assert readings.readings([indicator], 2026, TODAY)[indicator.pk].measured == 1
    dataset()
    assert readings.readings([indicator], 2026, TODAY)[indicator.pk].measured == 1  # kept
    assert readings.readings([indicator], 2026, TODAY, fresh=True)[indicator.pk].measured == 2
    assert readings.readings([indicator], 2026, TODAY)[indicator.pk].measured == 2  # and kept anew


def test_the_periodic_task_warms_this_years_indicators(draft, coordinator, agency_tree):
    from servq.plans.tasks import warm_indicator_readings

    _indicator(draft, coordinator)
    _indicator(draft, coordinator, name="未綁定", measure_key="")
    assert warm_indicator_readings.call() == 1
