"""What waits for a user in the service catalogue (core.todos): SOPs and forms due for review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.agencies.selectors import agencies_where
from servq.core import todos
from servq.core.todos import Todo
from servq.services import selectors
from servq.services.models import Service


@todos.source(48, _("逾期未檢視的標準作業流程與表單"))
def services_to_review(user: Any, today: dt.date) -> list[Todo]:
    agencies = agencies_where(user, "services.manage_catalogue")
    if not agencies:
        return []
    services = Service.objects.filter(agency__in=agencies, published=True).select_related("agency")[:500]
    return [
        Todo(f"{service.agency.name}：{service.name}", reverse("services:edit", args=[service.pk]), due=due)
        for service, due in selectors.due_for_review(services, today)
    ]
