"""Reporting pages: dashboards."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext

from servq.agencies.access import access
from servq.agencies.models import Agency
from servq.agencies.selectors import agencies_for
from servq.core import charts
from servq.core.downloads import csv_response
from servq.core.rules import format_roc_year
from servq.reporting import selectors
from servq.reporting.models import (
    ProgressStatus,
    ReportingPeriod,
)
from servq.reporting.views._common import _cycle

# --- dashboards ---------------------------------------------------------------------------------


@access(signed_in=True)
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    reachable = agencies_for(request.user)
    chosen = request.GET.get("agency")
    root = (
        get_object_or_404(reachable, pk=chosen)
        if chosen and chosen.isdigit()
        else _default_root(request, cycle)
    )
    period_id = request.GET.get("period")
    period = (
        get_object_or_404(ReportingPeriod, pk=period_id, cycle=cycle)
        if period_id and period_id.isdigit()
        else None
    )
    data = selectors.dashboard(cycle, root=root, period=period)
    if request.GET.get("format") == "csv":
        return _dashboard_csv(data, root)
    labels = dict(ProgressStatus.choices) | {"unreported": "未填報"}
    return render(
        request,
        "reporting/dashboard.html",
        {
            "cycle": cycle,
            "root": root,
            "data": data,
            "status_rows": [(key, labels[key], value) for key, value in data.by_status.items()],
            # The table of agencies below: items, then each status, then 未填報 (it was never filled in).
            "column_labels": [labels[key] for key in data.by_status],
            "agency_rows": data.agency_rows(["items", *data.by_status]),
            "status_keys": list(data.by_status),
            "labels": labels,
            "periods": selectors.periods_of(cycle),
            "max_status": max(data.by_status.values(), default=0) or 1,
            "indicator_charts": _indicator_charts(cycle, root),
        },
    )


def _indicator_charts(cycle: Any, root: Agency) -> list[tuple[selectors.IndicatorTrend, charts.Chart]]:
    """Each of the agency's indicators as target (dashed) against actual over the plan's years."""
    found = []
    for trend in selectors.indicator_trends(cycle, root):
        unit = trend.indicator.unit
        chart = charts.lines(
            f"{trend.indicator.name}（{unit}）" if unit else trend.indicator.name,
            [format_roc_year(year) for year in trend.years],
            {gettext("目標值"): trend.targets, gettext("實際值"): trend.actuals},
            dashed=[gettext("目標值")],
        )
        found.append((trend, chart))
    return found


def _default_root(request: HttpRequest, cycle: Any) -> Agency:
    """A supervisor of the cycle starts from the whole cycle; others from their own agency."""
    reachable = agencies_for(request.user)
    if reachable.filter(pk=cycle.agency_id).exists():
        return cycle.agency
    own = reachable.exclude(kind="unit").order_by("depth", "path").first()
    if own is None:
        raise PermissionDenied
    return own


def _dashboard_csv(data: selectors.Dashboard, root: Agency) -> HttpResponse:
    header = ["機關", *[str(label) for _, label in ProgressStatus.choices], "未填報", "項目數"]
    rows = [
        [
            agency.name,
            *[totals.get(key, 0) for key in ProgressStatus.values],
            totals["unreported"],
            totals["items"],
        ]
        for agency, totals in data.by_agency
    ]
    return csv_response(f"dashboard-{data.cycle.pk}-{root.pk}.csv", header, rows)
