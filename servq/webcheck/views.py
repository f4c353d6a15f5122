"""Pages of website health: an agency's sites, registering one, the site page with its runs."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from servq.agencies.access import access
from servq.agencies.selectors import agencies_for, agencies_where, subtree_of
from servq.core import sheets
from servq.core.downloads import as_download
from servq.core.forms import error_summary
from servq.core.permissions import has_perm
from servq.core.rules import format_roc_date
from servq.webcheck import selectors, services
from servq.webcheck.forms import OwnerForm, SiteForm
from servq.webcheck.models import Site

CHART_HEIGHT = 120


@access(signed_in=True)
def site_list(request: HttpRequest) -> HttpResponse:
    agencies = agencies_where(request.user, "webcheck.manage_sites")
    form = SiteForm(request.POST or None)
    if request.method == "POST":
        agency = get_object_or_404(agencies_for(request.user), pk=request.POST.get("agency") or 0)
        if form.is_valid():
            try:
                site = services.register_site(by=request.user, agency=agency, **form.cleaned_data)
                messages.success(request, f"已登錄 {site.name}。")
                return redirect("webcheck:site", pk=site.pk)
            except services.SiteError as error:
                messages.error(request, str(error))
        else:
            messages.error(request, error_summary(form))
    sites = selectors.sites_for(request.user).prefetch_related("checks")
    return render(request, "webcheck/site_list.html", {"sites": sites, "form": form, "agencies": agencies})


REPORT_HEADER = [
    _("機關"),
    _("網站"),
    _("最近檢測"),
    _("頁數"),
    _("連結數"),
    _("失效"),
    _("無法確認"),
    _("有效連結率（%）"),
    _("逾期未更新頁"),
    _("無障礙問題"),
    _("近次失效數（舊→新）"),
]


@access(signed_in=True)
def combined_report(request: HttpRequest) -> HttpResponse:
    """Every site in the user's reach on one page, and as ODS or XLSX for the office's files."""
    rows = selectors.combined_report(request.user)
    table = [_report_cells(row) for row in rows]
    header = [str(name) for name in REPORT_HEADER]
    fmt = request.GET.get("format", "")
    if fmt in ("ods", "xlsx"):
        render_sheet = sheets.to_ods if fmt == "ods" else sheets.to_xlsx
        response = HttpResponse(
            render_sheet(str(_("網站健檢")), header, table),
            content_type="application/vnd.oasis.opendocument.spreadsheet"
            if fmt == "ods"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        as_download(response, f"網站健檢總表.{fmt}")
        return response
    return render(
        request,
        "webcheck/report.html",
        {"rows": rows, "header": header, "rows_and_cells": list(zip(rows, table, strict=True))},
    )


def _report_cells(row: selectors.SiteRow) -> list[str]:
    last = row.last
    if last is None:
        return [row.site.agency.name, row.site.name, str(_("尚未檢測")), *([""] * 8)]
    rate = last.valid_link_rate
    return [
        row.site.agency.name,
        row.site.name,
        format_roc_date(timezone.localdate(last.finished_at)) if last.finished_at else "",
        str(last.pages),
        str(last.links),
        str(last.broken),
        str(row.unverified),
        "" if rate is None else str(rate),
        str(last.stale_pages),
        "" if last.a11y_violations is None else str(last.a11y_violations),
        "→".join(str(n) for n in row.trend),
    ]


def _site(request: HttpRequest, pk: int) -> Site:
    return get_object_or_404(selectors.sites_for(request.user), pk=pk)


@access(signed_in=True)
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request, pk)
    data = selectors.site_page(site)
    largest = max((run.broken for run in data.trend), default=0) or 1
    heights = [round(CHART_HEIGHT * run.broken / largest) for run in data.trend]
    bars = [(index * 36 + 6, CHART_HEIGHT - height, height) for index, height in enumerate(heights)]
    return render(
        request,
        "webcheck/site_detail.html",
        {
            "site": site,
            "data": data,
            "bars": bars,
            "chart_height": CHART_HEIGHT,
            "chart_width": max(36 * len(bars), 36),
            "may_manage": has_perm(request.user, "webcheck.manage_sites", site.agency),
            "owner_form": OwnerForm(units=subtree_of(site.agency).filter(kind="unit")),
            "owners": site.owners.select_related("unit"),
        },
    )


@access(signed_in=True)
@require_POST
def check_now(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request, pk)
    try:
        services.queue_check(by=request.user, site=site)
        messages.success(request, "已排入檢測；完成後本頁會顯示結果。")
    except services.SiteError as error:
        messages.error(request, str(error))
    return redirect("webcheck:site", pk=site.pk)


@access(signed_in=True)
@require_POST
def set_owner(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request, pk)
    form = OwnerForm(request.POST, units=subtree_of(site.agency).filter(kind="unit"))
    if form.is_valid():
        try:
            services.set_path_owner(by=request.user, site=site, **form.cleaned_data)
            messages.success(request, "負責單位已設定。")
        except services.SiteError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, error_summary(form))
    return redirect("webcheck:site", pk=site.pk)
