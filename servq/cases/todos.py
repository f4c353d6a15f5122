"""What waits for a user in cases: open cases near or past their time limit (core.todos)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.agencies.rules import Role
from servq.agencies.selectors import roles_of
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
