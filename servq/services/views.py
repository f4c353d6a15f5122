"""Service pages: the public catalogue with each service's SOP, flowchart and forms, online
applications; the coordinator's catalogue, the counter (single window) and the supervisor's board."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from servq.agencies.access import access
from servq.agencies.models import Agency
from servq.agencies.rules import Role
from servq.agencies.selectors import agencies_for, agencies_where, body_of
from servq.cases.forms import CopyForm, uploads_of
from servq.cases.models import Case
from servq.core.downloads import as_download, csv_response
from servq.core.errors import ServiceError
from servq.core.forms import error_summary
from servq.core.http import chosen, json_for_script
from servq.core.permissions import has_perm
from servq.core.sheets import to_ods
from servq.services import documents, rules, selectors, services
from servq.services.forms import (
    ApplicationForm,
    CounterForm,
    ServiceForm,
    SimplificationForm,
    UploadForm,
    VisitForm,
)
from servq.services.models import Service

STAFF = [Role.SUPERVISOR, Role.COORDINATOR, Role.UNIT_STAFF]


def _add_error(form: Any, error: ServiceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# --- the public side -----------------------------------------------------------------------------


@access(public=True)
def catalogue(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.published_services(query), 50).get_page(request.GET.get("page"))
    return render(
        request, "services/catalogue.html", {"page": page, "query": query, "levels": rules.LEVEL_NAMES}
    )


def _public(pk: int) -> Service:
    service = selectors.public_service(pk)
    if service is None:
        raise Http404
    return service


@access(public=True)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = _public(pk)
    steps = [s.as_rule() for s in service.steps.all()]
    boxes, height = rules.flow_layout(steps)
    return render(
        request,
        "services/detail.html",
        {
            "service": service,
            "boxes": boxes,
            "flow_height": height,
            "flow_width": rules.FLOW_WIDTH,
            "centre": rules.FLOW_WIDTH // 2,
            "channels": [rules.CHANNELS[c] for c in service.channels if c in rules.CHANNELS],
            "limit": service.time_limit.describe(),
            # Each language in its own name (中文, English, Tiếng Việt): never a code such as zh-Hant.
            "language_names": [services.LANGUAGES.get(code, code) for code in service.form_languages],
            "structured": json_for_script(documents.government_service(service, request)),
        },
    )


@access(public=True)
def form_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The application form of a service, as ODF text or PDF, built from what the catalogue says."""
    service = _public(pk)
    if fmt not in ("odt", "pdf"):
        raise Http404
    if fmt == "odt":
        response = HttpResponse(
            documents.form_odt(service), content_type="application/vnd.oasis.opendocument.text"
        )
    else:
        response = HttpResponse(documents.form_pdf(service), content_type="application/pdf")
    as_download(response, f"{service.name}申請書.{fmt}")
    return response


@access(public=True)
@never_cache
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    service = _public(pk)
    if not service.takes_online_applications_here:
        raise Http404
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if is_ratelimited(
            request, group="services.apply", key="ip", rate="5/10m", method="POST", increment=True
        ):
            return render(request, "cases/limited.html", status=429)
        if form.is_bot():
            return render(request, "cases/limited.html", status=400)
        if form.is_valid():
            try:
                c = form.cleaned_data
                case, token = services.apply_online(
                    service=service,
                    description=c["description"],
                    name=c["name"],
                    email=c["email"],
                    phone=c["phone"],
                    attachments=uploads_of(c.get("attachments") or []),
                )
                return _received(request, case, token)
            except ServiceError as error:
                _add_error(form, error)
    return render(
        request, "services/apply.html", {"service": service, "form": form}, status=400 if form.errors else 200
    )


def _received(request: HttpRequest, case: Case, token: str, *, operator: bool = False) -> HttpResponse:
    """The case engine's receipt page: the number and query password, once."""
    copy = CopyForm(initial={"number": case.number, "token": token, "email": case.citizen_email})
    return render(
        request,
        "cases/received.html",
        {"case": case, "token": token, "copy_form": copy, "operator": operator},
    )


# --- the coordinator's catalogue -----------------------------------------------------------------


def _managed_agencies(request: HttpRequest) -> list[Agency]:
    return agencies_where(request.user, "services.manage_catalogue")


