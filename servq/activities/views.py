"""The records page: an agency's records of one kind, with the form to add one, and the confirmed
removal of a record entered by mistake."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from servq.activities import selectors, services
from servq.activities.kinds import KINDS, Kind
from servq.agencies.access import access
from servq.agencies.models import Agency
from servq.agencies.selectors import agencies_served
from servq.core.errors import ServiceError
from servq.core.http import chosen

PERMISSION = "activities.keep_records"


def _agency(request: HttpRequest) -> tuple[list[Agency], Agency]:
    """The agencies whose records the user keeps, and the one asked for: another agency is 404,
    never silently swapped for the user's own."""
    agencies = agencies_served(request.user, PERMISSION)
    wanted = request.POST.get("agency") or request.GET.get("agency")
    if wanted and all(str(a.pk) != wanted for a in agencies):
        raise Http404
    agency = chosen(request, agencies, "agency")
    if agency is None:
        raise PermissionDenied  # signed in, but keeping no agency's records
    return agencies, agency


def _kind(key: str) -> Kind:
    kind = KINDS.get(key)
    if kind is None:
        raise Http404
    return kind


def _page(agency: Agency, kind: Kind) -> str:
    return f"{reverse('activities:kind', args=[kind.key])}?agency={agency.pk}"


@access(signed_in=True)
def index(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('activities:kind', args=['training'])}?{request.GET.urlencode()}")


@access(signed_in=True)
def kind(request: HttpRequest, key: str) -> HttpResponse:
    found = _kind(key)
    agencies, agency = _agency(request)
    form = found.form(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_record(by=request.user, kind=found.key, agency=agency, values=form.cleaned_data)
        except ServiceError as refused:
            form.add_error(refused.field or None, refused.message)
        else:
            messages.success(request, gettext("已登錄。"))
            return redirect(_page(agency, found))
    records = selectors.records_of(found, agency)[:200]
    rows = [(record, [_shown(record, column) for column in found.columns]) for record in records]
    headings = [
        getattr(found.model._meta.get_field(column), "verbose_name", column) for column in found.columns
    ]
    return render(
        request,
        "activities/kind.html",
        {
            "kinds": KINDS.values(),
            "kind": found,
            "agencies": agencies,
            "agency": agency,
            "form": form,
            "headings": headings,
            "rows": rows,
        },
        status=400 if form.errors else 200,
    )


def _shown(record: object, column: str) -> object:
    """The cell for a column: a choice's label rather than its stored key."""
    display = getattr(record, f"get_{column}_display", None)
    return display() if display else getattr(record, column)


@access(signed_in=True)
def remove(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    found = _kind(key)
    agencies, _ = _agency(request)
    record = get_object_or_404(found.model, pk=pk, agency__in=agencies)
    agency = record.agency  # type: ignore[attr-defined]
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.remove_record(by=request.user, kind=found.key, record=record)
        except ServiceError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, gettext("已刪除紀錄。"))
        return redirect(_page(agency, found))
    return render(request, "activities/remove.html", {"kind": found, "record": record, "agency": agency})


@access(public=True)
def service_points(request: HttpRequest) -> HttpResponse:
    """服務據點 for citizens: where to go, when it is open, what it does and how it is accessible;
    free Wi-Fi hotspots counted by 鄉鎮市區."""
    today = timezone.localdate()
    points = list(selectors.open_service_points(today))
    return render(
        request,
        "activities/service_points.html",
        {"points": points, "wifi": selectors.wifi_by_district(today)},
    )
