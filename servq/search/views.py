from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from servq.agencies.access import access
from servq.agencies.models import Agency
from servq.core.rules import year_from_either
from servq.plans.models import Program
from servq.search import selectors
from servq.search.rules import MAX_QUERY_LENGTH, fold_text

PAGE_SIZE = 20


def _int(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


@access(public=True)
def search(request: HttpRequest) -> HttpResponse:
    query = fold_text(request.GET.get("q", "")).strip()
    year = _int(request.GET.get("year", "").strip())
    filters = selectors.Filters(
        program=request.GET.get("program", "")[:60],
        year=year_from_either(year) if year else year,
        agency=request.GET.get("agency", "")[:40],
        node=_int(request.GET.get("node", "")),
        unit=request.GET.get("unit", "")[:100].strip(),
    )
    error = ""
    page = None
    if len(query) > MAX_QUERY_LENGTH:
        error = f"查詢字詞太長（{len(query)} 字），請在 {MAX_QUERY_LENGTH} 字以內。"
    elif query:
        page = Paginator(selectors.search(request.user, query, filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        for document in page.object_list:
            document.snippet = selectors.highlighted(document.item.text, query)
    return render(
        request,
        "search/results.html",
        {
            "query": query if not error else "",
            "error": error,
            "page": page,
            "filters": filters,
            "programs": Program.objects.all(),
            "agencies": Agency.objects.exclude(kind="unit").order_by("path"),
            "year": request.GET.get("year", ""),
        },
    )
