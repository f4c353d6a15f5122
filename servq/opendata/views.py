"""Open-data pages: the public catalogue (search, counts by provider, DCAT JSON-LD, a CKAN-compatible
read API, downloads), and the staff's inventory (datasets, resources, personal columns, the workflow,
exports for the national and city platforms)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from servq.agencies.access import access
from servq.agencies.models import Agency
from servq.agencies.rules import Role
from servq.agencies.selectors import agencies_served, units_of
from servq.core import rows
from servq.core.downloads import as_download, csv_response
from servq.core.errors import ServiceError
from servq.core.http import chosen, confirmed
from servq.core.inputs import UnusableText, checks_own_input, first_unusable, parse_json
from servq.core.refusals import refusals_to
from servq.core.rules import parse_any_date
from servq.opendata import metadata, rules, selectors, services
from servq.opendata.models import Dataset, Resource

STAFF = [Role.SUPERVISOR, Role.COORDINATOR, Role.UNIT_STAFF]
IRREVERSIBLE = ("approve", "publish", "withdraw")  # each asks for a ticked confirmation
CATALOG_TITLE = "servq 開放資料目錄"
MAX_ROWS = 1000


def _site(request: HttpRequest) -> str:
    """This site's address as the reader reached it (behind the trusted proxy's scheme and host),
    for the catalogue's, DCAT's, CKAN's and the exports' links: never a configured default."""
    return request.build_absolute_uri("/").rstrip("/")


@access(public=True)
def catalogue(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    found = selectors.search(query, selectors.published())
    return render(
        request,
        "opendata/catalogue.html",
        {
            "query": query,
            "datasets": found[:100],
            "count": found.count(),
            "providers": selectors.counts_by_provider(selectors.published()),
        },
    )


@access(public=True)
def agency(request: HttpRequest, code: str) -> HttpResponse:
    """An agency's published datasets: the page the DCAT publisher IRI and CKAN's organization name."""
    found = Agency.objects.filter(code=code).first()
    datasets = selectors.published().filter(agency__code=code) if found else None
    if found is None or datasets is None or not datasets.exists():
        raise Http404
    return render(
        request,
        "opendata/catalogue.html",
        {"agency": found, "datasets": datasets.order_by("-modified_at")[:500], "count": datasets.count()},
    )


def _published(identifier: uuid.UUID) -> Dataset:
    dataset = selectors.published().filter(identifier=identifier).prefetch_related("resources").first()
    if dataset is None:
        raise Http404
    return dataset


@access(public=True)
def dataset(request: HttpRequest, identifier: uuid.UUID) -> HttpResponse:
    found = _published(identifier)
    return render(
        request,
        "opendata/dataset.html",
        {"dataset": found, "next_update": rules.next_update(found.last_updated, found.frequency)},
    )


def _jsonld(data: dict[str, Any]) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/ld+json; charset=utf-8"
    )


@access(public=True)
def dataset_jsonld(request: HttpRequest, identifier: uuid.UUID) -> HttpResponse:
    return _jsonld(metadata.dcat_document(_site(request), _published(identifier)))


@access(public=True)
def catalog_jsonld(request: HttpRequest) -> HttpResponse:
    datasets = list(selectors.published().prefetch_related("resources"))
    return _jsonld(
        metadata.dcat_catalog(
            _site(request), CATALOG_TITLE, datasets, {"@id": f"{_site(request)}/", "name": CATALOG_TITLE}
        )
    )


@access(public=True)
def download(request: HttpRequest, pk: int) -> FileResponse:
    """A published dataset's file for anyone; an unpublished one only for its keepers."""
    resource = Resource.objects.filter(pk=pk).select_related("dataset").first()
    if resource is None or not resource.file:
        raise Http404
    if (
        resource.dataset.state != "published"
        and not selectors.kept_by(request.user).filter(pk=resource.dataset_id).exists()
    ):
        raise Http404
    original = request.GET.get("original") == "1" and bool(resource.original)
    stored = resource.original if original else resource.file
    content_type = rules.MEDIA_TYPES[resource.format]
    if resource.format == "CSV":
        content_type += "; charset=big5" if original else "; charset=utf-8"
    response = FileResponse(stored.open("rb"), content_type=content_type)
    as_download(response, stored.name.rsplit("/", 1)[-1])
    return response


