"""What waits for a user in the open-data inventory (core.todos): datasets overdue for update (the
owner unit's reminder) and datasets waiting for approval."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.core import todos
from servq.core.permissions import has_perm
from servq.core.todos import Todo
from servq.opendata import rules, selectors


@todos.source(50, _("逾期未更新的開放資料"))
def datasets_to_update(user: Any, today: dt.date) -> list[Todo]:
    return [
        Todo(
            d.title[:40],
            reverse("opendata:edit", args=[d.pk]),
            due=rules.next_update(d.last_updated, d.frequency),
        )
        for d in selectors.overdue(selectors.kept_by(user), today)[:50]
    ]


@todos.source(51, _("待核准的開放資料"))
def datasets_to_approve(user: Any, today: dt.date) -> list[Todo]:
    waiting = selectors.kept_by(user).filter(state="in_review")[:100]
    return [
        Todo(d.title[:40], reverse("opendata:edit", args=[d.pk]))
        for d in waiting
        if has_perm(user, "opendata.approve_datasets", d.agency)
    ][:50]
