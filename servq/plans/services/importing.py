"""Plans services: import."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from servq.agencies.models import Agency
from servq.core import audit, changes
from servq.core.actors import Actor
from servq.core.rules import parse_deadline
from servq.plans import selectors
from servq.plans.importing import ParsedPlan, PlanFileError, file_sha256, parse_file
from servq.plans.models import (
    FrameworkNode,
    Indicator,
    IndicatorTarget,
    ItemUnit,
    Plan,
    PlanCycle,
    PlanItem,
    PlanRevision,
    PlanStatus,
    Program,
)
from servq.plans.services._common import PlanError, _deadline_values, _ensure_no_plan_yet, match_unit

# --- import -------------------------------------------------------------------------------------

# How a plan refers to its own agency in front of a unit's name: 「本處資訊科」 is the unit 資訊科.


class PlanImportError(PlanError):
    """An import refused as a whole (a duplicate, an unknown agency); nothing was written."""


@transaction.atomic
def import_plan_file(
    *,
    by: Actor,
    path: Path,
    agency: Agency,
    program: Program | None = None,
    cycle: PlanCycle | None = None,
    status: str = PlanStatus.DRAFT,
    replace: bool = False,
    name: str = "",
    parsed: ParsedPlan | None = None,
) -> tuple[Plan, ParsedPlan]:
    """Read a plan file and save it, all or nothing: the one way in for the web upload, the
    import_plan command and the demo. The file's checksum goes with it, so the same file is caught
    as a duplicate even after the plan it made was retitled. ``name`` is the file's name as the user
    knows it (an upload is read from a temporary file); PlanFileError names it when unreadable.
    A caller that parsed the file already (to find its agency) passes ``parsed``."""
    shown = name or path.name
    if parsed is None:
        try:
            parsed = parse_file(path, max_bytes=settings.SERVQ_IMPORT_MAX_BYTES)
        except PlanFileError as error:
            raise PlanFileError(str(error).replace(path.name, shown)) from None
    chosen = program or program_for(
        by=by, name=parsed.program_name, years=(parsed.first_year, parsed.last_year)
    )
    plan = import_plan(
        by=by,
        parsed=parsed,
        agency=agency,
        program=chosen,
        cycle=cycle,
        replace=replace,
        status=status,
        source_name=shown,
        source_sha256=file_sha256(path),
    )
    if cycle is not None:
        link_plan_to_cycle(by=by, plan=plan, cycle=cycle)
    return plan, parsed


def find_duplicate(
    *, program: Program, agency: Agency, title: str, first_year: int, sha256: str
) -> Plan | None:
    same_plan = Plan.objects.filter(program=program, agency=agency, title=title, first_year=first_year)
    same_file = Plan.objects.filter(agency=agency, source_sha256=sha256) if sha256 else Plan.objects.none()
    return (same_plan | same_file).order_by("-version").first()


@transaction.atomic
def import_plan(
    *,
    by: Actor,
    parsed: Any,
    agency: Agency,
    program: Program,
    replace: bool = False,
    status: str = PlanStatus.DRAFT,
    source_name: str = "",
    source_sha256: str = "",
    cycle: PlanCycle | None = None,
) -> Plan:
    """Save a parsed plan (servq.plans.importing.ParsedPlan) all or nothing, with one audit entry."""
    if cycle is not None and not replace:
        _ensure_no_plan_yet(cycle, agency)
    existing = find_duplicate(
        program=program, agency=agency, title=parsed.title, first_year=parsed.first_year, sha256=source_sha256
    )
    before = None
    if existing is not None:
        if not replace:
            raise PlanImportError(
                f"「{parsed.title}」 of {agency.name} is already imported as plan {existing.pk}"
            )
        before = {"items": existing.items.count(), "title": existing.title}
        plan = existing
        plan.items.all().delete()
        plan.nodes.all().delete()
        plan.indicators.all().delete()
        plan.revisions.all().delete()
    else:
        plan = Plan(program=program, agency=agency)
    plan.kind, plan.title = parsed.kind, parsed.title
    plan.first_year, plan.last_year = parsed.first_year, parsed.last_year
    plan.basis, plan.goals, plan.scope, plan.oversight = (
        parsed.basis,
        parsed.goals,
        parsed.scope,
        parsed.oversight,
    )
    plan.status, plan.cycle = status, cycle or plan.cycle
    plan.source_name, plan.source_sha256 = source_name[:255], source_sha256
    if status == PlanStatus.PUBLISHED and plan.published_at is None:
        plan.published_at = timezone.now()
    plan.full_clean(exclude=["program", "agency", "parent", "cycle", "first_version"])
    plan.save()
    PlanRevision.objects.bulk_create(
        PlanRevision(plan=plan, date=day, label=label) for day, label in parsed.revisions
    )
    items = _save_items(plan, parsed.items)
    _save_indicators(plan, parsed.indicators, items)
    changes.announce("plan.contents", plan=plan)
    audit.record(
        by=by,
        action="plan.replace" if before else "plan.import",
        obj=plan,
        agency=agency,
        before=before,
        after={"items": len(items), "title": plan.title},
        extra={"source": source_name, "warnings": len(parsed.warnings)},
    )
    return plan


def _save_items(plan: Plan, parsed_items: Sequence[Any]) -> list[PlanItem]:
    nodes: dict[tuple[str, ...], FrameworkNode] = {}
    position = 0
    for parsed in parsed_items:
        for depth in range(len(parsed.path)):
            key = tuple(parsed.path[: depth + 1])
            if key not in nodes:
                nodes[key] = FrameworkNode.objects.create(
                    plan=plan, parent=nodes.get(key[:-1]), title=key[-1], position=position, depth=depth
                )
                position += 1
    years = (plan.first_year, plan.last_year)
    items = PlanItem.objects.bulk_create(
        PlanItem(
            plan=plan,
            node=nodes.get(tuple(parsed.path)),
            position=n,
            text=parsed.text,
            actions=parsed.actions,
            expected_benefit=parsed.expected_benefit,
            source_line=parsed.line,
            **_deadline_values(parse_deadline(parsed.deadline_raw, years=years)),
        )
        for n, parsed in enumerate(parsed_items)
    )
    lookup = selectors.unit_lookup(plan.agency)
    ItemUnit.objects.bulk_create(
        ItemUnit(item=item, name=name[:200], unit=match_unit(name, lookup, plan.agency), position=k)
        for item, parsed in zip(items, parsed_items, strict=True)
        for k, name in enumerate(dict.fromkeys(parsed.units))
    )
    return items


def _save_indicators(plan: Plan, parsed_indicators: Sequence[Any], items: list[PlanItem]) -> None:
    for position, parsed in enumerate(parsed_indicators):
        indicator = Indicator.objects.create(
            plan=plan,
            name=parsed.name,
            unit=parsed.unit,
            cumulative=parsed.cumulative,
            position=position,
            item=items[parsed.item_index] if parsed.item_index is not None else None,
        )
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(indicator=indicator, year=year, value=value)
            for year, value in parsed.targets.items()
        )


# Programs the seed plans name, with the slug servq files them under.
KNOWN_PROGRAMS = {"政府服務躍升方案": "service-leap", "政府服務創新精進方案": "service-innovation"}
DEFAULT_PROGRAM = ("service-quality", "提升服務品質")


@transaction.atomic
def program_for(*, by: Actor, name: str, years: tuple[int, int]) -> Program:
    """The program a plan belongs to, from the 「…方案」 its basis names; created or widened to its years."""
    if name:
        slug = KNOWN_PROGRAMS.get(name) or "program-" + hashlib.sha1(name.encode()).hexdigest()[:8]  # noqa: S324
    else:
        slug, name = DEFAULT_PROGRAM
    program, created = Program.objects.get_or_create(
        slug=slug, defaults={"name": name, "first_year": years[0], "last_year": years[1]}
    )
    if created:
        audit.record(by=by, action="program.create", obj=program, after=audit.snapshot(program))
    elif years[0] < program.first_year or years[1] > program.last_year:
        widened = {
            "first_year": min(years[0], program.first_year),
            "last_year": max(years[1], program.last_year),
        }
        audit.change(by=by, action="program.widen", obj=program, values=widened)
    return program


@transaction.atomic
def link_plan_to_cycle(*, by: Actor, plan: Plan, cycle: PlanCycle) -> Plan:
    """File an existing plan (e.g. one imported from a file) under a cycle and its framework."""
    if not cycle.participants.filter(pk=plan.agency_id).exists():
        raise PlanError(f"{plan.agency.name} 不在「{cycle.title}」的參與機關中。")
    audit.change(
        by=by,
        action="plan.link_cycle",
        obj=plan,
        agency=plan.agency,
        values={"cycle": cycle, "parent": cycle.framework},
        also_save=("updated_at",),
    )
    return plan