@access(roles=[Role.SUPERVISOR, Role.COORDINATOR])
def manage(request: HttpRequest) -> HttpResponse:
    agencies = _managed_agencies(request)
    listed = selectors.services_for(request.user).order_by("agency__path", "code")
    if request.GET.get("format") in ("csv", "ods"):
        return _export(listed, request.GET["format"])
    agency = _chosen_agency(request, agencies)
    form = ServiceForm(request.POST or None, units=_units(agency))
    if request.method == "POST" and agency is not None and form.is_valid():
        try:
            service = services.save_service(by=request.user, agency=agency, data=form.data_for_service())
            messages.success(request, gettext("已新增服務項目「%(name)s」。") % {"name": service.name})
            return redirect("services:edit", pk=service.pk)
        except ServiceError as error:
            _add_error(form, error)
    return render(
        request,
        "services/manage.html",
        {"services": listed, "agencies": agencies, "agency": agency, "form": form, "upload": UploadForm()},
        status=400 if form.errors else 200,
    )


def _chosen_agency(request: HttpRequest, agencies: list[Agency]) -> Agency | None:
    return chosen(request, agencies, "agency")


def _units(agency: Agency | None) -> Any:
    return Agency.objects.filter(parent=agency, kind="unit") if agency else Agency.objects.none()


def _export(listed: Any, fmt: str) -> HttpResponse:
    rows = [documents.catalogue_row(s) for s in listed.prefetch_related("documents", "steps")]
    if fmt == "csv":
        return csv_response("服務項目.csv", list(services.CATALOGUE_SHEET), rows)
    response = HttpResponse(
        to_ods("服務項目", list(services.CATALOGUE_SHEET), rows),
        content_type="application/vnd.oasis.opendocument.spreadsheet",
    )
    as_download(response, "服務項目.ods")
    return response


def _upload(request: HttpRequest, store: Callable[[Agency, bytes, str], str], max_bytes: int) -> HttpResponse:
    """A sheet uploaded for an agency the user keeps: stored whole or refused with its message."""
    form = UploadForm(request.POST, request.FILES)
    within = _chosen_agency(request, _managed_agencies(request))
    if within is None or not form.is_valid():
        messages.error(request, error_summary(form) or gettext("請選擇檔案。"))
        return redirect("services:manage")
    upload = form.cleaned_data["file"]
    try:
        messages.success(request, store(within, upload.read(max_bytes + 1), upload.name or ""))
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("services:manage")


@access(roles=[Role.SUPERVISOR, Role.COORDINATOR])
@require_POST
def import_catalogue(request: HttpRequest) -> HttpResponse:
    def store(within: Agency, data: bytes, name: str) -> str:
        saved = services.import_catalogue(by=request.user, within=within, data=data, filename=name)
        return gettext("已匯入 %(n)d 項服務。") % {"n": len(saved)}

    return _upload(request, store, services.MAX_CATALOGUE_BYTES)


@access(roles=[Role.SUPERVISOR, Role.COORDINATOR])
@require_POST
def import_records(request: HttpRequest) -> HttpResponse:
    def store(within: Agency, data: bytes, name: str) -> str:
        n = services.import_records(by=request.user, agency=within, data=data, filename=name)
        return gettext("已匯入 %(n)d 筆申辦紀錄。") % {"n": n}

    return _upload(request, store, services.MAX_RECORD_BYTES)


def _managed(request: HttpRequest, pk: int) -> Service:
    service = selectors.service_for(request.user, pk)
    if service is None:
        raise Http404
    return service


@access(roles=[Role.SUPERVISOR, Role.COORDINATOR])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = _managed(request, pk)
    form = ServiceForm(
        request.POST or None, units=_units(service.agency), initial=ServiceForm.initial_from(service)
    )
    form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.save_service(
                by=request.user, agency=service.agency, data=form.data_for_service(), service=service
            )
            messages.success(request, gettext("已儲存，成為第 %(v)d 版。") % {"v": service.version + 1})
            return redirect("services:edit", pk=service.pk)
        except ServiceError as error:
            _add_error(form, error)
    return render(
        request,
        "services/edit.html",
        {
            "service": service,
            "form": form,
            "simplification_form": SimplificationForm(prefix="s"),
            "visit_form": VisitForm(prefix="v"),
            "bundle_choices": selectors.offered_by_body(body_of(service.agency)).exclude(pk=service.pk),
            "bundled": {s.pk for s in service.bundled_with.all()},
            "may_manage": has_perm(request.user, "services.manage_catalogue", service.agency),
            "review_due": rules.review_due(
                service.reviewed_on or timezone.localtime(service.updated_at).date(), service.review_months
            ),
        },
        status=400 if form.errors else 200,
    )


