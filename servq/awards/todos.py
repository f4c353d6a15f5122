"""What waits for a user in the award (core.todos): entries assigned to them to score."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.awards.models import Assignment
from servq.core import todos
from servq.core.todos import Todo


@todos.source(47, _("待評審的參獎案"))
def reviews_to_score(user: Any, today: dt.date) -> list[Todo]:
    if not getattr(user, "is_authenticated", False):
        return []
    pending = (
        Assignment.objects.filter(reviewer__user=user, stage__closed=False, scores__isnull=True)
        .select_related("entry__agency", "stage")
        .distinct()[:20]
    )
    return [
        Todo(
            f"{a.stage.name}：{a.entry.agency.name}「{a.entry.title}」",
            reverse("awards:review", args=[a.pk]),
            due=a.stage.closes_on,
        )
        for a in pending
    ]
