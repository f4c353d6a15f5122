"""Reads of plans shared by pages, exports and reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from servq.agencies.rules import Role
from servq.agencies.selectors import grants_of, reach_q
from servq.core.rules import format_roc_year
from servq.plans import rules
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


def framework_order(nodes: list[FrameworkNode]) -> dict[int, tuple[tuple[int, int], ...]]:
    """Each node's place in its framework read top to bottom (depth first, by position)."""
    by_id = {node.pk: node for node in nodes}
    order: dict[int, tuple[tuple[int, int], ...]] = {}
    for node in nodes:
        chain: list[tuple[int, int]] = []
        current: FrameworkNode | None = node
        while current is not None:
            chain.append((current.position, current.pk))
            current = by_id.get(current.parent_id) if current.parent_id else None
        order[node.pk] = tuple(reversed(chain))
    return order


def framework_nodes(plan: Plan) -> list[FrameworkNode]:
    """The nodes an item of the plan may sit under: its own framework's and, for an agency's plan
    written in servq, the cycle's implementation plan's (its parent)."""
    return list(FrameworkNode.objects.filter(plan_id__in=[pk for pk in (plan.pk, plan.parent_id) if pk]))


def items_grouped_by_framework(plan: Plan) -> list[ItemGroup]:
    """Items in the framework's order (then plan order), a new group each time the node changes;
    items under no node come last, as 「未歸類項目」."""
    nodes = framework_nodes(plan)
    paths, order = framework_paths(nodes), framework_order(nodes)
    items = plan.items.prefetch_related(Prefetch("units", queryset=ItemUnit.objects.select_related("unit")))
    placed = sorted(
        items.order_by("position"),
        key=lambda item: (0, order[item.node_id]) if item.node_id in order else (1, ()),
    )
    groups: list[ItemGroup] = []
    for item in placed:
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
    """How the user stands to this plan: author, reviewer and/or unit staff (plans/rules.py)."""
    from servq.plans import rules

    return rules.capacities(grants_of(user), plan.agency.path)


def unit_paths_of(user: Any) -> list[str]:
    return [g.path for g in grants_of(user) if g.role == Role.UNIT_STAFF]


def earlier_plans_of(agencies: list[Any], before_year: int) -> QuerySet[Plan]:
    """Plans a new year's draft may start from: each agency's published plans of earlier years,
    the latest first (「從去年計畫複製」)."""
    return (
        Plan.objects.filter(agency__in=agencies, first_year__lt=before_year, status=PlanStatus.PUBLISHED)
        .select_related("agency")
        .order_by("agency_id", "-first_year", "-version")
    )


def versions_of(plan: Plan) -> QuerySet[Plan]:
    first_id = plan.first_version_id or plan.pk
    return Plan.objects.filter(Q(pk=first_id) | Q(first_version_id=first_id)).order_by("version")


def unit_lookup(agency: Any) -> dict[str, Any]:
    """What a 承辦單位 may name, for linking its text to the agency tree: the agency's units, and
    the agencies below it (a ministry's or a city's plan names its agencies, 「臺北國稅局」), each by
    name and by code (issue 33.14: copied plans showed 「未對應」 for every agency they named)."""
    from servq.agencies.models import Agency

    below = Agency.objects.filter(path__startswith=agency.path).exclude(pk=agency.pk).order_by("-depth")
    lookup: dict[str, Any] = {}
    for found in below:  # nearer ones last, so a name used twice means the nearer agency
        lookup[found.name] = found
        lookup[found.code] = found
    return lookup


def requirements_for(plan: Plan) -> rules.Requirements:
    """What the plan must have before it is submitted: its cycle's implementation plan's word."""
    framework = plan.cycle.framework if plan.cycle_id and plan.cycle else None
    return rules.Requirements.from_data(framework.requirements if framework else None)


def years_without_targets(plan: Plan) -> list[int]:
    """The plan's years for which no indicator has a target (001: 1–3 年量化目標)."""
    with_targets = set(IndicatorTarget.objects.filter(indicator__plan=plan).values_list("year", flat=True))
    return [year for year in range(plan.first_year, plan.last_year + 1) if year not in with_targets]


def plan_gaps(plan: Plan) -> list[PlanItem]:
    """The items still without a deadline or a responsible unit, or naming one the agency tree does
    not know, in the plan's order: what the 補齊 table lists."""
    return [item for item in plan.items.prefetch_related("units").order_by("position") if has_gap(item)]


def has_gap(item: PlanItem) -> bool:
    """No deadline, no responsible unit, or a unit the agency tree does not know (units prefetched)."""
    units = item.units.all()
    return not item.deadline_raw.strip() or not units or any(u.unit_id is None for u in units)


@dataclass
class EditRow:
    """One item on the edit page with what the page needs to show and decide about it."""

    item: PlanItem
    path: list[str]
    unit_paths: list[str]
    editable: bool = False


def _node_paths_for(plan: Plan) -> dict[int, list[str]]:
    return framework_paths(framework_nodes(plan))


def _row(item: PlanItem, paths: dict[int, list[str]]) -> EditRow:
    return EditRow(
        item=item,
        path=paths.get(item.node_id, []) if item.node_id else [],
        unit_paths=[u.unit.path for u in item.units.all() if u.unit is not None],
    )


