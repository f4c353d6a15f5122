"""Django admin for supervisors: a read-only window on the data of their subtree.

Writes go through services (with the audit log), so the admin changes nothing itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from servq.agencies.models import Agency, AgencyLevel, Membership
from servq.agencies.rules import Role
from servq.agencies.selectors import reach_q, roles_of
from servq.core.models import AuditEntry, OfficeDay


def is_supervisor(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and (user.is_superuser or Role.SUPERVISOR in roles_of(user)))


class SupervisorReadOnlyAdmin(admin.ModelAdmin):
    """Visible to supervisors, limited to their reach through ``agency_field`` ('' for Agency itself)."""

    agency_field: str | None = "agency"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_supervisor(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_supervisor(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if self.agency_field is None:
            return queryset
        return queryset.filter(reach_q(request.user, self.agency_field))


@admin.register(AuditEntry)
class AuditEntryAdmin(SupervisorReadOnlyAdmin):
    agency_field = "agency"
    list_display = ["at", "actor_name", "agency", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor_name"]
    date_hierarchy = "at"


@admin.register(OfficeDay)
class OfficeDayAdmin(SupervisorReadOnlyAdmin):
    agency_field = None
    list_display = ["date", "kind", "name", "source"]
    list_filter = ["kind", "source"]
    date_hierarchy = "date"


@admin.register(Agency)
class AgencyAdmin(SupervisorReadOnlyAdmin):
    agency_field = ""
    list_display = ["name", "code", "kind", "level", "parent"]
    list_filter = ["kind", "level"]
    search_fields = ["name", "code"]


@admin.register(AgencyLevel)
class AgencyLevelAdmin(SupervisorReadOnlyAdmin):
    agency_field = "body"
    list_display = ["name", "rank", "body"]


@admin.register(Membership)
class MembershipAdmin(SupervisorReadOnlyAdmin):
    agency_field = "agency"
    list_display = ["user", "agency", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "agency__name"]
