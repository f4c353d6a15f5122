"""Reporting pages: the calendar."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from servq.agencies.access import access
from servq.agencies.rules import Role
from servq.core.downloads import as_download
from servq.core.forms import error_summary
from servq.core.refusals import refusals_to
from servq.plans.models import PlanCycle
from servq.reporting import services
from servq.reporting.calendar import feed
from servq.reporting.forms import (
    ScheduleForm,
)
from servq.reporting.views._common import _cycle

# --- the calendar -------------------------------------------------------------------------------


@access(roles=[Role.SUPERVISOR])
@require_POST
@refusals_to("reporting:cycle", pk="pk")
def set_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        services.set_schedule(by=request.user, cycle=cycle, steps=form.cleaned_data["steps"])
        messages.success(request, "作業時程已更新。")
    else:
        messages.error(request, error_summary(form))
    return redirect(f"{reverse('reporting:cycle', args=[cycle.pk])}#schedule")


@access(public=True)
def calendar_feed(request: HttpRequest, pk: int) -> HttpResponse:
    """The cycle's calendar as iCalendar; public, as the calendar is part of the published plan."""
    cycle = get_object_or_404(PlanCycle.objects.select_related("agency"), pk=pk)
    response = HttpResponse(feed(cycle), content_type="text/calendar; charset=utf-8")
    as_download(response, f"servq-cycle-{cycle.pk}.ics", inline=True)
    return response
