"""Writes of an indicator's measured values: a coordinator's override of a year's value, with the
reason, and its removal — audited, and allowed on an approved plan (the year goes on after approval)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from servq.core import audit, measures
from servq.core.actors import Actor, person
from servq.core.rules import format_roc_year
from servq.plans import rules, selectors
from servq.plans.models import Indicator, IndicatorOverride, IndicatorTarget, Plan
from servq.plans.services._common import PlanError


def _require_coordinator(by: Actor, indicator: Indicator) -> None:
    capacities = selectors.capacities_for(by, indicator.plan)
    PlanError.require(
        bool(capacities & {rules.AUTHOR, rules.REVIEWER}), "只有機關聯絡人或督導機關可以更正指標值。"
    )


@transaction.atomic
def override_indicator(
    *, by: Actor, indicator: Indicator, year: int, value: Decimal, reason: str
) -> IndicatorOverride:
    _require_coordinator(by, indicator)
    plan = indicator.plan
    PlanError.require(
        plan.first_year <= year <= plan.last_year, f"{format_roc_year(year)}不在計畫期程內。", "year"
    )
    PlanError.require(bool(reason.strip()), "請說明更正的理由。", "reason")
    PlanError.require(len(reason.strip()) <= 500, "更正理由請在 500 字以內。", "reason")
    PlanError.require(value.is_finite() and abs(value) < Decimal("1e12"), "更正值不正確。", "value")
    found = IndicatorOverride.objects.filter(indicator=indicator, year=year).first()
    before = audit.snapshot(found, ["value", "reason"]) if found else None
    override, _ = IndicatorOverride.objects.update_or_create(
        indicator=indicator, year=year, defaults={"value": value, "reason": reason.strip(), "by": person(by)}
    )
    audit.record(
        by=by,
        action="indicator.override",
        obj=indicator,
        agency=plan.agency,
        within=plan,
        before=before,
        after=audit.snapshot(override, ["value", "reason"]),
        extra={"year": year},
    )
    return override


@transaction.atomic
def clear_override(*, by: Actor, indicator: Indicator, year: int) -> None:
    _require_coordinator(by, indicator)
    found = IndicatorOverride.objects.filter(indicator=indicator, year=year).first()
    PlanError.require(found is not None, "這個年度沒有人工更正。")
    assert found is not None  # for the type checker: refused just above
    audit.record(
        by=by,
        action="indicator.override_cleared",
        obj=indicator,
        agency=indicator.plan.agency,
        within=indicator.plan,
        before=audit.snapshot(found, ["value", "reason"]),
        extra={"year": year},
    )
    found.delete()


@transaction.atomic
def seed_indicators(*, plan: Plan, rows: list[tuple[str, str, str, Decimal, str]]) -> list[Indicator]:
    """A plan's indicators as the file or the demo states them — (name, unit, direction, this year's
    target, measure key) — written by the system with the plan whatever its state (importers and the
    demo; people add indicators through ``save_indicator`` on a draft). Audited like any change."""
    made = []
    for position, (name, unit, direction, target, key) in enumerate(rows, start=plan.indicators.count()):
        if key:
            measures.get(key)  # an unknown key is a bug in the caller, not bad input
        indicator = Indicator.objects.create(
            plan=plan, name=name, unit=unit, direction=direction, measure_key=key, position=position
        )
        IndicatorTarget.objects.create(indicator=indicator, year=plan.first_year, value=target)
        audit.record(
            by=None,
            action="indicator.save",
            obj=indicator,
            agency=plan.agency,
            within=plan,
            after={"name": name, "measure_key": key, "targets": {str(plan.first_year): str(target)}},
        )
        made.append(indicator)
    return made
