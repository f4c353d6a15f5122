"""What waits for a user in the FAQ (core.todos): entries overdue for review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.core import todos
from servq.core.todos import Todo
from servq.faq import rules, selectors


@todos.source(49, _("逾期未檢視的常見問題"))
def entries_to_review(user: Any, today: dt.date) -> list[Todo]:
    return [
        Todo(
            e.question[:40],
            reverse("faq:edit", args=[e.pk]),
            due=rules.review_due(e.confirmed_on, e.review_days),
        )
        for e in selectors.due_for_review(selectors.kept_by(user)[:200], today)
    ]
