"""Plans services: cycles."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from django.db import transaction

from servq.agencies.models import Agency
from servq.agencies.rules import coordinates_or_supervises
from servq.agencies.selectors import grants_of
from servq.core import audit, changes
from servq.core.actors import Actor
from servq.core.rules import to_roc_year
from servq.plans.models import (
    ParticipantCategory,
    Plan,
    PlanCycle,
    PlanKind,
    Program,
    ServiceCategory,
)
from servq.plans.services._common import PlanError, _copy_contents, _ensure_no_plan_yet

# --- cycles -------------------------------------------------------------------------------------


@transaction.atomic
def open_cycle(
    *,
    by: Actor,
    program: Program,
    agency: Agency,
    year: int,
    title: str,
    submit_by: dt.date,
    review_by: dt.date,
    approve_by: dt.date,
    participants: Iterable[Agency],
    framework: Plan | None = None,
    copy_framework_from: Plan | None = None,
    publish_by: dt.date | None = None,
    year_end_units: bool = False,
) -> PlanCycle:
    """Open a program's year; its framework is an implementation plan, or a copy of last year's; or,
    for a 一級機關 whose 二級機關 write work plans under its execution plan (004), that execution plan."""
    members = list(participants)
    outside = [a.name for a in members if not a.path.startswith(agency.path) or a.pk == agency.pk]
    if outside:
        raise PlanError(f"參與機關必須是 {agency.name} 所屬機關：{'、'.join(outside)}")
    if framework is not None and framework.kind not in FRAMING_KINDS:
        raise PlanError("年度作業的架構必須是一份實施計畫，或一級機關的執行計畫。")
    if framework is not None and framework.kind == PlanKind.EXECUTION and framework.agency_id != agency.pk:
        raise PlanError("以執行計畫為架構時，年度作業須由訂定該執行計畫的機關開辦。")
    if not submit_by <= review_by <= approve_by:
        raise PlanError("期限順序應為：送審 ≤ 審查 ≤ 核定。")
    if publish_by is not None and publish_by < approve_by:
        raise PlanError("公告期限不能早於核定期限。", "publish_by")
    if copy_framework_from is not None:
        framework = _copy_framework(copy_framework_from, agency=agency, program=program, year=year)
    cycle = PlanCycle.objects.create(
        program=program,
        agency=agency,
        year=year,
        title=title,
        framework=framework,
        submit_by=submit_by,
        review_by=review_by,
        approve_by=approve_by,
        publish_by=publish_by,
        year_end_units=year_end_units,
    )
    cycle.participants.set(members)
    audit.record(
        by=by,
        action="cycle.open",
        obj=cycle,
        agency=agency,
        after=audit.snapshot(cycle),
        extra={"participants": [a.code for a in members]},
    )
    return cycle


@transaction.atomic
def choose_categories(
    *, by: Actor, cycle: PlanCycle, agency: Agency, categories: Sequence[str]
) -> list[ParticipantCategory]:
    """A participant sets (or changes) the categories it takes part in for the cycle — one or both
    (001 lists some agencies under both): its coordinator, or a supervisor above it. Each category
    decides dimensions it is judged on (rules.dimensions_of)."""
    PlanError.require(
        cycle.participants.filter(pk=agency.pk).exists(), f"{agency.name} 不是本年度的參與機關。"
    )
    wanted = list(dict.fromkeys(categories))
    PlanError.require(bool(wanted), "請至少選擇一個參與類別。", "category")
    for category in wanted:
        PlanError.require(
            category in ServiceCategory.values, f"沒有「{category[:20]}」這個類別。", "category"
        )
    grants = grants_of(by) if by is not None else []
    PlanError.require(
        by is None or coordinates_or_supervises(grants, agency.path),
        "只有該機關的聯絡人或上級研考人員可以設定參與類別。",
    )
    current = ParticipantCategory.objects.filter(cycle=cycle, agency=agency)
    before = sorted(current.values_list("category", flat=True))
    if before == sorted(wanted):
        return list(current)
    current.exclude(category__in=wanted).delete()
    for category in wanted:
        ParticipantCategory.objects.get_or_create(cycle=cycle, agency=agency, category=category)
    chosen = list(ParticipantCategory.objects.filter(cycle=cycle, agency=agency).order_by("category"))
    audit.record(
        by=by,
        action="cycle.category",
        obj=chosen[0],
        agency=agency,
        before={"categories": before},
        after={"categories": sorted(wanted)},
    )
    return chosen


def _copy_framework(source: Plan, *, agency: Agency, program: Program, year: int) -> Plan:
    """This year's implementation plan as a draft copy of an earlier one (framework, items, indicators)."""
    if source.kind != PlanKind.IMPLEMENTATION:
        raise PlanError("只能沿用實施計畫的架構。")
    roc_year = to_roc_year(year)
    title = re.sub(r"\d{2,3}\s*年度", f"{roc_year}年度", source.title)
    if title == source.title:
        title = f"{source.title}（{roc_year}年度）"
    plan = Plan.objects.create(
        program=program,
        agency=agency,
        kind=PlanKind.IMPLEMENTATION,
        title=title,
        first_year=year,
        last_year=year,
        basis=source.basis,
        goals=source.goals,
        scope=source.scope,
        steps=source.steps,
        oversight=source.oversight,
        rewards=source.rewards,
        requirements=source.requirements,
    )
    _copy_contents(source, plan, shift_years=year - source.first_year)
    changes.announce("plan.contents", plan=plan)
    return plan


# What may frame a cycle: a body's implementation plan, or a 一級機關's execution plan (004).
FRAMING_KINDS = (PlanKind.IMPLEMENTATION, PlanKind.EXECUTION)


@transaction.atomic
def start_plan(*, by: Actor, cycle: PlanCycle, agency: Agency, copy_from: Plan | None = None) -> Plan:
    """The agency's draft for this cycle, empty or copied from an earlier plan (e.g. last year's)."""
    if not cycle.participants.filter(pk=agency.pk).exists():
        raise PlanError(f"{agency.name} 不在「{cycle.title}」的參與機關中。")
    _ensure_no_plan_yet(cycle, agency)
    roc_year = to_roc_year(cycle.year)
    # Under an execution plan the 二級機關 write work plans (004: 工作計畫), reviewed by its agency.
    work = cycle.framework is not None and cycle.framework.kind == PlanKind.EXECUTION
    kind = PlanKind.WORK if work else PlanKind.EXECUTION
    above = (
        cycle.framework.title if work and cycle.framework else f"{cycle.agency.name}「{cycle.title}」實施計畫"
    )
    plan = Plan.objects.create(
        program=cycle.program,
        agency=agency,
        cycle=cycle,
        parent=cycle.framework,
        kind=kind,
        title=f"{agency.name}{roc_year}年度提升服務品質{PlanKind(kind).label}",
        # Every seed cites the plan above it as its 依據; the agency edits it, and writes the rest.
        basis=f"{cycle.program.name}；{above}。",
        first_year=cycle.year,
        last_year=cycle.year,
    )
    if copy_from is not None:
        _copy_contents(copy_from, plan, shift_years=cycle.year - copy_from.first_year)
        changes.announce("plan.contents", plan=plan)
    audit.record(
        by=by,
        action="plan.start",
        obj=plan,
        agency=agency,
        after=audit.snapshot(plan),
        extra={"copied_from": copy_from.pk if copy_from else None},
    )
    return plan
