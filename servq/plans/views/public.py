from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from servq.agencies.access import access
from servq.core.downloads import as_download
from servq.core.rules import year_from_either
from servq.plans import rules, selectors
from servq.plans.exporting import FORMATS as EXPORT_FORMATS
from servq.plans.models import Program


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
        "actions": [t for t in rules.allowed_actions(plan.status, capacities) if t.action not in ("return",)],
        "has_versions": plan.version > 1 or plan.later_versions.exists(),
        "groups": selectors.items_grouped_by_framework(plan),
        "indicators": selectors.indicators_of(plan),
        "revisions": plan.revisions.all(),
        "export_formats": list(EXPORT_FORMATS.items()),
    }
    return render(request, "plans/detail.html", context)


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
