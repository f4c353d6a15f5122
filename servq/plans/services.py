"""Every write to plans: keyword-only, atomic, audited in the same transaction, acting user as ``by``.

Edits carry the ``lock_version`` the editor saw; a save against an older one is refused with the
other person's change (``EditConflict``), so two people never overwrite each other silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from servq.agencies.models import Agency
from servq.core import audit, changes, measures
from servq.core.actors import Actor, person
from servq.core.errors import ServiceError
from servq.core.models import AuditEntry
from servq.core.rules import format_roc_date, format_roc_year, parse_deadline, to_roc_year
from servq.plans import rules, selectors
from servq.plans.importing import ParsedPlan, PlanFileError, file_sha256, parse_file
from servq.plans.models import (
    FrameworkNode,
    Indicator,
    IndicatorTarget,
    ItemUnit,
    Plan,
    PlanCycle,
    PlanItem,
    PlanKind,
    PlanRevision,
    PlanStatus,
    Program,
    ReviewComment,
)

PLAN_HEADER_FIELDS = ["title", "basis", "goals", "scope", "oversight"]
ITEM_FIELDS = ["node_id", "position", "text", "actions", "deadline_raw", "expected_benefit"]


class PlanError(ServiceError):
    """A plan write refused for a reason the user can act on; the message says which."""


class EditConflict(PlanError):
    """Someone saved the same plan or item after this editor loaded it."""

    def __init__(self, obj: Any, latest: AuditEntry | None) -> None:
        self.obj = obj
        self.latest = latest
        who = latest.actor_name if latest else "另一位使用者"
        super().__init__(f"{who} 已在您開啟後修改了這筆資料；您的修改沒有存入，請檢視對方的變更後再編輯。")


def _latest_change(obj: Any) -> AuditEntry | None:
    return (
        AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("-id")
        .first()
    )


def _claim(model: type[Plan] | type[PlanItem], obj: Any, expected_lock: int) -> None:
    """Bump lock_version if it is still what the editor saw; otherwise refuse with the other change."""
    claimed = model.objects.filter(pk=obj.pk, lock_version=expected_lock).update(
        lock_version=F("lock_version") + 1
    )
    if not claimed:
        raise EditConflict(obj, _latest_change(obj))
    obj.lock_version = expected_lock + 1


def _require_author(by: Actor, plan: Plan, what: str) -> None:
    """The plan is editable and the user is its author (coordinator); else PlanError naming ``what``."""
    capacities = _require_editable(by, plan)
    PlanError.require(rules.AUTHOR in capacities, f"只有機關聯絡人可以{what}。")


def _require_editable(by: Actor, plan: Plan) -> frozenset[str]:
    capacities = selectors.capacities_for(by, plan)
    PlanError.require(plan.status in rules.EDITABLE_STATES, "這份計畫目前不能編輯（已送審或已核定）。")
    PlanError.require(bool(capacities & {rules.AUTHOR, rules.UNIT_STAFF}), "您沒有編輯這份計畫的權限。")
    return capacities


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
) -> PlanCycle:
    """Open a program's year; its framework is an implementation plan, or a copy of last year's."""
    members = list(participants)
    outside = [a.name for a in members if not a.path.startswith(agency.path) or a.pk == agency.pk]
    if outside:
        raise PlanError(f"參與機關必須是 {agency.name} 所屬機關：{'、'.join(outside)}")
    if framework is not None and framework.kind != PlanKind.IMPLEMENTATION:
        raise PlanError("年度作業的架構必須是一份實施計畫。")
    if not submit_by <= review_by <= approve_by:
        raise PlanError("期限順序應為：送審 ≤ 審查 ≤ 核定。")
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
        oversight=source.oversight,
    )
    _copy_contents(source, plan, shift_years=year - source.first_year)
    changes.announce("plan.contents", plan=plan)
    return plan


def _ensure_no_plan_yet(cycle: PlanCycle, agency: Agency) -> None:
    """One plan per agency and cycle (its later versions aside)."""
    if cycle.plans.filter(agency=agency).exclude(status=PlanStatus.SUPERSEDED).exists():
        raise PlanError(f"{agency.name} 在「{cycle.title}」已經有計畫。")


@transaction.atomic
def start_plan(*, by: Actor, cycle: PlanCycle, agency: Agency, copy_from: Plan | None = None) -> Plan:
    """The agency's draft for this cycle, empty or copied from an earlier plan (e.g. last year's)."""
    if not cycle.participants.filter(pk=agency.pk).exists():
        raise PlanError(f"{agency.name} 不在「{cycle.title}」的參與機關中。")
    _ensure_no_plan_yet(cycle, agency)
    roc_year = to_roc_year(cycle.year)
    plan = Plan.objects.create(
        program=cycle.program,
        agency=agency,
        cycle=cycle,
        parent=cycle.framework,
        kind=PlanKind.EXECUTION,
        title=f"{agency.name}{roc_year}年度提升服務品質執行計畫",
        # Every seed cites the plan above it as its 依據; the agency edits it, and writes the rest.
        basis=f"{cycle.program.name}；{cycle.agency.name}「{cycle.title}」實施計畫。",
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


# --- editing ------------------------------------------------------------------------------------


@transaction.atomic
def update_plan(*, by: Actor, plan: Plan, expected_lock: int, **fields: str) -> Plan:
    _require_author(by, plan, "修改計畫本文")
    unknown = set(fields) - set(PLAN_HEADER_FIELDS)
    if unknown:
        raise PlanError(f"不能修改的欄位：{', '.join(sorted(unknown))}")
    _claim(Plan, plan, expected_lock)
    before = audit.snapshot(plan, PLAN_HEADER_FIELDS)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.save(update_fields=[*fields, "updated_at"])
    audit.record(
        by=by,
        action="plan.edit",
        obj=plan,
        agency=plan.agency,
        before=before,
        after=audit.snapshot(plan, PLAN_HEADER_FIELDS),
    )
    return plan


def _check_node(plan: Plan, node: FrameworkNode | None) -> None:
    """An item may sit under its own plan's framework or the parent plan's, never another one."""
    if node is not None and node.plan_id not in {plan.pk, plan.parent_id}:
        raise PlanError("所選的架構節點不屬於這份計畫的架構。")


def _deadline_fields(raw: str, plan: Plan) -> dict[str, Any]:
    return _deadline_values(parse_deadline(raw, years=(plan.first_year, plan.last_year)))


def _set_units(item: PlanItem, names: Sequence[str]) -> None:
    lookup = selectors.unit_lookup(item.plan.agency)
    item.units.all().delete()
    ItemUnit.objects.bulk_create(
        ItemUnit(item=item, name=name, unit=match_unit(name, lookup, item.plan.agency), position=n)
        for n, name in enumerate(dict.fromkeys(n.strip() for n in names if n.strip()))
    )


def _item_snapshot(item: PlanItem) -> audit.Snapshot:
    snap = audit.snapshot(item, ITEM_FIELDS)
    snap["units"] = list(item.units.values_list("name", flat=True))
    return snap


@transaction.atomic
def add_item(
    *,
    by: Actor,
    plan: Plan,
    text: str,
    node: FrameworkNode | None = None,
    actions: str = "",
    deadline_raw: str = "",
    unit_names: Sequence[str] = (),
    expected_benefit: str = "",
) -> PlanItem:
    _require_author(by, plan, "新增項目")
    _check_node(plan, node)
    last = plan.items.aggregate(last=Max("position"))["last"]
    item = PlanItem.objects.create(
        plan=plan,
        node=node,
        position=0 if last is None else last + 1,
        text=text,
        actions=actions,
        expected_benefit=expected_benefit,
        **_deadline_fields(deadline_raw, plan),
    )
    _set_units(item, unit_names)
    _touch(plan)
    audit.record(
        by=by, action="item.add", obj=item, agency=plan.agency, within=plan, after=_item_snapshot(item)
    )
    return item


@transaction.atomic
def update_item(
    *,
    by: Actor,
    item: PlanItem,
    expected_lock: int,
    text: str,
    node: FrameworkNode | None = None,
    actions: str = "",
    deadline_raw: str = "",
    unit_names: Sequence[str] = (),
    expected_benefit: str = "",
) -> PlanItem:
    plan = item.plan
    capacities = _require_editable(by, plan)
    PlanError.require(_may_edit_item(by, item, capacities), "您只能編輯指派給您單位的項目。")
    _check_node(plan, node)
    _claim(PlanItem, item, expected_lock)
    before = _item_snapshot(item)
    item.node, item.text, item.actions, item.expected_benefit = node, text, actions, expected_benefit
    for name, value in _deadline_fields(deadline_raw, plan).items():
        setattr(item, name, value)
    item.save()
    _set_units(item, unit_names)
    _touch(plan)
    audit.record(
        by=by,
        action="item.edit",
        obj=item,
        agency=plan.agency,
        within=plan,
        before=before,
        after=_item_snapshot(item),
    )
    return item


def _may_edit_item(by: Actor, item: PlanItem, capacities: frozenset[str]) -> bool:
    item_units = [u.unit.path for u in item.units.select_related("unit") if u.unit is not None]
    return rules.may_edit_item(item.plan.status, capacities, item_units, selectors.unit_paths_of(by))


@transaction.atomic
def delete_item(*, by: Actor, item: PlanItem, expected_lock: int) -> None:
    plan = item.plan
    _require_author(by, plan, "刪除項目")
    _claim(PlanItem, item, expected_lock)
    audit.record(
        by=by, action="item.delete", obj=item, agency=plan.agency, within=plan, before=_item_snapshot(item)
    )
    item.delete()
    _touch(plan)


@transaction.atomic
def move_item(*, by: Actor, item: PlanItem, offset: int) -> PlanItem:
    """Swap the item with its neighbour ``offset`` places away (−1 up, +1 down)."""
    plan = item.plan
    _require_author(by, plan, "調整順序")
    ordered = list(plan.items.order_by("position").values_list("pk", flat=True))
    index = ordered.index(item.pk)
    target = index + offset
    if not 0 <= target < len(ordered):
        return item
    ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(plan, ordered)
    _touch(plan)
    audit.record(
        by=by,
        action="item.move",
        obj=item,
        agency=plan.agency,
        within=plan,
        extra={"from": index, "to": target},
    )
    item.refresh_from_db()
    return item


def _renumber(plan: Plan, ordered_ids: list[int]) -> None:
    """Positions are unique per plan, so park them out of the way before writing the new order."""
    offset = len(ordered_ids) + 1_000_000
    plan.items.update(position=F("position") + offset)
    items = {i.pk: i for i in plan.items.all()}
    for position, pk in enumerate(ordered_ids):
        items[pk].position = position
    PlanItem.objects.bulk_update(items.values(), ["position"])


def _touch(plan: Plan) -> None:
    """Any item change is a change of the plan: bump its lock so a stale header form is refused too,
    and bring the plan's search documents up to date in the same transaction."""
    Plan.objects.filter(pk=plan.pk).update(lock_version=F("lock_version") + 1, updated_at=timezone.now())
    changes.announce("plan.contents", plan=plan)


