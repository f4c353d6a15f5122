"""Pages of website health: an agency's sites, registering one, the site page with its runs."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from servq.agencies.access import access
from servq.agencies.selectors import agencies_for, subtree_of
from servq.core.forms import error_summary
from servq.core.permissions import has_perm
from servq.webcheck import selectors, services
from servq.webcheck.forms import OwnerForm, SiteForm
from servq.webcheck.models import Site

CHART_HEIGHT = 120


@access(signed_in=True)
def site_list(request: HttpRequest) -> HttpResponse:
    agencies = [
        a
        for a in agencies_for(request.user).exclude(kind="unit")
        if has_perm(request.user, "webcheck.manage_sites", a)
    ]
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