# --- the CKAN-compatible read API ------------------------------------------------------------------


def _ckan(
    request: HttpRequest,
    action: str,
    result: Any = None,
    *,
    error: dict[str, Any] | None = None,
    status: int = 200,
) -> JsonResponse:
    help_url = f"{_site(request)}/opendata/api/3/action/help_show?name={action}"
    body: dict[str, Any] = {"help": help_url, "success": error is None}
    body["error" if error else "result"] = error or result
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _params(request: HttpRequest) -> dict[str, Any]:
    """CKAN takes its parameters from the query string or a JSON (or form) body."""
    params: dict[str, Any] = dict(request.GET.items())
    if request.method == "POST":
        if request.content_type == "application/json":
            try:
                body = parse_json(request.body, empty="{}")
            except UnusableText:
                raise  # a ValueError naming the field: the API's Validation Error
            except ValueError:
                body = None
            if not isinstance(body, dict):
                raise ValueError("請求內容不是 JSON 物件。")
            params.update(body)
        else:
            params.update(request.POST.items())
    refusal = first_unusable(params.items())
    if refusal is not None:
        raise UnusableText(refusal)
    return params


def _int(params: dict[str, Any], name: str, default: int, most: int) -> int:
    try:
        value = int(params.get(name, default))
    except (TypeError, ValueError):
        raise ValueError(f"{name} 須為整數。") from None
    if not 0 <= value <= most:
        raise ValueError(f"{name} 須介於 0 與 {most}。")
    return value


def _not_found(request: HttpRequest, action: str, what: str) -> JsonResponse:
    return _ckan(
        request, action, error={"__type": "Not Found Error", "message": f"找不到：{what[:80]}"}, status=404
    )


def _status_show(request: HttpRequest, action: str, params: dict[str, Any]) -> JsonResponse:
    """What a harvester asks first: which API it talks to (CKAN's action API, version 3)."""
    return _ckan(
        request,
        action,
        {"site_title": "servq 開放資料", "site_url": _site(request), "api_version": 3, "extensions": []},
    )


def _organization_list(request: HttpRequest, action: str, params: dict[str, Any]) -> JsonResponse:
    site = _site(request)
    agencies = selectors.publishing_agencies()
    if str(params.get("all_fields", "")).lower() in ("true", "1"):
        return _ckan(request, action, [metadata.ckan_organization(site, *a) for a in agencies])
    return _ckan(request, action, [code for code, _name, _n in agencies])


def _organization_show(request: HttpRequest, action: str, params: dict[str, Any]) -> JsonResponse:
    wanted = str(params.get("id", "")).strip()
    found = next((a for a in selectors.publishing_agencies() if a[0] == wanted), None)
    if found is None:
        return _not_found(request, action, wanted)
    organization = metadata.ckan_organization(_site(request), *found)
    if str(params.get("include_datasets", "")).lower() in ("true", "1"):
        datasets = selectors.published().filter(agency__code=wanted).prefetch_related("resources")[:1000]
        organization["packages"] = [metadata.ckan_package(_site(request), d) for d in datasets]
    return _ckan(request, action, organization)


def _tag_list(request: HttpRequest, action: str, params: dict[str, Any]) -> JsonResponse:
    return _ckan(request, action, selectors.published_keywords())


def _group_list(request: HttpRequest, action: str, params: dict[str, Any]) -> JsonResponse:
    """servq files datasets under agencies (organizations), not groups: there are none."""
    return _ckan(request, action, [])


def _resource_show(request: HttpRequest, action: str, params: dict[str, Any]) -> JsonResponse:
    wanted = str(params.get("id", "")).strip()
    resource = (
        Resource.objects.filter(pk=int(wanted), dataset__state="published").select_related("dataset").first()
        if wanted.isdigit()
        else None
    )
    if resource is None:
        return _not_found(request, action, wanted)
    return _ckan(
        request, action, metadata.ckan_resource(_site(request), resource, str(resource.dataset.identifier))
    )


