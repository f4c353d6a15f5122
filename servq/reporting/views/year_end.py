"""Reporting pages: year-end."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from servq.agencies.access import access
from servq.agencies.models import Agency
from servq.agencies.rules import Role
from servq.agencies.selectors import agencies_for
from servq.core import stand_ins
from servq.core.downloads import as_download
from servq.core.forms import error_summary
from servq.core.http import confirmed
from servq.core.permissions import has_perm
from servq.core.refusals import refusals_to
from servq.core.rules import format_roc_year
from servq.core.sheets import to_xlsx
from servq.plans.exporting import FORMATS
from servq.reporting import exporting, selectors, services
from servq.reporting.forms import (
    YearEndForm,
)
from servq.reporting.models import (
    ProgressStatus,
    YearEndReport,
)
from servq.reporting.views._common import YEAR_END_FORMATS, _cycle, _refused

# --- year-end -----------------------------------------------------------------------------------


def _agency(request: HttpRequest, pk: int) -> Agency:
    return get_object_or_404(agencies_for(request.user), pk=pk)


@access(signed_in=True)
def year_end(request: HttpRequest, pk: int, agency_pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    agency = _agency(request, agency_pk)
    report = YearEndReport.objects.filter(cycle=cycle, agency=agency).first()
    if request.method == "POST":
        form = YearEndForm(request.POST)
        try:
            if "sign" in request.POST and report is not None:
                if not confirmed(request):
                    raise services.ReportingError("首長核定前，請勾選確認（核定後不能再重新彙整或修改）。")
                services.sign_year_end(
                    by=request.user, report=report, reason=request.POST.get("reason", "")[:500]
                )
                messages.success(request, "年度執行成果已核定。")
            elif form.is_valid():
                services.compile_year_end(
                    by=request.user, cycle=cycle, agency=agency, summary=form.cleaned_data["summary"]
                )
                messages.success(request, "年度執行成果已彙整。")
            else:
                messages.error(request, error_summary(form))
        except services.ReportingError as error:
            _refused(request, error)
        return redirect(request.path)
    rollup = selectors.year_end_rollup(cycle, root=agency)
    draft = selectors.draft_summary(cycle, agency) if not (report and report.signed_at) else ""
    return render(
        request,
        "reporting/year_end.html",
        {
            "cycle": cycle,
            "agency": agency,
            "report": report,
            "rows": rollup.rows(),
            "unreported": rollup.totals_of(agency.path).get("unreported", 0)
            if agency.path in rollup.totals
            else 0,
            "is_head": has_perm(request.user, "reporting.sign_year_end", agency),
            # The head signs; compiling is the coordinator's and the supervisors' (issue 33.6: the
            # head was offered 彙整, which then refused).
            "may_compile": has_perm(request.user, "reporting.compile_year_end", agency),
            "statuses": ProgressStatus.choices,
            # The summary starts from servq's draft: figures it computed or a person typed, nothing else.
            "form": YearEndForm(initial={"summary": (report.summary if report else "") or draft}),
            "draft": draft,
            "stand_in": stand_ins.year_end(cycle.year, [agency.pk]).get(agency.pk, ""),
            "figures": selectors.year_end_figures(cycle, agency),
            "formats": [(fmt, FORMATS[fmt].label) for fmt in YEAR_END_FORMATS],
            "columns": exporting.year_end_columns(cycle),
            "supervising": has_perm(request.user, "reporting.supervise_cycle", cycle),
        },
    )


@access(roles=[Role.SUPERVISOR])
@require_POST
@refusals_to("reporting:cycle", pk="pk")
def year_end_layout(request: HttpRequest, pk: int, agency_pk: int) -> HttpResponse:
    """The body turns the 承辦單位 column of its 附表 on or off (000's layout has none)."""
    cycle = _cycle(request, pk)
    units = request.POST.get("units") == "on"
    services.set_year_end_layout(by=request.user, cycle=cycle, units=units)
    messages.success(request, "附表已改為：" + "／".join(exporting.year_end_columns(cycle)) + "。")
    return redirect("reporting:year_end", cycle.pk, agency_pk)


@access(signed_in=True)
def year_end_export(request: HttpRequest, pk: int, agency_pk: int, fmt: str) -> HttpResponse:
    cycle = _cycle(request, pk)
    agency = _agency(request, agency_pk)
    if fmt not in YEAR_END_FORMATS:
        raise Http404
    chosen = FORMATS[fmt]
    content = exporting.export_year_end(cycle, agency, fmt)
    name = f"{agency.name}{format_roc_year(cycle.year)}度執行成果.{chosen.extension}"
    response = HttpResponse(content, content_type=chosen.content_type)
    as_download(response, name)
    return response


@access(signed_in=True)
def unit_results(request: HttpRequest, pk: int, agency_pk: int) -> HttpResponse:
    """Each unit's items and results of the year as a spreadsheet for the personnel office (002:
    各科辦理提升服務績效將列為年終考績之參考依據)."""
    cycle = _cycle(request, pk)
    agency = _agency(request, agency_pk)
    if not has_perm(request.user, "reporting.compile_year_end", agency):
        raise Http404
    header = ["承辦單位", "計畫項目", "完成期限", "執行狀態", "辦理情形及成效"]
    content = to_xlsx("各單位辦理情形", header, selectors.unit_results(cycle, agency))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    as_download(response, f"{agency.name}{format_roc_year(cycle.year)}度各單位辦理情形.xlsx")
    return response