def _sync_search_status(plan: Plan) -> None:
    changes.announce("plan.status", plan=plan)


@transaction.atomic
def save_indicator(
    *,
    by: Actor,
    plan: Plan,
    name: str,
    unit: str,
    direction: str,
    cumulative: bool,
    baseline: Decimal | None,
    targets: dict[int, Decimal],
    indicator: Indicator | None = None,
    item: PlanItem | None = None,
    measure_key: str = "",
) -> Indicator:
    _require_author(by, plan, "修改指標")
    if measure_key:
        try:
            measures.get(measure_key)
        except measures.UnknownMeasure:
            raise PlanError(f"沒有名為「{measure_key}」的自動量測來源。") from None
    outside = sorted(y for y in targets if not plan.first_year <= y <= plan.last_year)
    if outside:
        years = "、".join(format_roc_year(y) for y in outside)
        raise PlanError(f"目標年度 {years} 不在計畫期程內。")
    before = _indicator_snapshot(indicator) if indicator else None
    indicator = indicator or Indicator(plan=plan, position=plan.indicators.count())
    indicator.name, indicator.unit, indicator.direction = name, unit, direction
    indicator.cumulative, indicator.baseline, indicator.item = cumulative, baseline, item
    indicator.measure_key = measure_key
    indicator.save()
    indicator.targets.all().delete()
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(indicator=indicator, year=year, value=value)
        for year, value in sorted(targets.items())
    )
    _touch(plan)
    audit.record(
        by=by,
        action="indicator.save",
        obj=indicator,
        agency=plan.agency,
        within=plan,
        before=before,
        after=_indicator_snapshot(indicator),
    )
    return indicator


