from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, pgettext_lazy

from servq.agencies.access import access
from servq.agencies.models import Agency
from servq.agencies.rules import Role
from servq.agencies.selectors import roles_of
from servq.core import search_kinds
from servq.core.errors import ServiceError
from servq.core.rules import format_roc_year, year_from_either
from servq.plans.models import Program
from servq.search import selectors, services
from servq.search.rules import MAX_QUERY_LENGTH, fold_text

PAGE_SIZE = 20

# The three classifications as the English pages name them (「主題」 alone is 「Theme」 elsewhere).
CLASSIFICATIONS = {
    search_kinds.TOPIC: pgettext_lazy("search classification", "主題"),
    search_kinds.POLICY: pgettext_lazy("search classification", "施政"),
    search_kinds.SERVICE: pgettext_lazy("search classification", "服務"),
}


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


@access(public=True)
def everything(request: HttpRequest) -> HttpResponse:
    """One search across the platform (plans, services, FAQ, datasets; case replies for staff),
    classified by 主題 / 施政 / 服務 with counts, within the reader's reach."""
    raw = request.GET.get("q", "")
    query = fold_text(raw).strip()
    error = ""
    if len(query) > MAX_QUERY_LENGTH:
        error = f"查詢字詞太長（{len(query)} 字），請在 {MAX_QUERY_LENGTH} 字以內。"
        query = query[:MAX_QUERY_LENGTH]
    year = _int(request.GET.get("year", "").strip())
    kind, topic = request.GET.get("kind", "")[:40], request.GET.get("topic", "")[:4]
    agency = request.GET.get("agency", "")[:255]
    agency = agency if agency.startswith("/") else ""
    chosen_year = year_from_either(year) if year else None
    chosen = {"kind": kind, "topic": topic, "year": chosen_year, "agency": agency}
    found = (
        selectors.find(request.user, query, kind=kind, topic=topic, year=chosen_year, agency=agency)
        if query
        else None
    )
    labels = {key: kind.label for key, kind in search_kinds.kinds().items()}
    facets: dict[str, list[tuple[str, Any, int]]] = {}
    if found is not None:
        # The synonyms' words marked too: they are why a result that lacks the typed words is there.
        marked = " ".join(found.variants)
        for entry in found.entries:
            entry.snippet = selectors.highlighted(entry.text, marked)  # type: ignore[attr-defined]
            entry.kind_label = labels.get(entry.kind, entry.kind)  # type: ignore[attr-defined]
            entry.topic_label = CLASSIFICATIONS.get(entry.topic, entry.topic)  # type: ignore[attr-defined]
        facets = {
            "topic": [(value, CLASSIFICATIONS.get(value, value), n) for value, n in found.facets["topic"]],
            "kind": [(value, labels.get(value, value), n) for value, n in found.facets["kind"]],
            "year": [(value, format_roc_year(int(value)), n) for value, n in found.facets["year"]],
            "agency": _agency_facet(found.facets["agency"]),
        }
    return render(
        request,
        "search/everything.html",
        {
            "query": query,
            "error": error,
            "found": found,
            "chosen": chosen,
            "facets": facets,
            "keeps_synonyms": Role.SUPERVISOR in roles_of(request.user),
        },
    )


@access(roles=(Role.SUPERVISOR,))
def synonyms(request: HttpRequest) -> HttpResponse:
    """The body's synonym list: one group a line; a refused list is shown again as typed."""
    error = ""
    text = "\n".join(", ".join(group) for group in selectors.synonym_groups())
    if request.method == "POST":
        text = request.POST.get("text", "")[:20000]
        try:
            services.save_synonyms(by=request.user, text=text)
            messages.success(request, gettext("已儲存同義詞。"))
            return redirect("search:synonyms")
        except ServiceError as refused:
            error = refused.message
    return render(
        request, "search/synonyms.html", {"text": text, "error": error}, status=400 if error else 200
    )


def _agency_facet(counts: list[tuple[str, int]]) -> list[tuple[str, Any, int]]:
    """(path, the agency's name, count) for the agencies the results belong to."""
    names = dict(Agency.objects.filter(path__in=[path for path, _ in counts]).values_list("path", "name"))
    return [(path, names.get(path, path), n) for path, n in counts]
