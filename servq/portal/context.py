"""What every page's layout needs to know about the user: the roles they hold, so the menu shows
only what their roles may open (a link that leads to a 403 is a broken promise)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from servq.agencies.rules import Role
from servq.agencies.selectors import roles_of
from servq.core.models import Notification

CASE_ROLES = {Role.SUPERVISOR, Role.COORDINATOR, Role.UNIT_STAFF}


def menu(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_of(user)
    return {
        "menu_cases": user.is_superuser or bool(roles & CASE_ROLES),
        "menu_audit": user.is_superuser or Role.SUPERVISOR in roles,
        "menu_supervisor": Role.SUPERVISOR in roles,
        "menu_people": user.is_superuser or bool(roles & {Role.SUPERVISOR, Role.COORDINATOR}),
        "unread_notices": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }
