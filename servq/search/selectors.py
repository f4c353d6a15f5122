"""Ranked search over plan items, on PostgreSQL (tsvector + GIN) and SQLite (FTS5) alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from servq.agencies.selectors import reach_q
from servq.plans.models import PlanStatus
from servq.search.models import SearchDocument
from servq.search.rules import highlight_spans, query_terms

# Constant SQL (no user text in it): the query is always a bound parameter. `vector` is the stored,
# weighted tsvector (migration 0003): item words weigh A, context words D.
POSTGRES_MATCHING = "SELECT id FROM search_searchdocument WHERE vector @@ to_tsquery('simple', %s)"
POSTGRES_RANK = "ts_rank(search_searchdocument.vector, to_tsquery('simple', %s))"


@dataclass
class Filters:
    program: str = ""
    year: int | None = None
    agency: str = ""
    node: int | None = None
    framework: str = ""
    unit: str = ""


def _matching(terms: list[str]) -> QuerySet[SearchDocument]:
    """Documents holding every term, annotated with a relevance ``rank`` (higher is better)."""
    documents = SearchDocument.objects.all()
    if len(terms) == 1:
        # One term (every one- or two-character query): its postings, best first, off the index.
        return documents.filter(postings__term=terms[0]).annotate(rank=F("postings__score"))
    if connection.vendor == "postgresql":
        # The query travels as a bound parameter; only the constant vector expression is in the SQL text.
        tsquery = " & ".join("'" + t.replace("'", "''") + "'" for t in terms)
        matching_ids = RawSQL(POSTGRES_MATCHING, [tsquery])  # noqa: S611
        rank = RawSQL(POSTGRES_RANK, [tsquery])  # noqa: S611
        return documents.filter(id__in=matching_ids).annotate(rank=rank)
    match = " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)
    # bm25() is lower for better matches; the item's own terms weigh 10 times its context.
    return documents.annotate(
        rank=RawSQL(
            "(SELECT -bm25(search_fts, 10.0, 1.0) FROM search_fts "
            "WHERE search_fts MATCH %s AND search_fts.rowid = search_searchdocument.id)",
            [match],
        )
    ).filter(id__in=RawSQL("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [match]))


def _visible(user: Any) -> Q:
    """Published items for everyone; drafts too inside the user's agency reach (as plans_visible_to)."""
    visible = Q(status=PlanStatus.PUBLISHED)
    if getattr(user, "is_authenticated", False):
        visible |= reach_q(user, "agency")
    return visible


def search(user: Any, query: str, filters: Filters | None = None) -> QuerySet[SearchDocument]:
    """Items matching every term of the query that the user may see, best first."""
    terms = query_terms(query)
    if not terms:
        return SearchDocument.objects.none()
    filters = filters or Filters()
    documents = _matching(terms).filter(_visible(user))
    if filters.program:
        documents = documents.filter(program__slug=filters.program)
    if filters.year:
        documents = documents.filter(first_year__lte=filters.year, last_year__gte=filters.year)
    if filters.agency:
        documents = documents.filter(agency__code=filters.agency)
    if filters.node:
        documents = documents.filter(node_id=filters.node)
    if filters.framework:
        # A framework node by its words (「基礎服務」), at the item's node or the node above it.
        documents = documents.filter(
            Q(node__title__contains=filters.framework) | Q(node__parent__title__contains=filters.framework)
        )
    if filters.unit:
        documents = documents.filter(unit_names__contains=filters.unit)
    return documents.select_related("item", "plan", "agency").order_by("-rank", "plan_id", "item__position")


def highlighted(text: str, query: str, *, limit: int = 160) -> SafeString:
    """The text, escaped, with the query's words in <mark>; cut around the first hit."""
    spans = highlight_spans(text, query)
    start = max(0, spans[0][0] - 30) if spans else 0
    end = min(len(text), start + limit)
    pieces, cursor = [], start
    for a, b in spans:
        if a < start or b > end:
            continue
        pieces += [escape(text[cursor:a]), "<mark>", escape(text[a:b]), "</mark>"]
        cursor = b
    pieces.append(escape(text[cursor:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 — every piece of user text is escaped above