def edit_rows(plan: Plan) -> list[EditRow]:
    """All items of a plan for the edit page, in a fixed number of queries whatever their count."""
    paths = _node_paths_for(plan)
    items = plan.items.prefetch_related(
        Prefetch("units", queryset=ItemUnit.objects.select_related("unit"))
    ).order_by("position")
    return [_row(item, paths) for item in items]


def edit_row(plan: Plan, item: PlanItem) -> EditRow:
    item = plan.items.prefetch_related(
        Prefetch("units", queryset=ItemUnit.objects.select_related("unit"))
    ).get(pk=item.pk)
    return _row(item, _node_paths_for(plan))


def versions_visible_to(user: Any, plan: Plan) -> QuerySet[Plan]:
    """Every version of the plan the user may see: published and superseded ones, and drafts in reach."""
    visible = Q(status__in=[PlanStatus.PUBLISHED, PlanStatus.SUPERSEDED])
    if getattr(user, "is_authenticated", False):
        visible |= reach_q(user, "agency")
    return versions_of(plan).filter(visible)


def plan_lines(plan: Plan) -> list[str]:
    """A plan as comparable lines: its text fields, then one line per item with all its columns."""
    lines = [
        f"計畫名稱：{plan.title}",
        f"計畫依據：{plan.basis}",
        f"計畫目標：{plan.goals}",
        f"實施對象：{plan.scope}",
    ]
    for group in items_grouped_by_framework(plan):
        for item in group.items:
            units = "、".join(u.name for u in item.units.all())
            path = " › ".join(group.path)
            lines.append(
                f"{path}｜{item.text}｜{item.actions}｜{item.deadline_raw}｜{units}｜{item.expected_benefit}"
            )
    for indicator in indicators_of(plan):
        targets = "、".join(f"{format_roc_year(t.year)} {t.value:g}" for t in indicator.targets.all())
        lines.append(f"指標：{indicator.name}（{indicator.unit}）{targets}")
    return lines


BOARD_STATES = [
    ("none", "尚未建立"),
    *[(s.value, s.label) for s in PlanStatus if s != PlanStatus.SUPERSEDED],
]


@dataclass
class BoardRow:
    agency: Any
    plan: Plan | None
    state: str
    state_label: str
    due: Any
    overdue_days: int
    publication: str = ""
    publication_label: str = ""
    category_label: str = "—"


def board_rows(cycle: Any, *, today: Any, user: Any, supervising: bool) -> list[BoardRow]:
    """Each participating agency with its plan's state and working days past the submission date."""
    from servq.core.rules import working_days_between
    from servq.core.selectors import office_calendar

    calendar = office_calendar()
    participants = list(cycle.participants.order_by("path"))
    if not supervising:
        own = {g.path for g in grants_of(user)}
        participants = [a for a in participants if a.path in own]
    plans = {p.agency_id: p for p in cycle.plans.exclude(status=PlanStatus.SUPERSEDED).order_by("version")}
    labels: dict[str, str] = {value: str(label) for value, label in BOARD_STATES}
    rows = []
    for agency in participants:
        plan = plans.get(agency.pk)
        state = plan.status if plan else "none"
        not_in = state in ("none", PlanStatus.DRAFT, PlanStatus.RETURNED)
        late = (
            working_days_between(cycle.submit_by, today, calendar)
            if not_in and today > cycle.submit_by
            else 0
        )
        published_on = (
            timezone.localdate(plan.published_at) if plan is not None and plan.published_at else None
        )
        publication = rules.publication_state(published_on, cycle.publish_by, today)
        rows.append(
            BoardRow(
                agency,
                plan,
                state,
                labels[state],
                cycle.submit_by,
                max(late, 0),
                publication,
                rules.PUBLICATION_LABELS.get(publication, ""),
            )
        )
    return rows


def publication_counts(rows: list[BoardRow]) -> dict[str, int]:
    """How many agencies made their plan public on time, late, not yet (overdue) or are not due."""
    counts = dict.fromkeys(rules.PUBLICATION_LABELS, 0)
    for row in rows:
        if row.publication:
            counts[row.publication] += 1
    return counts


def categories_of(cycle: Any) -> dict[int, list[str]]:
    """Each participant's chosen categories (ServiceCategory values) by agency id; for the board now,
    and for the award and self-evaluation work that judge each participant on its dimensions."""
    chosen: dict[int, list[str]] = {}
    for agency_id, category in cycle.categories.order_by("category").values_list("agency_id", "category"):
        chosen.setdefault(agency_id, []).append(category)
    return chosen


def current_published_plan(agency_code: str, year: int) -> Plan | None:
    """The agency's plan for a year as the public sees it now: its newest published version."""
    return (
        published_plans()
        .filter(agency__code=agency_code, first_year__lte=year, last_year__gte=year)
        .select_related("agency", "program")
        .order_by("-published_at", "-version")
        .first()
    )


def actions_for(user: Any, plan: Plan, capacities: frozenset[str]) -> list[Any]:
    """The workflow steps to offer this user on this plan: what their capacities allow, less deciding
    on a plan they sent for review themselves (the service refuses it too)."""
    return [
        t
        for t in rules.allowed_actions(plan.status, capacities)
        if not rules.decides_own_submission(t.action, plan.submitted_by_id, getattr(user, "pk", None))
    ]