def _indicator_snapshot(indicator: Indicator) -> audit.Snapshot:
    snap = audit.snapshot(indicator, ["name", "unit", "direction", "cumulative", "baseline", "measure_key"])
    snap["targets"] = {str(t.year): str(t.value) for t in indicator.targets.all()}
    return snap


@transaction.atomic
def delete_indicator(*, by: Actor, indicator: Indicator) -> None:
    plan = indicator.plan
    _require_author(by, plan, "刪除指標")
    audit.record(
        by=by,
        action="indicator.delete",
        obj=indicator,
        agency=plan.agency,
        within=plan,
        before=_indicator_snapshot(indicator),
    )
    indicator.delete()
    _touch(plan)


# --- review -------------------------------------------------------------------------------------


@transaction.atomic
def transition(
    *,
    by: Actor,
    plan: Plan,
    action: str,
    comment: str = "",
    item_comments: dict[int, str] | None = None,
    revision_note: str = "",
) -> Plan:
    """Move the plan through its workflow; refused (``TransitionRefused``) unless rules.py allows it."""
    locked = Plan.objects.select_for_update().select_related("agency").get(pk=plan.pk)
    step = rules.check_transition(action, locked.status, selectors.capacities_for(by, locked))
    if action == "return" and not (comment.strip() or any(v.strip() for v in (item_comments or {}).values())):
        raise PlanError("退回時請寫下審查意見，讓機關知道要修正什麼。")
    if action == "revise":
        return _new_version(by=by, plan=locked, note=revision_note)
    if action == "submit":
        _require_complete(locked)
    before = audit.snapshot(locked, ["status"])
    now = timezone.now()
    locked.status = step.target
    if action == "submit":
        locked.submitted_at = now
    elif action in ("return", "approve"):
        locked.decided_at = now
    elif action == "publish":
        locked.published_at = now
        _retire_earlier_versions(by, locked)
        _add_revision_line(locked, now)
    locked.lock_version += 1
    locked.save()
    _sync_search_status(locked)
    _save_comments(by, locked, comment, item_comments or {})
    audit.record(
        by=by,
        action=f"plan.{action}",
        obj=locked,
        agency=locked.agency,
        before=before,
        after=audit.snapshot(locked, ["status"]),
        extra={"comment": comment} if comment else None,
    )
    plan.refresh_from_db()
    return locked


