"""Pages of the reporting cycle: periods and compliance, progress and evidence, self-evaluation,
the year-end report, the calendar, dashboards. Objects outside the user's reach are 404."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from servq.agencies.access import access
from servq.agencies.models import Agency
from servq.agencies.rules import Role
from servq.agencies.selectors import agencies_for
from servq.core.downloads import as_download, csv_response
from servq.core.forms import error_summary
from servq.core.http import confirmed
from servq.core.permissions import has_perm
from servq.core.refusals import refusals_to
from servq.core.rules import format_roc_year
from servq.plans.exporting import FORMATS
from servq.plans.models import Plan, PlanCycle
from servq.reporting import exporting, selectors, services
from servq.reporting.calendar import feed
from servq.reporting.forms import (
    DEFAULT_SCHEDULE,
    EvidenceFileForm,
    PeriodsForm,
    ProgressForm,
    ReopenForm,
    ScheduleForm,
    SelfEvaluationForm,
    YearEndForm,
)
from servq.reporting.models import (
    Evidence,
    ProgressStatus,
    ReportingPeriod,
    SelfEvaluation,
    YearEndReport,
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
            "schedule_form": ScheduleForm(initial={"steps": DEFAULT_SCHEDULE}),
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
            ["機關", "送出日期", "狀態"],
            [
                [r.agency.name, r.submitted_on.isoformat() if r.submitted_on else "", STATE_LABELS[r.state]]
                for r in rows
            ],
        )
    return render(
        request,
        "reporting/compliance.html",
        {"period": period, "rows": rows, "labels": STATE_LABELS, "counts": _count_states(rows)},
    )


STATE_LABELS = {"on_time": "如期", "late": "逾期送出", "missing": "逾期未送", "pending": "尚未到期"}


def _count_states(rows: list[selectors.ComplianceRow]) -> list[tuple[str, int]]:
    return [(label, sum(1 for r in rows if r.state == state)) for state, label in STATE_LABELS.items()]


# --- progress and evidence ----------------------------------------------------------------------


@access(signed_in=True)
def progress(request: HttpRequest, plan_pk: int, period_pk: int) -> HttpResponse:
    plan = _plan(request, plan_pk)
    period = get_object_or_404(ReportingPeriod, pk=period_pk, cycle_id=plan.cycle_id)
    return _progress_page(request, plan, period)


def _progress_forms(
    request: HttpRequest, rows: list[selectors.ProgressRow], period: ReportingPeriod, data: Any = None
) -> list[tuple[selectors.ProgressRow, ProgressForm, bool]]:
    """One form per item, bound to what was posted when there is a post (so nothing typed is lost)."""
    forms = []
    for row in rows:
        editable = (
            has_perm(request.user, "reporting.report_on_item", row.item)
            and not period.is_closed
            and not (row.progress and row.progress.submitted_at)
        )
        form = ProgressForm(
            data if editable else None,
            prefix=f"i{row.item.pk}",
            indicators=[ind for ind, _ in row.indicators],
            initial={
                "status": row.progress.status if row.progress else ProgressStatus.NOT_STARTED,
                "narrative": row.progress.narrative if row.progress else "",
                "lock": row.progress.lock_version if row.progress else None,
                **{f"actual_{ind.pk}": actual.value for ind, actual in row.indicators if actual},
            },
        )
        forms.append((row, form, editable))
    return forms


def _progress_page(
    request: HttpRequest,
    plan: Plan,
    period: ReportingPeriod,
    forms: list[tuple[selectors.ProgressRow, ProgressForm, bool]] | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = selectors.progress_rows(plan, period)
    forms = forms or _progress_forms(request, rows, period)
    sent = [row.progress.submitted_at for row in rows if row.progress and row.progress.submitted_at]
    return render(
        request,
        "reporting/progress.html",
        {
            "plan": plan,
            "period": period,
            "forms": forms,
            "submitted_at": max(sent) if sent else None,
            "any_editable": any(editable for _, _, editable in forms),
            "is_author": has_perm(request.user, "plans.author_plan", plan),
            "periods": selectors.periods_of(cast(PlanCycle, plan.cycle)),  # _plan: plans of a cycle
        },
        status=status,
    )


@access(signed_in=True)
@require_POST
def save_report(request: HttpRequest, plan_pk: int, period_pk: int) -> HttpResponse:
    """Everything on the progress page goes through here: every item's report, the evidence chosen
    for any item, evidence to remove, and sending or withdrawing the report. All or nothing; on any
    refusal the page comes back with what was typed."""
    plan = _plan(request, plan_pk)
    period = get_object_or_404(ReportingPeriod, pk=period_pk, cycle_id=plan.cycle_id)
    rows = selectors.progress_rows(plan, period)
    if "withdraw" in request.POST:
        return _withdraw(request, plan, period)
    forms = _progress_forms(request, rows, period, data=request.POST)
    invalid = [form for _, form, editable in forms if editable and not form.is_valid()]
    if invalid:
        for form in invalid:
            messages.error(request, error_summary(form))
        return _progress_page(request, plan, period, forms, status=400)
    try:
        entries = [_entry(request, row, form) for row, form, editable in forms if editable]
        chosen = [entry for entry in entries if entry is not None]
        removed = [int(pk) for pk in request.POST.getlist("delete_evidence") if pk.isdigit()]
        with transaction.atomic():
            services.save_report(by=request.user, plan=plan, period=period, entries=chosen, remove=removed)
            if "submit" in request.POST:
                count = services.submit_report(by=request.user, plan=plan, period=period)
        if "submit" in request.POST:
            messages.success(request, f"已儲存並送出 {count} 個項目的辦理情形。")
        elif chosen or removed:
            messages.success(request, f"已儲存 {len(chosen)} 個項目的辦理情形。")
        else:
            messages.info(request, "沒有變更需要儲存。")
    except services.ReportingError as error:
        _refused(request, error)
        return _progress_page(request, plan, period, forms, status=409)
    return redirect("reporting:progress", plan_pk=plan.pk, period_pk=period.pk)


def _entry(
    request: HttpRequest, row: selectors.ProgressRow, form: ProgressForm
) -> services.ProgressEntry | None:
    """What to save for one item: None when the user changed nothing and attached nothing."""
    upload = request.FILES.get(f"file_{row.item.pk}")
    link = request.POST.get(f"url_{row.item.pk}", "").strip()
    if not form.has_changed() and upload is None and not link:
        return None
    if upload is not None:
        problem = EvidenceFileForm.size_problem(upload)
        if problem:
            raise services.ReportingError(problem)
    return services.ProgressEntry(
        item=row.item,
        status=form.cleaned_data["status"],
        narrative=form.cleaned_data["narrative"],
        actuals=form.actuals(),
        expected_lock=form.cleaned_data["lock"],
        file_name=(upload.name or "") if upload else "",
        file_content=upload.read() if upload else b"",
        link_url=link,
        link_title=request.POST.get(f"title_{row.item.pk}", "").strip()[:200],
    )


def _withdraw(request: HttpRequest, plan: Plan, period: ReportingPeriod) -> HttpResponse:
    count = services.withdraw_report(by=request.user, plan=plan, period=period)
    messages.success(request, f"已撤回 {count} 個項目的辦理情形；修正後請再送出。")
    return redirect("reporting:progress", plan_pk=plan.pk, period_pk=period.pk)


def _evidence(request: HttpRequest, pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.filter(
            progress__item__plan__in=selectors.plans_reported_to(request.user)
        ).select_related("progress__period", "progress__item__plan"),
        pk=pk,
    )


@access(signed_in=True)
def download_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The file, only to those who may see the plan; always as an attachment, never rendered inline."""
    evidence = _evidence(request, pk)
    if not evidence.file:
        raise Http404
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type, as_attachment=True)
    as_download(response, evidence.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- self-evaluation ----------------------------------------------------------------------------


@access(signed_in=True)
def self_evaluation(request: HttpRequest, plan_pk: int, year: int, half: int) -> HttpResponse:
    plan = _plan(request, plan_pk)
    if half not in (1, 2) or not plan.first_year <= year <= plan.last_year:
        raise Http404
    evaluation = (
        SelfEvaluation.objects.filter(plan=plan, year=year, half=half).prefetch_related("grades").first()
    )
    items = list(plan.items.order_by("position"))
    if request.method == "POST":
        form = SelfEvaluationForm(request.POST, items=items)
        if form.is_valid():
            try:
                evaluation = services.save_self_evaluation(
                    by=request.user,
                    plan=plan,
                    year=year,
                    half=half,
                    overall=form.cleaned_data["overall"],
                    summary=form.cleaned_data["summary"],
                    grades=form.grades(),
                )
                if "submit" in request.POST:
                    if not confirmed(request):
                        raise services.ReportingError(
                            "送出並公告前，請勾選確認（送出後內容公開，且不能再修改）。"
                        )
                    services.submit_self_evaluation(by=request.user, evaluation=evaluation)
                    messages.success(request, "自行考核已送出，並公開於自行考核公告頁。")
                else:
                    messages.success(request, "自行考核已儲存。")
                return redirect(request.path)
            except services.ReportingError as error:
                _refused(request, error)
    else:
        initial: dict[str, Any] = {}
        if evaluation:
            initial = {"overall": evaluation.overall, "summary": evaluation.summary}
            for grade in evaluation.grades.all():
                initial[f"grade_{grade.item_id}"] = grade.grade
                initial[f"remark_{grade.item_id}"] = grade.remark
        form = SelfEvaluationForm(initial=initial, items=items)
    rows = [(item, form[f"grade_{item.pk}"], form[f"remark_{item.pk}"]) for item in items]
    return render(
        request,
        "reporting/self_evaluation.html",
        {"plan": plan, "year": year, "half": half, "evaluation": evaluation, "form": form, "rows": rows},
    )


@access(public=True)
def public_self_evaluations(request: HttpRequest) -> HttpResponse:
    return render(
        request, "reporting/public_list.html", {"evaluations": selectors.published_self_evaluations()[:200]}
    )


@access(public=True)
def public_self_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_object_or_404(selectors.published_self_evaluations(), pk=pk)
    grades = evaluation.grades.select_related("item").order_by("item__position")
    return render(request, "reporting/public_detail.html", {"evaluation": evaluation, "grades": grades})


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
                services.sign_year_end(by=request.user, report=report)
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
            "statuses": ProgressStatus.choices,
            "form": YearEndForm(initial={"summary": report.summary if report else ""}),
            "formats": [(fmt, FORMATS[fmt].label) for fmt in YEAR_END_FORMATS],
        },
    )


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
    response = HttpResponse(
        feed(cycle, request.build_absolute_uri("/")), content_type="text/calendar; charset=utf-8"
    )
    as_download(response, f"servq-cycle-{cycle.pk}.ics", inline=True)
    return response


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
        return _dashboardcsv_response(data, root)
    labels = dict(ProgressStatus.choices) | {"unreported": "未填報"}
    return render(
        request,
        "reporting/dashboard.html",
        {
            "cycle": cycle,
            "root": root,
            "data": data,
            "status_rows": [(key, labels[key], value) for key, value in data.by_status.items()],
            "status_keys": list(data.by_status),
            "labels": labels,
            "periods": selectors.periods_of(cycle),
            "max_status": max(data.by_status.values(), default=0) or 1,
        },
    )


def _default_root(request: HttpRequest, cycle: Any) -> Agency:
    """A supervisor of the cycle starts from the whole cycle; others from their own agency."""
    reachable = agencies_for(request.user)
    if reachable.filter(pk=cycle.agency_id).exists():
        return cycle.agency
    own = reachable.exclude(kind="unit").order_by("depth", "path").first()
    if own is None:
        raise PermissionDenied
    return own


def _dashboardcsv_response(data: selectors.Dashboard, root: Agency) -> HttpResponse:
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
