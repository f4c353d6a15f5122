"""What waits for a user in cases: open cases near or past their time limit (core.todos)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.agencies.rules import Role
from servq.agencies.selectors import grants_of, roles_of
from servq.cases.models import Case, CaseEvent, State
from servq.cases.selectors import cases_for, queue
from servq.core import todos
from servq.core.selectors import office_calendar
from servq.core.todos import Todo

# Working days left at which an open case counts as near its limit.
NEAR_LIMIT = 3
LOOKED_AT = 50


@todos.source(40, _("即將到期或逾期的案件"))
def cases_due(user: Any, today: dt.date) -> list[Todo]:
    if not roles_of(user) & {Role.SUPERVISOR, Role.COORDINATOR, Role.UNIT_STAFF}:
        return []
    rows = queue(cases_for(user), today=today, cal=office_calendar(), limit=LOOKED_AT)
    return [
        Todo(
            f"{row.case.number} {row.case.headline}",
            reverse("cases:detail", args=[row.case.number]),
            row.case.due_on,
            f"逾期 {-row.days_left} 個工作日" if row.days_left < 0 else "",
        )
        for row in rows
        if row.days_left <= NEAR_LIMIT
    ]


@todos.source(39, _("新分派給本單位的案件"))
def cases_assigned(user: Any, today: dt.date) -> list[Todo]:
    """Cases assigned to the person's unit and not yet taken up (issue 33.10: unit staff were shown
    new cases only once they neared their limit)."""
    units = [g.path for g in grants_of(user) if g.role == Role.UNIT_STAFF]
    if not units:
        return []
    waiting = (
        Case.objects.filter(unit__path__in=units, state=State.ASSIGNED)
        .select_related("category")
        .order_by("due_on")[:LOOKED_AT]
    )
    return [
        Todo(f"{c.number} {c.headline}", reverse("cases:detail", args=[c.number]), c.due_on) for c in waiting
    ]


@todos.source(38, _("民眾已補正的案件"))
def cases_supplemented(user: Any, today: dt.date) -> list[Todo]:
    """Cases the citizen answered a 補正 request on, with nothing done since (issue 33.8: the answer
    came back to nobody)."""
    if not roles_of(user) & {Role.SUPERVISOR, Role.COORDINATOR, Role.UNIT_STAFF}:
        return []
    last_kind = CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-at", "-id").values("kind")[:1]
    answered = (
        cases_for(user)
        .filter(state=State.IN_PROGRESS)
        .annotate(last_kind=Subquery(last_kind))
        .filter(last_kind="supplemented")
        .order_by("due_on")[:LOOKED_AT]
    )
    return [
        Todo(f"{c.number} {c.headline}", reverse("cases:detail", args=[c.number]), c.due_on, "民眾已補正")
        for c in answered
    ]
