"""The push API of agencies' business systems: monthly application counts per service and channel,
sent with an API key (the same keys as the Open311 API, issued per body)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from servq.agencies.access import access
from servq.agencies.models import Agency
from servq.cases.selectors import client_for_key
from servq.core.http import json_depth
from servq.core.inputs import UnusableText, parse_json
from servq.services import services

MAX_BODY_BYTES = 1024 * 1024
MAX_ENTRIES = 5_000
FIELDS = ("service", "month", "channel", "received", "closed", "closed_on_time")


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@csrf_exempt  # an API: no cookies, so no CSRF
@access(public=True)
@require_POST
def push_counts(request: HttpRequest) -> JsonResponse:
    """POST {"agency": "code", "counts": [{"service", "month": "2026-10", "channel", "received",
    "closed", "closed_on_time"}, …]} with the key in X-Api-Key. 201 with how many were stored."""
    try:
        client = client_for_key(request.headers.get("X-Api-Key", "")[:200])
        if client is None:
            raise Refused(403, "X-Api-Key 缺少或不正確。")
        agency_code, counts = _read(request)
        if not client.pushes_counts or client.counts_agency is None:
            raise Refused(403, "這把金鑰不能傳送申辦件數（它的用途不含件數）。")
        agency = Agency.objects.filter(code=agency_code, path__startswith=client.counts_agency.path).first()
        if agency is None:
            raise Refused(404, f"agency「{agency_code[:40]}」不存在，或不是這把金鑰可傳送件數的機關。")
        stored = services.record_counts(
            by=None, agency=agency, counts=counts, source_name="API", client=client
        )
    except Refused as refused:
        return JsonResponse({"error": str(refused)}, status=refused.status)
    except services.CatalogueError as error:
        return JsonResponse({"error": error.message}, status=400)
    return JsonResponse({"stored": stored}, status=201)


def _read(request: HttpRequest) -> tuple[str, list[services.MonthlyCount]]:
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
        raise Refused(413, f"請求內容超過 {MAX_BODY_BYTES // 1024} KB。")
    raw = request.body
    # {"counts": [{…}]} nests three deep; deeper is refused before the parser can recurse on it.
    if json_depth(raw) > 3:
        raise Refused(400, "JSON 巢狀過深：counts 的每一筆須為一層的物件。")
    try:
        data = parse_json(raw)
    except UnusableText as error:
        raise Refused(400, str(error)) from None
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "JSON 格式錯誤。") from None
    if not isinstance(data, dict) or not isinstance(data.get("counts"), list):
        raise Refused(400, "須為物件，含 agency 與 counts 陣列。")
    entries = data["counts"]
    if not 1 <= len(entries) <= MAX_ENTRIES:
        raise Refused(400, f"counts 須有 1 到 {MAX_ENTRIES} 筆。")
    return str(data.get("agency", "")), [_entry(n, e) for n, e in enumerate(entries, start=1)]


def _entry(number: int, entry: Any) -> services.MonthlyCount:
    where = f"counts 第 {number} 筆"
    if not isinstance(entry, dict) or set(entry) != set(FIELDS):
        raise Refused(400, f"{where}：須恰有欄位 {', '.join(FIELDS)}。")
    numbers = [entry[f] for f in ("received", "closed", "closed_on_time")]
    if not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 10_000_000 for n in numbers):
        raise Refused(400, f"{where}：件數須為 0 到 10000000 的整數。")
    try:
        month = dt.date.fromisoformat(f"{str(entry['month'])[:7]}-01")
    except ValueError:
        raise Refused(400, f"{where}：month「{str(entry['month'])[:20]}」須寫成 2026-10。") from None
    return services.MonthlyCount(str(entry["service"])[:60], month, str(entry["channel"])[:20], *numbers)