# The actions a CKAN harvester or portal calls besides the package ones.
CATALOGUE_ACTIONS = {
    "status_show": _status_show,
    "organization_list": _organization_list,
    "organization_show": _organization_show,
    "tag_list": _tag_list,
    "group_list": _group_list,
    "resource_show": _resource_show,
}


@csrf_exempt  # a read-only API without cookies or sessions: nothing to forge
@checks_own_input
@access(public=True)
def api(request: HttpRequest, action: str) -> JsonResponse:
    if request.method not in ("GET", "POST"):
        return _ckan(
            request,
            action,
            error={"__type": "Validation Error", "message": "只接受 GET 或 POST。"},
            status=405,
        )
    try:
        params = _params(request)
        if action == "package_list":
            limit = _int(params, "limit", 100_000, 100_000)
            offset = _int(params, "offset", 0, 10_000_000)
            names = selectors.published().order_by("pk").values_list("identifier", flat=True)
            return _ckan(request, action, [str(n) for n in names[offset : offset + limit]])
        if action == "package_show":
            wanted = str(params.get("id", "")).strip()
            try:
                found = _published(uuid.UUID(wanted))
            except (ValueError, Http404):
                return _ckan(
                    request,
                    action,
                    error={"__type": "Not Found Error", "message": f"找不到資料集：{wanted[:80]}"},
                    status=404,
                )
            return _ckan(request, action, metadata.ckan_package(_site(request), found))
        if action in CATALOGUE_ACTIONS:
            return CATALOGUE_ACTIONS[action](request, action, params)
        if action == "package_search":
            per_page = _int(params, "rows", 10, MAX_ROWS)
            start = _int(params, "start", 0, 10_000_000)
            query = str(params.get("q", ""))[:100]
            matches = selectors.search(query, selectors.published())
            page, total = selectors.page_with_total(matches, start, per_page, filtered=bool(query.strip()))
            return _ckan(
                request,
                action,
                {
                    "count": total,
                    "sort": "metadata_modified desc",
                    "results": [metadata.ckan_package(_site(request), d) for d in page],
                    "facets": {},
                    "search_facets": {},
                },
            )
    except ValueError as error:
        return _ckan(request, action, error={"__type": "Validation Error", "message": str(error)}, status=409)
    return _ckan(
        request,
        action,
        error={"__type": "Not Found Error", "message": f"不支援的動作：{action[:40]}"},
        status=400,
    )


# --- the staff's inventory -------------------------------------------------------------------------


def _agencies(request: HttpRequest) -> list[Agency]:
    return agencies_served(request.user, "opendata.keep_datasets")


def _units(agencies: list[Agency]) -> list[Agency]:
    """The units under the agencies a keeper acts for, each once, in tree order."""
    found = Agency.objects.none()
    for agency in agencies:
        found |= units_of(agency)
    return list(found.order_by("path"))


def _unit(request: HttpRequest, units: list[Agency]) -> Agency | None:
    wanted = request.POST.get("unit", "")
    return next((u for u in units if str(u.pk) == wanted), None)


def _dataset_fields(request: HttpRequest, units: list[Agency]) -> dict[str, Any]:
    return {
        "title": request.POST.get("title", ""),
        "description": request.POST.get("description", ""),
        "unit": _unit(request, units),
        "frequency": request.POST.get("frequency", ""),
        "license": request.POST.get("license", ""),
        "keywords": request.POST.get("keywords", ""),
        "fields": services.parse_fields(rows.lines_of(_field_rows(request, None), FIELD_COLUMNS)),
        "contact_name": request.POST.get("contact_name", ""),
        "contact_phone": request.POST.get("contact_phone", ""),
    }


FORM_FIELDS = (
    "title",
    "description",
    "unit",
    "frequency",
    "license",
    "keywords",
    "contact_name",
    "contact_phone",
)

# A dataset's main fields as a table: name, type by name, description.
FIELD_COLUMNS = (
    rows.Column("name", _("欄位名稱"), size=12),
    rows.Column("type", _("型別"), choices=tuple(services.FIELD_TYPE_NAMES.items())),
    rows.Column("description", _("說明"), size=24),
)


