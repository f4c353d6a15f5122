"""What every reporting page shares: the refusal type, guards and helpers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from servq.plans.models import Plan
from servq.reporting import selectors, services
from servq.reporting.models import (
    ReportingPeriod,
)

YEAR_END_FORMATS = ("odt", "docx", "pdf", "ods")


def _cycle(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(selectors.cycles_visible_to(request.user), pk=pk)


def _period(request: HttpRequest, pk: int) -> ReportingPeriod:
    period = get_object_or_404(ReportingPeriod.objects.select_related("cycle__agency"), pk=pk)
    if not selectors.cycles_visible_to(request.user).filter(pk=period.cycle_id).exists():
        raise Http404
    return period


def _plan(request: HttpRequest, pk: int) -> Plan:
    """A plan the user may report on or read the reports of; only plans of a cycle have reporting."""
    return get_object_or_404(
        selectors.plans_reported_to(request.user)
        .filter(cycle__isnull=False)
        .select_related("agency", "cycle"),
        pk=pk,
    )


def _refused(request: HttpRequest, error: services.ReportingError) -> None:
    messages.error(request, str(error))
