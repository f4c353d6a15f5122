"""What every plans service shares: the refusal type, guards and helpers."""

from __future__ import annotations

from typing import Any

from django.db.models import F

from servq.agencies.models import Agency
from servq.core import changes
from servq.core.actors import Actor
from servq.core.errors import ServiceError
from servq.core.models import AuditEntry
from servq.core.rules import parse_deadline
from servq.plans import rules, selectors
from servq.plans.models import (
    FrameworkNode,
    Indicator,
    IndicatorTarget,
    ItemUnit,
    Plan,
    PlanCycle,
    PlanItem,
    PlanStatus,
)

PLAN_HEADER_FIELDS = ["title", "basis", "goals", "scope", "steps", "oversight", "rewards"]
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


def _require_authorship(by: Actor, plan: Plan, message: str) -> None:
    """The user writes this plan (its agency's coordinator), whatever state it is in; else ``message``."""
    PlanError.require(rules.AUTHOR in selectors.capacities_for(by, plan), message)


def _require_editable(by: Actor, plan: Plan) -> frozenset[str]:
    capacities = selectors.capacities_for(by, plan)
    PlanError.require(plan.status in rules.EDITABLE_STATES, "這份計畫目前不能編輯（已送審或已核定）。")
    PlanError.require(bool(capacities & {rules.AUTHOR, rules.UNIT_STAFF}), "您沒有編輯這份計畫的權限。")
    return capacities


def _ensure_no_plan_yet(cycle: PlanCycle, agency: Agency) -> None:
    """One plan per agency and cycle (its later versions aside)."""
    if cycle.plans.filter(agency=agency).exclude(status=PlanStatus.SUPERSEDED).exists():
        raise PlanError(f"{agency.name} 在「{cycle.title}」已經有計畫。")


def _copy_contents(source: Plan, target: Plan, *, shift_years: int) -> None:
    """Copy framework, items, units and indicators; targets and the years in deadlines (「106年12月」)
    move by ``shift_years``, targets must fit."""
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
    lookup = selectors.unit_lookup(target.agency)
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
            **_deadline_fields(rules.shift_roc_years(item.deadline_raw, shift_years), target),
        )
        # A unit or agency named last year is found again by its name or code in this year's tree.
        ItemUnit.objects.bulk_create(
            ItemUnit(
                item=copy, name=u.name, unit=match_unit(u.name, lookup, target.agency), position=u.position
            )
            for u in item.units.all()
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


def _deadline_values(deadline: Any) -> dict[str, Any]:
    return {
        "deadline_raw": deadline.raw[:500],
        "deadline_kind": deadline.kind,
        "deadline_due": deadline.due,
        "deadline_data": deadline.as_dict(),
    }


# How agencies write their own name in 承辦單位 cells (「本處資訊科」 is 資訊科).
OWN_AGENCY_PREFIXES = ("本總處", "本處", "本府", "本部", "本局", "本所", "本署", "本會", "本院", "本中心")


def match_unit(name: str, lookup: dict[str, Agency], agency: Agency) -> Agency | None:
    """The agency's unit a 承辦單位 name means, trying it as written and without 「本處」 or the agency's name."""
    candidates = [name]
    for prefix in (*OWN_AGENCY_PREFIXES, agency.name):
        if name.startswith(prefix) and len(name) > len(prefix):
            candidates.append(name[len(prefix) :])
    return next((lookup[c] for c in candidates if c in lookup), None)


def _sync_search_status(plan: Plan) -> None:
    changes.announce("plan.status", plan=plan)


def _deadline_fields(raw: str, plan: Plan) -> dict[str, Any]:
    return _deadline_values(parse_deadline(raw, years=(plan.first_year, plan.last_year)))
