"""Reporting pages: cycles, periods, compliance."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from servq.agencies.access import access
from servq.agencies.rules import Role
from servq.agencies.selectors import agencies_for
from servq.core.downloads import csv_response
from servq.core.forms import error_summary
from servq.core.permissions import has_perm
from servq.core.refusals import refusals_to
from servq.core.rules import format_roc_date
from servq.reporting import rules, selectors, services
from servq.reporting.forms import (
    PeriodsForm,
    ReopenForm,
    ScheduleForm,
)
from servq.reporting.models import (
    YearEndReport,
)
from servq.reporting.views._common import _cycle, _period

# --- cycles, periods, compliance ----------------------------------------------------------------


@access(signed_in=True)
def index(request: HttpRequest) -> HttpResponse:
    cycles = selectors.cycles_visible_to(request.user).prefetch_related("periods")
    return render(request, "reporting/index.html", {"cycles": cycles})


@access(signed_in=True)
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    today = timezone.localdate()
    supervising = has_perm(request.user, "reporting.supervise_cycle", cycle)
    plans = (
        selectors.plans_reported_to(request.user)
        .filter(cycle=cycle)
        .exclude(status="superseded")
        .select_related("agency")
    )
    return render(
        request,
        "reporting/cycle.html",
        {
            "cycle": cycle,
            "periods": selectors.periods_of(cycle),
            "current": selectors.current_period(cycle, today),
            "plans": plans,
            "supervising": supervising,
            "periods_form": PeriodsForm(),
            "schedule": cycle.schedule.all(),
            # The program edition's calendar is the starting point (its source shown beside it).
            "schedule_form": ScheduleForm(initial={"steps": cycle.program.schedule}),
            "reports": YearEndReport.objects.filter(
                cycle=cycle, agency__in=agencies_for(request.user)
            ).select_related("agency"),
            "agencies": agencies_for(request.user).exclude(kind="unit"),
        },
    )


@access(roles=[Role.SUPERVISOR])
@require_POST
@refusals_to("reporting:cycle", pk="pk")
def set_up_periods(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    form = PeriodsForm(request.POST)
    if form.is_valid():
        services.set_up_periods(by=request.user, cycle=cycle, **form.cleaned_data)
        messages.success(request, "填報期間已設定。")
    else:
        messages.error(request, error_summary(form))
    return redirect("reporting:cycle", pk=cycle.pk)


@access(roles=[Role.SUPERVISOR])
@require_POST
def close_period(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    services.close_period(by=request.user, period=period)  # a refusal: RefusalMiddleware
    return redirect("reporting:cycle", pk=period.cycle_id)


@access(roles=[Role.SUPERVISOR])
@require_POST
def reopen_period(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "重新開放須說明理由（純文字）。")
    else:
        services.reopen_period(by=request.user, period=period, reason=form.cleaned_data["reason"])
    return redirect("reporting:cycle", pk=period.cycle_id)


@access(signed_in=True)
def compliance(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    reach = set(agencies_for(request.user).values_list("pk", flat=True))
    rows = [r for r in selectors.compliance(period, timezone.localdate()) if r.agency.pk in reach]
    if request.GET.get("format") == "csv":
        return csv_response(
            f"compliance-{period.pk}.csv",
            ["機關", "送出日期", "送出日期（西元）", "狀態"],
            [
                [
                    r.agency.name,
                    format_roc_date(r.submitted_on) if r.submitted_on else "",
                    r.submitted_on.isoformat() if r.submitted_on else "",
                    STATE_LABELS[r.state],
                ]
                for r in rows
            ],
        )
    return render(
        request,
        "reporting/compliance.html",
        {"period": period, "rows": rows, "labels": STATE_LABELS, "counts": _count_states(rows)},
    )


STATE_LABELS = {"on_time": "如期", "late": "逾期送出", "missing": "逾期未送", "pending": "尚未到期"}


@access(signed_in=True)
def self_evaluation_compliance(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has filed each half's self-evaluation, by its due date, and who has not."""
    cycle = _cycle(request, pk)
    reach = set(agencies_for(request.user).values_list("pk", flat=True))
    rows = [
        r
        for r in selectors.self_evaluation_compliance(cycle, timezone.localdate())
        if r.plan.agency_id in reach
    ]
    return render(
        request,
        "reporting/self_evaluation_compliance.html",
        {
            "cycle": cycle,
            "rows": rows,
            "labels": STATE_LABELS,
            "counts": _count_states(rows),
            "dues": [(half, rules.self_evaluation_due(cycle.year, half)) for half in (1, 2)],
        },
    )


def _count_states(
    rows: Sequence[selectors.ComplianceRow | selectors.SelfEvaluationRow],
) -> list[tuple[str, int]]:
    return [(label, sum(1 for r in rows if r.state == state)) for state, label in STATE_LABELS.items()]
