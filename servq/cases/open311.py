"""Open311 GeoReport v2 under /open311/v2/: services, service definitions, posting and reading requests,
in JSON and XML, described by an OpenAPI document at /open311/v2/openapi.json."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from servq.agencies.access import access
from servq.cases import rules, selectors, services
from servq.cases.models import Case, CaseCategory, CategoryKind, Channel
from servq.cases.views import default_body
from servq.core.http import json_depth
from servq.core.inputs import UnusableText, checks_own_input, first_unusable, parse_json

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
DEFAULT_DAYS = 90
MAX_RESULTS = 1000
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "lat",
    "long",
]


class ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _xml_text(value: Any) -> str:
    """A value as XML Schema writes it: booleans are true/false, not Python's True/False."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _respond(fmt: str, root: str, item: str, rows: list[dict[str, Any]], status: int = 200) -> HttpResponse:
    if fmt not in FORMATS:
        fmt = "json"
    if fmt == "json":
        body = json.dumps(rows, ensure_ascii=False)
    else:
        top = ET.Element(root)
        for row in rows:
            element = ET.SubElement(top, item)
            for key, value in row.items():
                ET.SubElement(element, key).text = _xml_text(value)
        body = '<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="unicode")
    return HttpResponse(body, status=status, content_type=FORMATS[fmt])


def _error(fmt: str, error: ApiError) -> HttpResponse:
    return _respond(
        fmt, "errors", "error", [{"code": error.status, "description": error.description}], error.status
    )


def _categories() -> Any:
    body = default_body()
    if body is None:
        return CaseCategory.objects.none()
    return selectors.categories_of(body)


def _service(category: CaseCategory) -> dict[str, Any]:
    unit = "工作日" if category.working_days else "日"
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or f"處理期限 {category.limit_days} {unit}",
        "metadata": False,
        "type": "realtime",
        "keywords": category.name,
        "group": category.body.name,
    }


@csrf_exempt  # an API: no cookies, so no CSRF; unsafe methods get a 405, not a CSRF 403
@checks_own_input
@access(public=True)
@require_GET
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return _respond(fmt, "services", "service", [_service(c) for c in _categories().select_related("body")])


@csrf_exempt  # an API: no cookies, so no CSRF; unsafe methods get a 405, not a CSRF 403
@checks_own_input
@access(public=True)
@require_GET
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    category = _categories().filter(code=code).first()
    if category is None:
        return _error(fmt, ApiError(404, f"service_code「{code[:40]}」不存在。"))
    if fmt == "xml":
        top = ET.Element("service_definition")
        ET.SubElement(top, "service_code").text = category.code
        ET.SubElement(top, "attributes")
        body = '<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="unicode")
        return HttpResponse(body, content_type=FORMATS["xml"])
    return HttpResponse(
        json.dumps({"service_code": category.code, "attributes": []}, ensure_ascii=False),
        content_type=FORMATS["json"],
    )


def _status(case: Case) -> str:
    return "closed" if case.state == rules.CLOSED else "open"


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return dt.datetime.combine(value, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone()).isoformat()


def _request_row(case: Case) -> dict[str, Any]:
    """A request as the public sees it: no names or contacts, the address cut to the street."""
    return {
        "service_request_id": case.number,
        "status": _status(case),
        "status_notes": rules.scrub(case.reply, [case.citizen_name]) if case.reply else None,
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": rules.scrub(case.description, [case.citizen_name]),
        "agency_responsible": case.agency.name,
        "service_notice": None,
        "requested_datetime": _iso(case.received_at),
        "updated_datetime": _iso(case.updated_at),
        "expected_datetime": _iso(case.due_on),
        "address": rules.coarsen_address(case.address) or None,
        # Snapped to a ~500 m grid: beside an address cut to the street, exact ones would give the door.
        "lat": rules.public_coordinate(case.lat),
        "long": rules.public_coordinate(case.long),
    }


def _parse_time(value: str, name: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(
            400, f"{name}「{value[:40]}」須為 ISO 8601 日期時間（例如 2026-11-25T09:00:00+08:00）。"
        ) from None
    try:
        aware = parsed if parsed.tzinfo else timezone.make_aware(parsed)
        return aware.astimezone(dt.UTC)  # PostgreSQL takes offsets only up to ±15:59
    except (OverflowError, ValueError):
        raise ApiError(400, f"{name}「{value[:40]}」超出可處理的日期範圍。") from None


def _days_before(end: dt.datetime) -> dt.datetime:
    try:
        return end - dt.timedelta(days=DEFAULT_DAYS)
    except OverflowError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)


def _cases() -> Any:
    """The body's petitions: the service requests services.json defines. An application for a
    service (申辦) is a person's own business, tracked by its number and password, never listed
    here (issue 36.7: requests.json listed codes services.json did not define)."""
    body = default_body()
    return Case.objects.filter(body=body, category__kind=CategoryKind.PETITION).select_related(
        "category", "agency"
    )


