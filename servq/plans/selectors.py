"""Reads of plans shared by pages, exports and reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from servq.agencies.selectors import reach_q
from servq.plans.models import FrameworkNode, Indicator, IndicatorTarget, ItemUnit, Plan, PlanItem, PlanStatus


def published_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(status=PlanStatus.PUBLISHED)


def plans_visible_to(user: Any) -> QuerySet[Plan]:
    """Published plans for everyone; drafts only inside the user's agency reach."""
    visible = Q(status=PlanStatus.PUBLISHED)
    if getattr(user, "is_authenticated", False):
        visible |= reach_q(user, "agency")
    return Plan.objects.filter(visible).select_related("agency", "program")


def plan_list(user: Any, *, program: str = "", year: int | None = None, agency: str = "") -> QuerySet[Plan]:
    plans = plans_visible_to(user).order_by("-first_year", "agency__path", "title")
    if program:
        plans = plans.filter(program__slug=program)
    if year:
        plans = plans.filter(first_year__lte=year, last_year__gte=year)
    if agency:
        plans = plans.filter(agency__code=agency)
    return plans


@dataclass
class ItemGroup:
    """The items under one framework node, with the node's path of titles (outermost first)."""

    path: list[str]
    items: list[PlanItem] = field(default_factory=list)


def framework_paths(nodes: list[FrameworkNode]) -> dict[int, list[str]]:
    by_id = {node.pk: node for node in nodes}
    paths: dict[int, list[str]] = {}
    for node in nodes:
        chain: list[str] = []
        current: FrameworkNode | None = node
        while current is not None:
            chain.append(current.title)
            current = by_id.get(current.parent_id) if current.parent_id else None
        paths[node.pk] = list(reversed(chain))
    return paths


def items_grouped_by_framework(plan: Plan) -> list[ItemGroup]:
    """Items in plan order, a new group each time the framework node changes."""
    paths = framework_paths(list(plan.nodes.all()))
    items = plan.items.prefetch_related(Prefetch("units", queryset=ItemUnit.objects.select_related("unit")))
    groups: list[ItemGroup] = []
    for item in items.order_by("position"):
        path = paths.get(item.node_id, []) if item.node_id else []
        if not groups or groups[-1].path != path:
            groups.append(ItemGroup(path=path))
        groups[-1].items.append(item)
    return groups


def indicators_of(plan: Plan) -> QuerySet[Indicator]:
    return plan.indicators.prefetch_related(
        Prefetch("targets", queryset=IndicatorTarget.objects.order_by("year"))
    ).order_by("position", "pk")


def capacities_for(user: Any, plan: Plan) -> frozenset[str]:
    """How the user stands to this plan: author, reviewer and/or unit staff (see plans/rules.py)."""
    from servq.agencies.selectors import grants_of
    from servq.plans import rules

    target = plan.agency.path
    found: set[str] = set()
    for grant in grants_of(user):
        if grant.path == target and grant.role in ("coordinator", "supervisor"):
            found.add(rules.AUTHOR)
        if grant.role == "supervisor" and target.startswith(grant.path):
            found.add(rules.REVIEWER)
        if grant.role == "unit_staff" and grant.path.startswith(target):
            found.add(rules.UNIT_STAFF)
    return frozenset(found)


def unit_paths_of(user: Any) -> list[str]:
    from servq.agencies.selectors import grants_of

    return [g.path for g in grants_of(user) if g.role == "unit_staff"]


def versions_of(plan: Plan) -> QuerySet[Plan]:
    first_id = plan.first_version_id or plan.pk
    return Plan.objects.filter(Q(pk=first_id) | Q(first_version_id=first_id)).order_by("version")


def unit_lookup(agency: Any) -> dict[str, Any]:
    """The agency's units by name, for linking 承辦單位 text to real units."""
    from servq.agencies.selectors import units_of

    return {unit.name: unit for unit in units_of(agency)}
