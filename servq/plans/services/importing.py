"""Plans services: import."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from servq.agencies.models import Agency
from servq.core import audit, changes
from servq.core.actors import Actor
from servq.core.rules import parse_deadline, to_roc_year
from servq.plans import editions, rules, selectors
from servq.plans.importing import ParsedPlan, PlanFileError, file_sha256, parse_file
from servq.plans.importing.model import ParseWarning
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
    """An import refused as a whole (a duplicate, an unknown agency); nothing was written.
    ``existing`` is the plan a duplicate matched, so the page can link to it."""

    def __init__(self, message: str, field: str = "", *, existing: Plan | None = None) -> None:
        super().__init__(message, field)
        self.existing = existing


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
    year: int | None = None,
    new_version_of: Plan | None = None,
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
    if not parsed.first_year:
        # The file names no year: the cycle's, else the one the user gave; never a guess.
        chosen_year = cycle.year if cycle is not None else year
        if chosen_year is None:
            raise PlanImportError(f"{shown}：找不到計畫年度，請指定年度（例如 115）。")
        parsed.first_year = parsed.last_year = chosen_year
    if program is None:
        match = program_for(
            by=by,
            name=parsed.program_name,
            years=(parsed.first_year, parsed.last_year),
            letter=parsed.program_letter,
        )
        program = match.program
        parsed.warnings.extend(ParseWarning(parsed.basis_line, note) for note in match.notes)
    elif parsed.program_name and parsed.program_name != program.name:
        parsed.warnings.append(
            ParseWarning(
                parsed.basis_line,
                f"檔案依據所引為「{parsed.program_name}」；已依年度作業歸入「{program.name}」。",
            )
        )
    chosen = program
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
        new_version_of=new_version_of,
    )
    if cycle is not None and new_version_of is None:
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
    new_version_of: Plan | None = None,
) -> Plan:
    """Save a parsed plan (servq.plans.importing.ParsedPlan) all or nothing, with one audit entry.
    ``new_version_of`` saves the file as the next version of that plan (a revised plan brought in as
    a file, or our own export edited in Word) instead of refusing it as a duplicate."""
    if new_version_of is not None:
        return _import_as_new_version(by=by, parsed=parsed, plan=new_version_of, source_name=source_name)
    if cycle is not None and not replace:
        _ensure_no_plan_yet(cycle, agency)
    existing = find_duplicate(
        program=program, agency=agency, title=parsed.title, first_year=parsed.first_year, sha256=source_sha256
    )
    before = None
    if existing is not None:
        if not replace:
            raise PlanImportError(
                f"「{parsed.title}」已經匯入過（{agency.name}，第 {existing.version} 版）。",
                existing=existing,
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
    plan.steps, plan.rewards = parsed.steps, parsed.rewards
    plan.status, plan.cycle = status, cycle or plan.cycle
    plan.source_name, plan.source_sha256 = source_name[:255], source_sha256
    if status == PlanStatus.SUBMITTED and plan.submitted_at is None:
        plan.submitted_at = timezone.now()
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


def _import_as_new_version(*, by: Actor, parsed: Any, plan: Plan, source_name: str) -> Plan:
    """The file becomes a draft after the newest version of ``plan``; a version still being drafted
    or under review is edited or decided first, as with 修正."""
    latest = selectors.versions_of(plan).last() or plan
    PlanImportError.require(
        latest.status in rules.IMPORTABLE_AFTER,
        f"第 {latest.version} 版仍是「{latest.get_status_display()}」：請先完成它，再匯入新版本。",
    )
    new = Plan(
        program=latest.program,
        agency=latest.agency,
        parent=latest.parent,
        cycle=latest.cycle,
        kind=parsed.kind or latest.kind,
        title=parsed.title or latest.title,
        first_year=parsed.first_year or latest.first_year,
        last_year=parsed.last_year or latest.last_year,
        basis=parsed.basis,
        goals=parsed.goals,
        scope=parsed.scope,
        oversight=parsed.oversight,
        steps=parsed.steps,
        rewards=parsed.rewards,
        status=PlanStatus.DRAFT,
        first_version_id=latest.first_version_id or latest.pk,
        version=latest.version + 1,
        revision_note=f"由 {source_name} 匯入"[:300],
        source_name=source_name[:255],
    )
    new.full_clean(exclude=["program", "agency", "parent", "cycle", "first_version"])
    new.save()
    PlanRevision.objects.bulk_create(
        PlanRevision(plan=new, date=day, label=label) for day, label in parsed.revisions
    )
    items = _save_items(new, parsed.items)
    _save_indicators(new, parsed.indicators, items)
    changes.announce("plan.contents", plan=new)
    audit.record(
        by=by,
        action="plan.import_version",
        obj=new,
        agency=new.agency,
        after={"items": len(items), "title": new.title, "version": new.version},
        extra={"source": source_name, "from_version": latest.version, "warnings": len(parsed.warnings)},
    )
    return new


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


DEFAULT_PROGRAM = ("service-quality", "提升服務品質")


@dataclass(frozen=True)
class ProgramMatch:
    """The program a plan was filed under, how it was found, and what the importer's user is told."""

    program: Program
    notes: list[str]