def _require_complete(plan: Plan) -> None:
    """Submitting is the moment to check the plan against what every plan carries; gaps are named."""
    items = [
        rules.ItemFacts(item.position, item.text, item.deadline_raw, item.unit_count)
        for item in plan.items.annotate(unit_count=Count("units")).order_by("position")
    ]
    sections = {field: getattr(plan, field) for field, _ in rules.REQUIRED_SECTIONS}
    gaps = rules.completeness_gaps(sections, items)
    if gaps:
        raise PlanError("還不能送審，請先補齊：" + "；".join(gaps) + "。")


def _save_comments(by: Actor, plan: Plan, comment: str, item_comments: dict[int, str]) -> None:
    if comment.strip():
        ReviewComment.objects.create(plan=plan, author=person(by), body=comment.strip())
    items = plan.items.in_bulk(list(item_comments))
    for item_id, body in item_comments.items():
        if body.strip() and item_id in items:
            ReviewComment.objects.create(plan=plan, item=items[item_id], author=person(by), body=body.strip())


def _retire_earlier_versions(by: Actor, plan: Plan) -> None:
    for older in selectors.versions_of(plan).filter(status=PlanStatus.PUBLISHED).exclude(pk=plan.pk):
        older.status = PlanStatus.SUPERSEDED
        older.save(update_fields=["status", "updated_at"])
        _sync_search_status(older)
        audit.record(
            by=by,
            action="plan.supersede",
            obj=older,
            agency=older.agency,
            before={"status": "published"},
            after={"status": "superseded"},
            extra={"by_version": plan.version},
        )


def _add_revision_line(plan: Plan, when: dt.datetime) -> None:
    day = timezone.localdate(when)
    verb = "訂定" if plan.version == 1 else "修訂"
    note = f"（{plan.revision_note}）" if plan.revision_note and plan.version > 1 else ""
    label = f"{format_roc_date(day)}{verb}{note}"
    PlanRevision.objects.create(plan=plan, date=day, label=label)


def _new_version(*, by: Actor, plan: Plan, note: str) -> Plan:
    if not note.strip():
        raise PlanError("請說明這次修正的理由。")
    if selectors.versions_of(plan).filter(version__gt=plan.version).exists():
        raise PlanError("這份計畫已有較新的修正版本。")
    new = Plan.objects.create(
        program=plan.program,
        agency=plan.agency,
        parent=plan.parent,
        cycle=plan.cycle,
        kind=plan.kind,
        title=plan.title,
        first_year=plan.first_year,
        last_year=plan.last_year,
        basis=plan.basis,
        goals=plan.goals,
        scope=plan.scope,
        oversight=plan.oversight,
        status=PlanStatus.DRAFT,
        first_version_id=plan.first_version_id or plan.pk,
        version=plan.version + 1,
        revision_note=note.strip(),
    )
    PlanRevision.objects.bulk_create(
        PlanRevision(plan=new, date=r.date, label=r.label) for r in plan.revisions.all()
    )
    _copy_contents(plan, new, shift_years=0)
    changes.announce("plan.contents", plan=new)
    audit.record(
        by=by,
        action="plan.revise",
        obj=new,
        agency=plan.agency,
        after=audit.snapshot(new),
        extra={"from_version": plan.version, "note": note.strip()},
    )
    return new


