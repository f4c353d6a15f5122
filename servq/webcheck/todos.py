"""What waits for a user in website health: sites whose last run found new broken links (core.todos)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.core import todos
from servq.core.todos import Todo
from servq.webcheck.models import CheckStatus, SiteCheck
from servq.webcheck.selectors import sites_for


@todos.source(50, _("網站新增的失效連結"))
def sites_with_new_broken_links(user: Any, today: dt.date) -> list[Todo]:
    found = []
    for site in sites_for(user).filter(active=True)[:50]:
        latest = (
            SiteCheck.objects.filter(site=site, status=CheckStatus.DONE)
            .annotate(
                new=Count("broken_links", filter=Q(broken_links__is_new=True, broken_links__unverified=False))
            )
            .order_by("-finished_at")
            .first()
        )
        if latest is not None and latest.new:
            found.append(
                Todo(f"{site.name}：新增 {latest.new} 個失效連結", reverse("webcheck:site", args=[site.pk]))
            )
    return found
