"""Reporting pages: progress and evidence."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from servq.agencies.access import access
from servq.core.downloads import as_download
from servq.core.forms import error_summary
from servq.core.permissions import has_perm
from servq.plans.models import Plan, PlanCycle
from servq.reporting import selectors, services
from servq.reporting.forms import (
    EvidenceFileForm,
    ProgressForm,
)
from servq.reporting.models import (
    Evidence,
    ItemProgress,
    ProgressStatus,
    ReportingPeriod,
)
from servq.reporting.views._common import _plan, _refused

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
            initial=_shown(row),
        )
        forms.append((row, form, editable))
    return forms


def _shown(row: selectors.ProgressRow) -> dict[str, Any]:
    """The item's report as the page shows it, with its version (0: none yet) and its fingerprint."""
    status = row.progress.status if row.progress else ProgressStatus.NOT_STARTED
    narrative = row.progress.narrative if row.progress else ""
    actuals = {ind.pk: str(actual.value) for ind, actual in row.indicators if actual and not ind.measure_key}
    return {
        "status": status,
        "narrative": narrative,
        "lock": row.progress.lock_version if row.progress else 0,
        "seen": ProgressForm.digest(status, narrative, actuals),
        **{f"actual_{pk}": value for pk, value in actuals.items()},
    }


def _show_conflict(
    forms: list[tuple[selectors.ProgressRow, ProgressForm, bool]], saved: ItemProgress
) -> dict[int, ItemProgress]:
    """The conflicting item's form keeps what was typed, and now carries the saved report's version
    and fingerprint: saving again, after reading both, stores the typed text knowingly."""
    for row, form, _editable in forms:
        if row.item.pk == saved.item_id:
            current = _shown(replace(row, progress=saved))
            data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict: the page was posted
            data[form.add_prefix("lock")] = str(current["lock"])
            data[form.add_prefix("seen")] = current["seen"]
            form.data = data
    return {saved.item_id: saved}


def _progress_page(
    request: HttpRequest,
    plan: Plan,
    period: ReportingPeriod,
    forms: list[tuple[selectors.ProgressRow, ProgressForm, bool]] | None = None,
    status: int = 200,
    conflicts: dict[int, ItemProgress] | None = None,
) -> HttpResponse:
    # A refused post brings its bound forms, built on the rows it read: nothing to read again.
    forms = forms or _progress_forms(request, selectors.progress_rows(plan, period), period)
    sent = [row.progress.submitted_at for row, _, _ in forms if row.progress and row.progress.submitted_at]
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
            "conflicts": conflicts or {},
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
    if "withdraw" in request.POST:
        return _withdraw(request, plan, period)
    forms = _progress_forms(request, selectors.progress_rows(plan, period), period, data=request.POST)
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
    except services.ProgressConflict as conflict:
        _refused(request, conflict)
        shown = _show_conflict(forms, conflict.saved)
        return _progress_page(request, plan, period, forms, status=409, conflicts=shown)
    except services.ReportingError as error:
        _refused(request, error)
        return _progress_page(request, plan, period, forms, status=409)
    return redirect("reporting:progress", plan_pk=plan.pk, period_pk=period.pk)


def _entry(
    request: HttpRequest, row: selectors.ProgressRow, form: ProgressForm
) -> services.ProgressEntry | None:
    """What to save for one item: None when the user changed nothing and attached nothing."""
    upload = request.FILES.get(f"file_{row.item.pk}")
    link = form.cleaned_data["link_url"]
    if not form.changed_by_user() and upload is None and not link:
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
        link_title=form.cleaned_data["link_title"].strip(),
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
