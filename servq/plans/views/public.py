from __future__ import annotations

from typing import Any

from csp.decorators import csp_replace
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django_ratelimit.core import is_ratelimited

from servq.agencies.access import access
from servq.core.downloads import as_download
from servq.core.rules import to_roc_year, year_from_either
from servq.plans import readings, rules, selectors, services
from servq.plans.exporting import FORMATS as EXPORT_FORMATS
from servq.plans.models import CommentPeriod, ConsultedParty, Plan, Program


def _year_param(raw: str) -> int | None:
    """Accepts a Gregorian (2017) or ROC (106) year from the filter; ignores anything else."""
    if not raw.isdigit():
        return None
    year = int(raw)
    return year_from_either(year)


@access(public=True)
def plan_list(request: HttpRequest) -> HttpResponse:
    program = request.GET.get("program", "").strip()
    year = _year_param(request.GET.get("year", "").strip())
    plans = selectors.plan_list(request.user, program=program, year=year)
    return render(
        request,
        "plans/list.html",
        {
            "plans": plans,
            "programs": Program.objects.all(),
            "program": program,
            "year": request.GET.get("year", ""),
        },
    )


@access(public=True)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    capacities = selectors.capacities_for(request.user, plan)
    context = {
        "plan": plan,
        "can_edit": bool(capacities & {rules.AUTHOR, rules.UNIT_STAFF})
        and plan.status in rules.EDITABLE_STATES,
        "can_review": rules.REVIEWER in capacities and plan.status == "submitted",
        "actions": [
            t for t in selectors.actions_for(request.user, plan, capacities) if t.action not in ("return",)
        ],
        "has_versions": plan.version > 1 or plan.later_versions.exists(),
        "groups": selectors.items_grouped_by_framework(plan),
        **_indicator_readings(plan, capacities),
        "revisions": plan.revisions.all(),
        "consultations": plan.consultations.all(),
        "parties": ConsultedParty.choices,
        "export_formats": list(EXPORT_FORMATS.items()),
        "can_edit_or_author": rules.AUTHOR in capacities,
        "can_record_posting": rules.AUTHOR in capacities and plan.status in ("approved", "published"),
        **_requirements(plan, capacities),
        "can_import_version": rules.may_import_new_version(plan.status, capacities)
        and not selectors.versions_of(plan).filter(version__gt=plan.version).exists(),
    }
    if plan.status == "published":
        args = [plan.agency.code, to_roc_year(plan.first_year)]
        context["stable_url"] = request.build_absolute_uri(reverse("plans:agency_plan", args=args))
        context["embed_url"] = request.build_absolute_uri(reverse("plans:agency_plan_embed", args=args))
    return render(request, "plans/detail.html", context)


def _requirements(plan: Plan, capacities: frozenset[str]) -> dict[str, Any]:
    """On an implementation plan, for the body that writes it: what each execution plan under it
    must have before it is submitted, as ticked boxes (issue 37.9)."""
    if plan.kind != "implementation" or rules.AUTHOR not in capacities:
        return {}
    required = rules.Requirements.from_data(plan.requirements)
    return {
        "requirements": {
            "sections": [(f, label, f in required.sections) for f, label in rules.REQUIRED_SECTIONS],
            "item_fields": [(f, label, f in required.item_fields) for f, label in rules.ITEM_FIELDS],
            "targets": required.targets,
        }
    }


def _indicator_readings(plan: Plan, capacities: frozenset[str]) -> dict[str, Any]:
    """For the agency's own staff and its supervisors: each indicator with this year's reading (its
    measured value, an override, the target), as (indicator, reading) rows; the public sees targets."""
    indicators = list(selectors.indicators_of(plan))
    year = min(timezone.localdate().year, plan.last_year)
    if not capacities or year < plan.first_year:
        return {"indicators": indicators, "indicator_rows": [(ind, None) for ind in indicators]}
    found = readings.readings(indicators, year, timezone.localdate())
    rows = [(ind, found[ind.pk]) for ind in indicators]
    return {"indicators": indicators, "indicator_rows": rows, "reading_year": year}


def _current_plan(agency_code: str, year: int) -> Plan:
    plan = selectors.current_published_plan(agency_code, year_from_either(year))
    if plan is None:
        raise Http404
    return plan


@access(public=True)
def agency_plan(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """A stable link an agency puts on its website: always its newest published plan of the year
    (001, 003: the approved plan is public on the agency's own website), whatever its version."""
    return redirect("plans:detail", _current_plan(code, year).pk)


# An agency shows its plan inside its own website: this one page may be framed by any site.
@access(public=True)
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})  # type: ignore[arg-type]  # django-csp types views as request-only
def agency_plan_embed(request: HttpRequest, code: str, year: int) -> HttpResponse:
    plan = _current_plan(code, year)
    return render(
        request,
        "plans/embed.html",
        {"plan": plan, "groups": selectors.items_grouped_by_framework(plan)},
    )


@access(public=True)
def plan_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """A plan as a document or data file; drafts only for those who may see them (else 404)."""
    from servq.plans.exporting import export

    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    chosen = EXPORT_FORMATS.get(fmt)
    if chosen is None:
        raise Http404
    response = HttpResponse(export(plan, fmt), content_type=chosen.content_type)
    as_download(response, f"{plan.title}.{chosen.extension}")
    return response


# --- a public comment period on a draft (004) ---------------------------------------------------------


@access(public=True)
@never_cache
def comments(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft beside the comments on it, with the form while the period runs (anyone may
    comment, a few times an hour from one address); each comment with the agency's answer."""
    period = CommentPeriod.objects.filter(plan_id=pk).select_related("plan__agency", "plan__program").first()
    if period is None:
        raise Http404
    plan = period.plan
    today = timezone.localdate()
    error, typed = "", {"name": "", "text": ""}
    if request.method == "POST":
        typed = {"name": request.POST.get("name", "")[:60], "text": request.POST.get("text", "")[:2100]}
        if is_ratelimited(
            request, group="plans.comments", key="ip", rate="5/h", method="POST", increment=True
        ):
            return render(request, "cases/limited.html", status=429)
        try:
            services.submit_comment(period=period, text=typed["text"], name=typed["name"])
            messages.success(request, "已收到您的意見，機關回應後會顯示在此頁。")
            return redirect("plans:comments", pk)
        except services.PlanError as refused:
            error = refused.message
    return render(
        request,
        "plans/comments.html",
        {
            "plan": plan,
            "period": period,
            "open": period.open_on(today),
            "groups": selectors.items_grouped_by_framework(plan),
            "comments": period.comments.all(),
            "error": error,
            "typed": typed,
        },
        status=400 if error else 200,
    )
