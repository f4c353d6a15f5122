"""Measures as their readers check them: the catalogue with each definition, the records behind a
value, and an indicator's page — its measured value each year against the target, the trend, and
the coordinator's override with its reason."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext

from servq.agencies.access import access
from servq.agencies.rules import Role
from servq.agencies.selectors import agencies_for
from servq.core import charts, measures
from servq.core.errors import ServiceError
from servq.core.rules import format_roc_year
from servq.plans import readings
from servq.plans import rules as plan_rules
from servq.plans import services as plan_services
from servq.plans.models import Indicator
from servq.plans.selectors import capacities_for
from servq.reporting import selectors
from servq.reporting.services import parse_actual


def records_url(reading: readings.Reading) -> str:
    """Where a reading's value links to: the records it was computed from."""
    if reading.scope is None or reading.measure is None or reading.measure.records is None:
        return ""
    scope = reading.scope
    query = urlencode(
        {
            "agency": str(reading.indicator.plan.agency_id),
            "start": scope.start.isoformat(),
            "end": scope.end.isoformat(),
        }
    )
    return f"{reverse('reporting:measure', args=[reading.indicator.measure_key])}?{query}"


@access(roles=[Role.SUPERVISOR])
def compare(request: HttpRequest) -> HttpResponse:
    """所屬機關比較: the agencies below a supervising office side by side for a year — each one's
    plan and the compared measures, each value linking to the records behind it."""
    today = timezone.localdate()
    year = _year(request.GET.get("year"), today.year)
    agencies = selectors.agencies_supervised_below(request.user)
    rows = selectors.side_by_side(agencies, year, today)
    return render(
        request,
        "reporting/compare.html",
        {
            "year": year,
            "years": range(today.year, today.year - 5, -1),
            "measures": [measures.get(key) for key in selectors.COMPARED_MEASURES],
            "rows": rows,
        },
    )


def _year(raw: str | None, fallback: int) -> int:
    """A year typed as offices write it (115) or as 2026; anything else is no page."""
    try:
        value = int(raw) if raw else fallback
    except ValueError:
        raise Http404 from None
    value = value + 1911 if value < 1000 else value
    if not 2000 <= value <= 2100:
        raise Http404
    return value


@access(signed_in=True)
def measure_catalogue(request: HttpRequest) -> HttpResponse:
    return render(request, "reporting/measures.html", {"measures": measures.all_measures()})


def _date(raw: str | None, fallback: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(raw) if raw else fallback
    except ValueError:
        raise Http404 from None


@access(signed_in=True)
def measure_records(request: HttpRequest, key: str) -> HttpResponse:
    """The rows behind a measure's value for an agency in the user's reach (others are 404)."""
    try:
        measure = measures.get(key)
    except measures.UnknownMeasure:
        raise Http404 from None
    agency = get_object_or_404(agencies_for(request.user), pk=request.GET.get("agency") or 0)
    today = timezone.localdate()
    start = _date(request.GET.get("start"), today.replace(month=1, day=1))
    end = _date(request.GET.get("end"), today)
    if end < start or (end - start).days > 366 * 20:
        raise Http404
    scope = measures.Scope(agency.path, start, end)
    value, error = readings.measure_values([(key, scope)], fresh=True)[(key, scope)]
    return render(
        request,
        "reporting/measure_records.html",
        {
            "measure": measure,
            "agency": agency,
            "scope": scope,
            "value": value,
            "error": error,
            "table": selectors.records_table(measure, scope) if not error else None,
        },
    )


def _indicator(request: HttpRequest, pk: int) -> Indicator:
    found = get_object_or_404(
        Indicator.objects.select_related("plan__agency").prefetch_related("targets"),
        pk=pk,
        plan__in=selectors.plans_reported_to(request.user),
    )
    return found


@access(signed_in=True)
def indicator(request: HttpRequest, pk: int) -> HttpResponse:
    found = _indicator(request, pk)
    today = timezone.localdate()
    trend = readings.trend(found, today, fresh=True)  # the page that explains a value reads it fresh
    may_override = bool(capacities_for(request.user, found.plan) & {plan_rules.AUTHOR, plan_rules.REVIEWER})
    error = ""
    if request.method == "POST" and may_override:
        error = _override(request, found)
        if not error:
            return redirect("reporting:indicator", pk=found.pk)
    unit = found.unit
    chart = charts.lines(
        f"{found.name}（{unit}）" if unit else found.name,
        [format_roc_year(r.year) for r in trend],
        {gettext("目標值"): [r.target for r in trend], gettext("實際值"): [r.value for r in trend]},
        dashed=[gettext("目標值")],
    )
    return render(
        request,
        "reporting/indicator.html",
        {
            "indicator": found,
            "measure": trend[-1].measure if trend else None,
            "rows": [(r, records_url(r)) for r in trend],
            "chart": chart,
            "may_override": may_override,
            "years": [r.year for r in trend],
            "overridden": [r.year for r in trend if r.override is not None],
            "error": error,
            "data": request.POST,
        },
        status=400 if error else 200,
    )


def _override(request: HttpRequest, found: Indicator) -> str:
    """Apply the posted override or its removal; the refusal's message, or "" when done."""
    try:
        year = int(request.POST.get("year", ""))
        if request.POST.get("clear") == "yes":
            plan_services.clear_override(by=request.user, indicator=found, year=year)
            messages.success(request, gettext("已取消人工更正，恢復自動量測值。"))
        else:
            value = parse_actual(request.POST.get("value", ""), found)
            plan_services.override_indicator(
                by=request.user,
                indicator=found,
                year=year,
                value=value,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, gettext("已儲存人工更正。"))
    except ValueError:
        return gettext("請選擇年度。")
    except ServiceError as refused:
        return refused.message
    return ""
