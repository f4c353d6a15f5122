from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from servq.agencies import selectors
from servq.core.access import access
from servq.plans.selectors import plans_visible_to


@access(signed_in=True)
def tree(request: HttpRequest) -> HttpResponse:
    agencies = list(selectors.agencies_for(request.user).select_related("parent").order_by("path"))
    return render(request, "agencies/tree.html", {"agencies": agencies})


@access(signed_in=True)
def detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(selectors.agencies_for(request.user), code=code)
    children = agency.children.order_by("position", "code")
    members = agency.memberships.select_related("user").order_by("role", "user__username")
    plans = plans_visible_to(request.user).filter(agency=agency)
    return render(
        request,
        "agencies/detail.html",
        {"agency": agency, "children": children, "members": members, "plans": plans},
    )
