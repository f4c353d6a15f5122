from django.contrib import admin

from servq.agencies.admin import SupervisorReadOnlyAdmin
from servq.plans.models import Indicator, Plan, PlanItem, Program


@admin.register(Program)
class ProgramAdmin(SupervisorReadOnlyAdmin):
    agency_field = None
    list_display = ["name", "slug", "first_year", "last_year"]


@admin.register(Plan)
class PlanAdmin(SupervisorReadOnlyAdmin):
    agency_field = "agency"
    list_display = ["title", "agency", "kind", "first_year", "last_year", "status"]
    list_filter = ["kind", "status", "program"]
    search_fields = ["title", "agency__name"]


@admin.register(PlanItem)
class PlanItemAdmin(SupervisorReadOnlyAdmin):
    agency_field = "plan__agency"
    list_display = ["text", "plan", "deadline_raw", "deadline_kind"]
    list_filter = ["deadline_kind"]
    search_fields = ["text"]


@admin.register(Indicator)
class IndicatorAdmin(SupervisorReadOnlyAdmin):
    agency_field = "plan__agency"
    list_display = ["name", "plan", "unit", "direction", "cumulative"]