def _record_on(
    request: HttpRequest, pk: int, form: forms.Form, record: Callable[..., Any], done: str
) -> HttpResponse:
    """A record added on a service's page (a simplification, a visit): the form, the write, back."""
    service = _managed(request, pk)
    if not form.is_valid():
        messages.error(request, error_summary(form))
        return redirect("services:edit", pk=pk)
    try:
        record(by=request.user, service=service, **form.cleaned_data)
        messages.success(request, done)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("services:edit", pk=pk)


@access(roles=[Role.SUPERVISOR, Role.COORDINATOR])
@require_POST
def simplify(request: HttpRequest, pk: int) -> HttpResponse:
    form = SimplificationForm(request.POST, prefix="s")
    return _record_on(request, pk, form, services.record_simplification, gettext("已記錄簡化措施。"))


@access(roles=[Role.SUPERVISOR, Role.COORDINATOR])
@require_POST
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    form = VisitForm(request.POST, prefix="v")
    return _record_on(request, pk, form, services.record_visit, gettext("已記錄走動式服務。"))


@access(roles=[Role.SUPERVISOR, Role.COORDINATOR])
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """「已檢視，內容仍正確」: the SOP and forms were read again and still hold."""
    service = _managed(request, pk)
    try:
        services.confirm_review(by=request.user, service=service, note=request.POST.get("note", ""))
        messages.success(request, gettext("已記錄檢視。"))
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("services:edit", pk=pk)


@access(roles=[Role.SUPERVISOR, Role.COORDINATOR])
@require_POST
def bundle(request: HttpRequest, pk: int) -> HttpResponse:
    service = _managed(request, pk)
    chosen = selectors.offered_by_body(body_of(service.agency)).filter(
        pk__in=request.POST.getlist("bundled_with")
    )
    try:
        services.bundle(by=request.user, service=service, with_services=list(chosen))
        messages.success(request, gettext("已更新可併同申辦的服務。"))
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("services:edit", pk=pk)


# --- the counter: one window for every service of the body ----------------------------------------


@access(roles=STAFF)
@never_cache
def counter(request: HttpRequest) -> HttpResponse:
    counters = list(selectors.counters_for(request.user))
    if not counters:
        raise Http404
    body = body_of(counters[0])
    form = CounterForm(
        request.POST or None,
        services=selectors.offered_by_body(body),
        counters=Agency.objects.filter(pk__in=[c.pk for c in counters]),
    )
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            case, token = services.take_application(
                by=request.user,
                counter=c["counter"],
                service=c["service"],
                description=c["description"],
                name=c["name"],
                phone=c["phone"],
                email=c["email"],
            )
            return _received(request, case, token, operator=True)
        except ServiceError as error:
            _add_error(form, error)
    return render(
        request, "services/counter.html", {"form": form, "body": body}, status=400 if form.errors else 200
    )


# --- the supervisor's board ----------------------------------------------------------------------


@access(roles=[Role.SUPERVISOR, Role.COORDINATOR])
def board(request: HttpRequest) -> HttpResponse:
    roots = [a for a in agencies_for(request.user).exclude(kind="unit").order_by("depth", "path")]
    if not roots:
        raise Http404
    root = roots[0]
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year)
    page = Paginator(selectors.board_services(root), selectors.BOARD_PAGE).get_page(request.GET.get("page"))
    rows = selectors.board(list(page.object_list), year, today=today)
    return render(
        request,
        "services/board.html",
        {
            "root": root,
            "year": year,
            "years": range(today.year, today.year - 5, -1),
            "page": page,
            "rows": rows,
            "total": selectors.totals(rows),
        },
    )