def _copy_contents(source: Plan, target: Plan, *, shift_years: int) -> None:
    """Copy framework, items, units and indicators; targets move by ``shift_years`` and must fit."""
    node_map: dict[int, FrameworkNode] = {}
    for original in source.nodes.order_by("depth", "position"):
        node_map[original.pk] = FrameworkNode.objects.create(
            plan=target,
            parent=node_map.get(original.parent_id) if original.parent_id else None,
            level_name=original.level_name,
            title=original.title,
            position=original.position,
            depth=original.depth,
        )
    # Items filed under last year's framework move to the node of the same title in this year's.
    parent_nodes = {n.title: n for n in target.parent.nodes.all()} if target.parent else {}
    item_map: dict[int, PlanItem] = {}
    for item in source.items.select_related("node").prefetch_related("units").order_by("position"):
        node = node_map.get(item.node_id) if item.node_id else None
        if node is None and item.node is not None:
            node = parent_nodes.get(item.node.title)
        copy = PlanItem.objects.create(
            plan=target,
            node=node,
            position=item.position,
            text=item.text,
            actions=item.actions,
            expected_benefit=item.expected_benefit,
            source_line=item.source_line,
            **_deadline_fields(item.deadline_raw, target),
        )
        ItemUnit.objects.bulk_create(
            ItemUnit(item=copy, name=u.name, unit_id=u.unit_id, position=u.position) for u in item.units.all()
        )
        item_map[item.pk] = copy
    for indicator in source.indicators.prefetch_related("targets"):
        new_indicator = Indicator.objects.create(
            plan=target,
            item=item_map.get(indicator.item_id) if indicator.item_id else None,
            name=indicator.name,
            unit=indicator.unit,
            direction=indicator.direction,
            cumulative=indicator.cumulative,
            baseline=indicator.baseline,
            baseline_year=indicator.baseline_year,
            position=indicator.position,
        )
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(indicator=new_indicator, year=t.year + shift_years, value=t.value)
            for t in indicator.targets.all()
            if target.first_year <= t.year + shift_years <= target.last_year
        )


# --- import -------------------------------------------------------------------------------------

# How a plan refers to its own agency in front of a unit's name: 「本處資訊科」 is the unit 資訊科.
OWN_AGENCY_PREFIXES = ("本總處", "本處", "本府", "本部", "本局", "本所", "本署", "本會", "本院", "本中心")


class PlanImportError(PlanError):
    """An import refused as a whole (a duplicate, an unknown agency); nothing was written."""


def match_unit(name: str, lookup: dict[str, Agency], agency: Agency) -> Agency | None:
    """The agency's unit a 承辦單位 name means, trying it as written and without 「本處」 or the agency's name."""
    candidates = [name]
    for prefix in (*OWN_AGENCY_PREFIXES, agency.name):
        if name.startswith(prefix) and len(name) > len(prefix):
            candidates.append(name[len(prefix) :])
    return next((lookup[c] for c in candidates if c in lookup), None)


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


def _deadline_values(deadline: Any) -> dict[str, Any]:
    return {
        "deadline_raw": deadline.raw[:500],
        "deadline_kind": deadline.kind,
        "deadline_due": deadline.due,
        "deadline_data": deadline.as_dict(),
    }


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
        before = audit.snapshot(program, ["first_year", "last_year"])
        program.first_year, program.last_year = (
            min(years[0], program.first_year),
            max(years[1], program.last_year),
        )
        program.save(update_fields=["first_year", "last_year"])
        audit.record(
            by=by,
            action="program.widen",
            obj=program,
            before=before,
            after=audit.snapshot(program, ["first_year", "last_year"]),
        )
    return program


@transaction.atomic
def link_plan_to_cycle(*, by: Actor, plan: Plan, cycle: PlanCycle) -> Plan:
    """File an existing plan (e.g. one imported from a file) under a cycle and its framework."""
    if not cycle.participants.filter(pk=plan.agency_id).exists():
        raise PlanError(f"{plan.agency.name} 不在「{cycle.title}」的參與機關中。")
    before = audit.snapshot(plan, ["cycle_id", "parent_id"])
    plan.cycle, plan.parent = cycle, cycle.framework
    plan.save(update_fields=["cycle", "parent", "updated_at"])
    audit.record(
        by=by,
        action="plan.link_cycle",
        obj=plan,
        agency=plan.agency,
        before=before,
        after=audit.snapshot(plan, ["cycle_id", "parent_id"]),
    )
    return plan
