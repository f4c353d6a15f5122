"""What waits for a user in plans: plans to review, to write or fix, to publish (core.todos)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.agencies.rules import Role, holds_anywhere
from servq.agencies.selectors import grants_of, reach_q
from servq.core import todos
from servq.core.todos import Todo
from servq.plans import rules
from servq.plans.models import Plan, PlanCycle, PlanStatus

# Enough to find what is waiting; the home page shows a few of each kind (core.todos).
LOOKED_AT = 50


@todos.source(10, _("待審查的計畫"))
def plans_to_review(user: Any, today: dt.date) -> list[Todo]:
    grants = grants_of(user)
    if not holds_anywhere(grants, Role.SUPERVISOR):
        return []
    submitted = (
        Plan.objects.filter(reach_q(user, "agency"), status=PlanStatus.SUBMITTED)
        .select_related("agency", "cycle")
        .order_by("submitted_at")[:LOOKED_AT]
    )
    return [
        Todo(
            f"{plan.agency.name}：{plan.title}",
            reverse("plans:review", args=[plan.pk]),
            _due(plan, "review_by"),
        )
        for plan in submitted
        if rules.REVIEWER in rules.capacities(grants, plan.agency.path)
    ]


@todos.source(20, _("待撰寫、修正或公告的計畫"))
def plans_to_write(user: Any, today: dt.date) -> list[Todo]:
    own = [g.path for g in grants_of(user) if g.role == Role.COORDINATOR]
    if not own:
        return []
    mine = Q(agency__path__in=own)
    found = []
    for plan in (
        Plan.objects.filter(mine, status__in=[PlanStatus.DRAFT, PlanStatus.RETURNED, PlanStatus.APPROVED])
        .select_related("agency", "cycle")
        .order_by("-first_year")[:LOOKED_AT]
    ):
        if plan.status == PlanStatus.APPROVED:
            found.append(
                Todo(f"公告：{plan.title}", reverse("plans:detail", args=[plan.pk]), _due(plan, "publish_by"))
            )
        else:
            note = "退回修正" if plan.status == PlanStatus.RETURNED else "草稿"
            found.append(
                Todo(plan.title, reverse("plans:edit", args=[plan.pk]), _due(plan, "submit_by"), note)
            )
    found += _cycles_without_a_plan(own, today)
    return found


def _cycles_without_a_plan(own: list[str], today: dt.date) -> list[Todo]:
    """A cycle the agency takes part in, still before approval, where it has not started its plan."""
    open_cycles = PlanCycle.objects.filter(participants__path__in=own, approve_by__gte=today).distinct()
    found = []
    for cycle in open_cycles.prefetch_related("participants"):
        started = set(cycle.plans.values_list("agency_id", flat=True))
        for agency in cycle.participants.all():
            if agency.path in own and agency.pk not in started:
                found.append(
                    Todo(
                        f"建立{agency.name}的計畫：{cycle.title}",
                        reverse("plans:cycle", args=[cycle.pk]),
                        cycle.submit_by,
                        "尚未建立",
                    )
                )
    return found


def _due(plan: Plan, field: str) -> dt.date | None:
    return getattr(plan.cycle, field) if plan.cycle is not None else None
