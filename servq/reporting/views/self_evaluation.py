"""Reporting pages: self-evaluation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from servq.agencies.access import access
from servq.core.http import confirmed
from servq.reporting import selectors, services
from servq.reporting.forms import (
    SelfEvaluationForm,
)
from servq.reporting.models import (
    SelfEvaluation,
)
from servq.reporting.views._common import _plan, _refused

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
