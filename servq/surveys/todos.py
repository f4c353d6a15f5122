"""What waits for a user in surveys (core.todos): courtesy tests they are to run."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.core import todos
from servq.core.todos import Todo
from servq.surveys.models import CourtesyTest


@todos.source(48, _("待執行的服務禮貌測試"))
def tests_to_run(user: Any, today: dt.date) -> list[Todo]:
    if not getattr(user, "is_authenticated", False):
        return []
    due = CourtesyTest.objects.filter(
        tester=user, on__isnull=True, due_on__lte=today + dt.timedelta(days=30)
    ).select_related("agency", "sheet")[:20]
    return [
        Todo(f"{t.sheet.name}：{t.agency.name}", reverse("surveys:test", args=[t.pk]), due=t.due_on)
        for t in due
    ]