def _query(request: HttpRequest) -> Any:
    """Every parameter is checked first; service_request_id then overrides the others, as GeoReport says."""
    params = request.GET
    _refuse_nul(params.items())
    end = _parse_time(params["end_date"], "end_date") if "end_date" in params else timezone.now()
    start = _parse_time(params["start_date"], "start_date") if "start_date" in params else _days_before(end)
    status = params.get("status")
    wanted = set(status.split(",")) if status is not None else {"open", "closed"}
    if not wanted or not wanted <= {"open", "closed"}:
        raise ApiError(400, f"status「{(status or '')[:40]}」只能是 open、closed 或 open,closed。")
    cases = _cases()
    if ids := params.get("service_request_id"):
        return cases.filter(number__in=[i.strip() for i in ids.split(",")[:MAX_RESULTS]])
    cases = cases.filter(received_at__gte=start, received_at__lte=end)  # start after end: nothing
    if codes := params.get("service_code"):
        cases = cases.filter(category__code__in=codes.split(","))
    if wanted == {"open"}:
        cases = cases.filter(closed_at__isnull=True)
    elif wanted == {"closed"}:
        cases = cases.filter(closed_at__isnull=False)
    return cases.order_by("-received_at")[:MAX_RESULTS]


@csrf_exempt
@checks_own_input
@access(public=True)
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        if request.method == "POST":
            return _post_request(request, fmt)
        return _respond(fmt, "service_requests", "request", [_request_row(c) for c in _query(request)])
    except ApiError as error:
        return _error(fmt, error)


@csrf_exempt  # an API: no cookies, so no CSRF; unsafe methods get a 405, not a CSRF 403
@checks_own_input
@access(public=True)
@require_GET
def request_detail(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    case = _cases().filter(number=number).first()
    if case is None:
        return _error(fmt, ApiError(404, f"service_request_id「{number[:40]}」不存在。"))
    return _respond(fmt, "service_requests", "request", [_request_row(case)])


# A request is one flat object of short fields; the description is the only long one (100,000
# characters at most, up to 4 bytes each in UTF-8, escaped maybe 6 bytes each in JSON).
MAX_BODY_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 1


def _post_data(request: HttpRequest) -> dict[str, str]:
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_BODY_BYTES:
        raise ApiError(413, f"請求內容超過 {MAX_BODY_BYTES // 1024} KB。")
    if request.content_type == "application/json":
        fields = _json_fields(request.body)
    else:
        fields = {key: request.POST.get(key, "") for key in request.POST}
    _refuse_nul(fields.items())
    return fields


def _json_fields(raw: bytes) -> dict[str, str]:
    """A flat JSON object's fields as text; nesting is refused before the parser can recurse on it."""
    if json_depth(raw) > MAX_JSON_DEPTH:
        raise ApiError(400, "JSON 須為一層的物件，欄位值不可為物件或陣列。")
    try:
        data = parse_json(raw, empty="{}")
    except UnusableText as error:
        raise ApiError(400, str(error)) from None
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(400, "JSON 格式錯誤。") from None
    if not isinstance(data, dict):
        raise ApiError(400, "JSON 須為物件。")
    return {str(k): "" if v is None else str(v) for k, v in data.items()}


def _refuse_nul(items: Any) -> None:
    """PostgreSQL text cannot hold NUL (nor UTF-8 a lone surrogate); a parameter carrying one is
    refused, naming it."""
    refusal = first_unusable(items)
    if refusal is not None:
        raise ApiError(400, refusal)


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    # A key in the query string is checked before the body is read at all; one in the body after
    # the bounded parse above.
    client = _client(request.GET["api_key"]) if "api_key" in request.GET else None
    data = _post_data(request)
    client = client or _client(data.get("api_key", ""))
    code = data.get("service_code", "")
    if not code:
        raise ApiError(400, "缺少 service_code。")
    category = selectors.category_for_code(client.body, code)

    if category is None:
        raise ApiError(404, f"service_code「{code[:40]}」不存在。")
    if not (data.get("lat") and data.get("long")) and not data.get("address_string"):
        raise ApiError(400, "須提供 lat 與 long，或 address_string。")
    name = " ".join(part for part in (data.get("last_name", ""), data.get("first_name", "")) if part)
    try:
        case, token = services.submit_case(
            channel=Channel.API,
            body=client.body,
            category=category,
            description=data.get("description", ""),
            address=data.get("address_string", ""),
            lat=data.get("lat") or None,
            long=data.get("long") or None,
            name=name,
            email=data.get("email", ""),
            phone=data.get("phone", ""),
        )
    except services.CaseError as error:
        field = {
            "description": "description",
            "email": "email",
            "phone": "phone",
            "lat": "lat",
            "long": "long",
        }
        raise ApiError(400, f"{field.get(error.field, error.field or 'request')}: {error}") from None
    except DatabaseError:
        raise ApiError(503, "暫時無法受理，請稍後再試。") from None
    row = {
        "service_request_id": case.number,
        "service_notice": f"處理期限 {case.due_on.isoformat()}",
        "account_id": None,
        "query_password": token,
    }
    return _respond(fmt, "service_requests", "request", [row], status=201)


def _client(key: str) -> Any:
    client = selectors.client_for_key(key)
    if client is None:
        raise ApiError(403, "api_key 缺少或不正確。")
    if not client.files_cases:
        raise ApiError(403, "這把 api_key 不能送案件（它的用途不含 Open311 收件）。")
    return client


@csrf_exempt  # an API: no cookies, so no CSRF; unsafe methods get a 405, not a CSRF 403
@checks_own_input
@access(public=True)
@require_GET
def openapi(request: HttpRequest) -> HttpResponse:
    from servq.cases.openapi import SPEC

    return HttpResponse(json.dumps(SPEC, ensure_ascii=False), content_type="application/json; charset=utf-8")