def _edition_values(edition: editions.Edition) -> dict[str, Any]:
    return {
        "name": edition.name,
        "first_year": edition.first_year,
        "last_year": edition.last_year,
        "letter_date": edition.letter_date,
        "letter_number": edition.letter_number,
        "award_name": edition.award_name,
        "schedule": edition.schedule,
        "schedule_source": edition.schedule_source,
    }


def _find_program(name: str, letter: str) -> tuple[Program | None, editions.Edition | None]:
    """The letter first: 002 cites the 106 letter under the older name, so a name alone misfiles it."""
    if letter:
        found = Program.objects.filter(letter_number=letter).first()
        if found is not None or letter in editions.BY_LETTER:
            return found, editions.BY_LETTER.get(letter)
    if name:
        return Program.objects.filter(name=name).first(), editions.BY_NAME.get(name)
    return None, None


@transaction.atomic
def program_for(*, by: Actor, name: str, years: tuple[int, int], letter: str = "") -> ProgramMatch:
    """The program a plan belongs to, matched on the letter its basis cites, then on the 「…方案」
    it names; created when servq has none. Its years are widened to the plan's only with a note
    the importer's user sees, never silently."""
    found, edition = _find_program(name, letter)
    notes = []
    if found is None:
        slug, values = _new_program_values(name, years, edition)
        found, created = Program.objects.get_or_create(slug=slug, defaults=values)
        if created:
            audit.record(by=by, action="program.create", obj=found, after=audit.snapshot(found))
            notes.append(f"新增方案「{found.name}」。")
    if name and found.name != name:
        cited = (
            f"依據所引函（文號 {letter}）頒布的是「{found.name}」" if letter else f"已有方案「{found.name}」"
        )
        notes.append(f"{cited}，檔案寫作「{name}」；已歸入「{found.name}」，如有不同請於計畫編輯頁更正方案。")
    if years[0] < found.first_year or years[1] > found.last_year:
        before = (found.first_year, found.last_year)
        widened = {"first_year": min(years[0], found.first_year), "last_year": max(years[1], found.last_year)}
        audit.change(by=by, action="program.widen", obj=found, values=widened)
        notes.append(
            f"方案「{found.name}」的年度由 {_roc_span(*before)} 擴為 {_roc_span(found.first_year, found.last_year)}"
            f"（本計畫為 {_roc_span(*years)}）。"
        )
    return ProgramMatch(found, notes)


def _new_program_values(
    name: str, years: tuple[int, int], edition: editions.Edition | None
) -> tuple[str, dict[str, Any]]:
    """The slug and fields of a program servq does not have yet: a known edition's, else the name's."""
    if edition is not None:
        return edition.slug, _edition_values(edition)
    if not name:
        slug, name = DEFAULT_PROGRAM
    else:
        slug = "program-" + hashlib.sha1(name.encode()).hexdigest()[:8]  # noqa: S324
    return slug, {"name": name, "first_year": years[0], "last_year": years[1]}


def _roc_span(first: int, last: int) -> str:
    return f"{to_roc_year(first)}–{to_roc_year(last)} 年"


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
