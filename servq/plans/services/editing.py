"""Plans services: editing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from servq.core import audit, changes, measures
from servq.core.actors import Actor
from servq.core.rules import format_roc_year
from servq.plans import rules, selectors
from servq.plans.models import (
    FrameworkNode,
    Indicator,
    IndicatorTarget,
    ItemUnit,
    Plan,
    PlanItem,
    Program,
)
from servq.plans.services._common import (
    ITEM_FIELDS,
    PLAN_HEADER_FIELDS,
    PlanError,
    _claim,
    _deadline_fields,
    _require_author,
    _require_editable,
    match_unit,
)

# --- editing ------------------------------------------------------------------------------------


@transaction.atomic
def update_plan(*, by: Actor, plan: Plan, expected_lock: int, **fields: str) -> Plan:
    _require_author(by, plan, "修改計畫本文")
    unknown = set(fields) - set(PLAN_HEADER_FIELDS)
    if unknown:
        raise PlanError(f"不能修改的欄位：{', '.join(sorted(unknown))}")
    _claim(Plan, plan, expected_lock)
    audit.change(
        by=by, action="plan.edit", obj=plan, agency=plan.agency, values=fields, also_save=("updated_at",)
    )
    return plan


@transaction.atomic
def refile_plan(*, by: Actor, plan: Plan, program: Program) -> Plan:
    """Correct the program an imported plan was filed under. A plan in a cycle follows its cycle."""
    _require_author(by, plan, "更正方案")
    PlanError.require(plan.cycle_id is None, "這份計畫屬於年度作業，方案依年度作業而定。", "program")
    audit.change(
        by=by,
        action="plan.refile",
        obj=plan,
        agency=plan.agency,
        values={"program": program},
        also_save=("updated_at",),
    )
    return plan


def _check_node(plan: Plan, node: FrameworkNode | None) -> None:
    """An item may sit under its own plan's framework or the parent plan's, never another one."""
    if node is not None and node.plan_id not in {plan.pk, plan.parent_id}:
        raise PlanError("所選的架構節點不屬於這份計畫的架構。")


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


@dataclass(frozen=True)
class Fill:
    """What one item gets in the 補齊 table: its deadline and responsible units as typed."""

    item: PlanItem
    expected_lock: int
    deadline_raw: str
    unit_names: Sequence[str]


@transaction.atomic
def fill_gaps(*, by: Actor, fills: Sequence[Fill]) -> int:
    """Every item's deadline and units in one save (issue 33.14: a copied plan needed about 45
    clicks, item by item); all or nothing, each item audited as an edit. How many changed."""
    changed = 0
    for fill in fills:
        item = fill.item
        if fill.deadline_raw.strip() == item.deadline_raw and list(fill.unit_names) == [
            u.name for u in item.units.all()
        ]:
            continue
        try:
            update_item(
                by=by,
                item=item,
                expected_lock=fill.expected_lock,
                text=item.text,
                node=item.node,
                actions=item.actions,
                deadline_raw=fill.deadline_raw.strip(),
                unit_names=fill.unit_names,
                expected_benefit=item.expected_benefit,
            )
        except PlanError as refused:
            raise PlanError(f"第{item.position + 1}項：{refused}", refused.field) from None
        changed += 1
    return changed


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
    refusal = rules.target_refusal(
        higher_is_better=direction == "higher",
        cumulative=cumulative,
        baseline=baseline,
        targets=dict(targets),
    )
    PlanError.require(not refusal, refusal, "targets")
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
