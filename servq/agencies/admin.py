from django.contrib import admin

from servq.agencies.models import Agency, Membership
from servq.core.admin import SupervisorReadOnlyAdmin


@admin.register(Agency)
class AgencyAdmin(SupervisorReadOnlyAdmin):
    agency_field = ""
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Membership)
class MembershipAdmin(SupervisorReadOnlyAdmin):
    agency_field = "agency"
    list_display = ["user", "agency", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "agency__name"]