def _field_rows(request: HttpRequest, dataset: Dataset | None) -> list[rows.Row]:
    """The fields as typed (only the rows filled in, so 第 N 列 in a refusal is the Nth shown), else
    the dataset's."""
    if request.method == "POST":
        typed = rows.posted(request.POST, "fields", FIELD_COLUMNS)
        return [row for row in typed if row["name"].strip() or row["description"].strip()]
    if dataset is None:
        return []
    return [{"name": f["name"], "type": f["type"], "description": f["description"]} for f in dataset.fields]


def _field_table(request: HttpRequest, dataset: Dataset | None) -> dict[str, Any]:
    return {"columns": FIELD_COLUMNS, "cells": rows.table(_field_rows(request, dataset), FIELD_COLUMNS)}


def _form(request: HttpRequest, dataset: Dataset | None) -> dict[str, str]:
    """What the form shows: what was typed (kept after a refusal), else the dataset, else defaults."""
    if request.method == "POST":
        return {name: request.POST.get(name, "") for name in FORM_FIELDS}
    if dataset is None:
        return {"frequency": "yearly", "license": rules.GOVERNMENT_LICENSE}
    return {
        "title": dataset.title,
        "description": dataset.description,
        "unit": str(dataset.unit_id or ""),
        "frequency": dataset.frequency,
        "license": dataset.license,
        "keywords": dataset.keywords,
        "contact_name": dataset.contact_name,
        "contact_phone": dataset.contact_phone,
    }


@access(roles=STAFF)
def manage(request: HttpRequest) -> HttpResponse:
    agencies = _agencies(request)
    units = _units(agencies)
    agency = chosen(request, agencies, "agency")
    error, field = "", ""
    if request.method == "POST" and agency is not None and not rows.adding(request.POST, "fields"):
        try:
            made = services.save_dataset(by=request.user, agency=agency, **_dataset_fields(request, units))
            messages.success(request, gettext("已新增資料集，接著請加入檔案或連結。"))
            return redirect("opendata:edit", pk=made.pk)
        except ServiceError as refused:
            error, field = refused.message, refused.field
    datasets = selectors.kept_by(request.user)
    today = timezone.localdate()
    return render(
        request,
        "opendata/manage.html",
        {
            "datasets": datasets,
            "overdue": {d.pk for d in selectors.overdue(datasets, today)},
            "providers": selectors.counts_by_provider(datasets),
            "agencies": agencies,
            "agency": agency,
            "units": units,
            "frequencies": rules.FREQUENCIES,
            "form": _form(request, None),
            **_field_table(request, None),
            "error": error,
            "field": field,
        },
        status=400 if error else 200,
    )


def _kept(request: HttpRequest, pk: int) -> Dataset:
    found = selectors.kept_by(request.user).filter(pk=pk).prefetch_related("resources", "events__by").first()
    if found is None:
        raise Http404
    return found


@access(roles=STAFF)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _kept(request, pk)
    units = _units([found.agency])
    error, field = "", ""
    if request.method == "POST" and not rows.adding(request.POST, "fields"):
        try:
            services.save_dataset(
                by=request.user, agency=found.agency, dataset=found, **_dataset_fields(request, units)
            )
            messages.success(request, gettext("已儲存資料集。"))
            return redirect("opendata:edit", pk=found.pk)
        except ServiceError as refused:
            error, field = refused.message, refused.field
    return render(
        request,
        "opendata/edit.html",
        {
            "dataset": found,
            "units": units,
            "frequencies": rules.FREQUENCIES,
            "formats": rules.FORMATS,
            "problems": services.publishable_problems(found),
            "next_update": rules.next_update(found.last_updated, found.frequency),
            "overdue": found.state == "published"
            and rules.overdue(found.last_updated, found.frequency, timezone.localdate()),
            "can_approve": request.user.has_perm("opendata.approve_datasets", found.agency),
            "form": _form(request, found),
            **_field_table(request, found),
            "error": error,
            "field": field,
            "today": timezone.localdate(),
        },
        status=400 if error else 200,
    )


