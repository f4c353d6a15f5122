"""What waits for a user in reporting: this period's 辦理情形, not yet sent (core.todos)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.agencies.rules import Role, parent_path
from servq.agencies.selectors import grants_of
from servq.core import todos
from servq.core.rules import format_roc_year
from servq.core.todos import Todo
from servq.plans.models import Plan, PlanStatus
from servq.reporting import rules
from servq.reporting.models import ItemProgress, ReportingPeriod, SelfEvaluation, YearEndReport


@todos.source(30, _("本期待填報的辦理情形"))
def reports_due(user: Any, today: dt.date) -> list[Todo]:
    """The periods open for reporting now (from their start to their due date) whose report is not
    sent: for coordinators their agency's plans, for unit staff those of the agency their unit is in."""
    grants = grants_of(user)
    paths = {g.path for g in grants if g.role == Role.COORDINATOR}
    paths |= {p for g in grants if g.role == Role.UNIT_STAFF and (p := parent_path(g.path))}
    if not paths:
        return []
    plans = list(
        Plan.objects.filter(
            agency__path__in=paths,
            cycle__isnull=False,
            status__in=[PlanStatus.APPROVED, PlanStatus.PUBLISHED],
        ).select_related("agency")
    )
    # Three queries whatever the number of plans and periods (a ministry has hundreds of plans).
    open_periods = list(
        ReportingPeriod.objects.filter(
            cycle_id__in={plan.cycle_id for plan in plans},
            closed_at__isnull=True,
            opens_on__lte=today,
            due_on__gte=today,
        )
    )
    sent = set(
        ItemProgress.objects.filter(period__in=open_periods, item__plan__in=plans, submitted_at__isnull=False)
        .values_list("item__plan_id", "period_id")
        .distinct()
    )
    return [
        Todo(
            f"{plan.agency.name}：{period.label}",
            reverse("reporting:progress", args=[plan.pk, period.pk]),
            period.due_on,
        )
        for plan in plans
        for period in open_periods
        if period.cycle_id == plan.cycle_id and (plan.pk, period.pk) not in sent
    ]


@todos.source(35, _("待首長核定的年度執行成果"))
def year_ends_to_sign(user: Any, today: dt.date) -> list[Todo]:
    """Year-end reports compiled for the agencies a person heads, not yet signed (issue 33.6: the
    head's 待辦 never listed them)."""
    heads = [g.path for g in grants_of(user) if g.role == Role.HEAD]
    if not heads:
        return []
    waiting = YearEndReport.objects.filter(
        agency__path__in=heads, compiled_at__isnull=False, signed_at__isnull=True
    ).select_related("agency", "cycle")
    return [
        Todo(
            f"{report.agency.name}：{report.cycle.title}",
            reverse("reporting:year_end", args=[report.cycle_id, report.agency_id]),
            None,
        )
        for report in waiting
    ]


@todos.source(33, _("待辦理的自行考核"))
def self_evaluations_due(user: Any, today: dt.date) -> list[Todo]:
    """A half-year's self-evaluation not yet filed, from the half's last month until it is: the
    coordinator's reminder, with its due date (the 待辦 list orders by it and marks it overdue)."""
    paths = [g.path for g in grants_of(user) if g.role == Role.COORDINATOR]
    if not paths:
        return []
    plans = list(
        Plan.objects.filter(
            agency__path__in=paths,
            kind__in=["execution", "work"],
            cycle__isnull=False,
            status__in=[PlanStatus.APPROVED, PlanStatus.PUBLISHED],
            first_year__lte=today.year,
            last_year__gte=today.year - 1,
        ).select_related("agency", "cycle")
    )
    halves = [(y, h) for y in (today.year - 1, today.year) for h in (1, 2)]
    # Owed once the half's last month has begun; still owed until filed.
    owed = [(y, h) for y, h in halves if rules.half_year_end(y, h).replace(day=1) <= today]
    filed = set(
        SelfEvaluation.objects.filter(plan__in=plans, submitted_at__isnull=False).values_list(
            "plan_id", "year", "half"
        )
    )
    return [
        Todo(
            f"{plan.agency.name}：{format_roc_year(year)}{_HALVES[half]}自行考核",
            reverse("reporting:self_evaluation", args=[plan.pk, year, half]),
            rules.self_evaluation_due(year, half),
        )
        for plan in plans
        for year, half in owed
        if plan.first_year <= year <= plan.last_year
        and (plan.pk, year, half) not in filed
        and rules.self_evaluation_due(year, half) >= today - dt.timedelta(days=366)
    ]


_HALVES = {1: "上半年", 2: "下半年"}