@access(roles=STAFF)
@require_POST
@refusals_to("opendata:edit", pk="pk")
def move(request: HttpRequest, pk: int, to: str) -> HttpResponse:
    found = _kept(request, pk)
    if to not in rules.MOVES:
        raise Http404
    if to in IRREVERSIBLE and request.POST.get("confirm") != "yes":
        raise services.OpenDataError("請勾選確認後再送出。")
    services.move(by=request.user, dataset=found, to=to, note=request.POST.get("note", ""))
    messages.success(request, gettext("已更新資料集狀態。"))
    return redirect("opendata:edit", pk=found.pk)


@access(roles=STAFF)
@require_POST
@refusals_to("opendata:edit", pk="pk")
def add_resource(request: HttpRequest, pk: int) -> HttpResponse:
    found = _kept(request, pk)
    name, fmt = request.POST.get("name", ""), request.POST.get("format", "")
    upload = request.FILES.get("file")
    if upload is not None:
        resource = services.add_upload(
            by=request.user,
            dataset=found,
            name=name,
            fmt=fmt,
            upload=upload.open("rb"),
            filename=upload.name or "",
        )
        flagged = len(resource.personal)
        messages.success(
            request,
            gettext("已加入檔案。")
            + (
                gettext("有 %(n)d 個欄位看來含有個人資料，核准前請處理。") % {"n": flagged} if flagged else ""
            ),
        )
    else:
        services.add_link(by=request.user, dataset=found, name=name, fmt=fmt, url=request.POST.get("url", ""))
        messages.success(request, gettext("已加入連結；網站健檢每日檢查連結是否有效。"))
    return redirect("opendata:edit", pk=found.pk)


@access(roles=STAFF)
@require_POST
@refusals_to("opendata:edit", pk="pk")
def clear_personal(request: HttpRequest, pk: int, resource: int) -> HttpResponse:
    found = _kept(request, pk)
    target = found.resources.filter(pk=resource).first()
    if target is None:
        raise Http404
    if request.POST.get("how") == "deidentified" and not confirmed(request):
        raise services.OpenDataError(
            "去識別化前請勾選確認：這一欄的每一筆值會被改寫，Big5 原檔會刪除，無法復原。"
        )
    services.clear_personal(
        by=request.user,
        resource=target,
        column=request.POST.get("column", ""),
        how=request.POST.get("how", ""),
        reason=request.POST.get("reason", ""),
    )
    messages.success(request, gettext("已處理個資欄位。"))
    return redirect("opendata:edit", pk=found.pk)


@access(roles=STAFF)
@require_POST
@refusals_to("opendata:edit", pk="pk")
def record_update(request: HttpRequest, pk: int) -> HttpResponse:
    found = _kept(request, pk)
    try:
        on = parse_any_date(request.POST.get("on", "")[:40])  # 115/3/5 as offices type it, or ISO
    except ValueError:
        raise services.OpenDataError("請輸入更新日期，例如 115/3/5。", "on") from None
    services.record_update(by=request.user, dataset=found, on=on)
    messages.success(request, gettext("已記錄更新日期。"))
    return redirect("opendata:edit", pk=found.pk)


@access(roles=STAFF)
def export_national(request: HttpRequest) -> HttpResponse:
    """The published datasets in reach, in the columns of the national platform's 資料集清單."""
    datasets = selectors.kept_by(request.user).filter(state="published").prefetch_related("resources")
    return csv_response(
        "opendata-national.csv",
        metadata.NATIONAL_COLUMNS,
        (metadata.national_row(_site(request), d) for d in datasets),
    )


@access(roles=STAFF)
def export_city(request: HttpRequest) -> HttpResponse:
    """For a city platform built on CKAN (高雄市政府開放資料平臺): CKAN package dictionaries."""
    datasets = selectors.kept_by(request.user).filter(state="published").prefetch_related("resources")
    response = JsonResponse(
        [metadata.ckan_package(_site(request), d) for d in datasets],
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )
    as_download(response, "opendata-city-ckan.json")
    return response
