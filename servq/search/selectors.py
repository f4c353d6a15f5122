"""Ranked search over plan items, on PostgreSQL (tsvector + GIN) and SQLite (FTS5) alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from servq.agencies.rules import reach_prefixes
from servq.agencies.selectors import grants_of, reach_q
from servq.plans.models import PlanStatus
from servq.search.models import Entry, EntryPosting, SearchDocument
from servq.search.rules import MAX_QUERY_LENGTH, fold_variants, highlight_spans, phrases, query_terms

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


# --- the platform search: every kind, within the reader's reach -------------------------------------

CANDIDATES = 5000  # postings of the rarest term read, best first: the bound on every query's work


@dataclass
class Found:
    entries: Sequence[Entry]
    total: int  # matches among the candidates (at most CANDIDATES: "5000+")
    capped: bool
    facets: dict[str, list[tuple[str, int]]]


def _reach(user: Any) -> Q:
    """Public entries for everyone; the rest inside the user's agency reach, in the query itself."""
    if getattr(user, "is_superuser", False):
        return Q()
    visible = Q(public=True)
    if getattr(user, "is_authenticated", False):
        exact, subtrees = reach_prefixes(grants_of(user))
        if exact:
            visible |= Q(agency_path__in=sorted(exact))
        for subtree in sorted(subtrees):
            visible |= Q(agency_path__startswith=subtree)
    return visible


def _rarest(terms: list[str]) -> str:
    """The term with the fewest postings, each counted only up to the candidate bound (an index-only
    count that stops early), so choosing costs little however common the others are."""

    def bounded_count(term: str) -> int:
        return EntryPosting.objects.filter(
            pk__in=EntryPosting.objects.filter(term=term).values("pk")[:CANDIDATES]
        ).count()

    return min(terms, key=bounded_count)


def find(
    user: Any,
    query: str,
    *,
    kind: str = "",
    topic: str = "",
    agency: str = "",
    year: int | None = None,
    limit: int = 20,
) -> Found:
    """Entries holding every term of the query (and each phrase as written), best first: the rarest
    term's best postings are the candidates, the other terms and phrases narrow them, the reach and
    the facets' choices are conditions of the same query."""
    folded = fold_variants(query)[: MAX_QUERY_LENGTH * 2]
    terms = [t for t in query_terms(folded) if len(t) <= 40][:12]
    if not terms:
        return Found([], 0, False, {"topic": [], "kind": [], "year": []})
    rarest = _rarest(terms) if len(terms) > 1 else terms[0]
    candidates = EntryPosting.objects.filter(term=rarest).order_by("-score").values("entry_id")[:CANDIDATES]
    entries = Entry.objects.filter(pk__in=candidates).filter(_reach(user))
    for term in terms:
        if term != rarest:
            entries = entries.filter(Exists(EntryPosting.objects.filter(entry_id=OuterRef("pk"), term=term)))
    for phrase in phrases(query):
        entries = entries.filter(folded__contains=phrase)
    narrowed = entries
    if kind:
        narrowed = narrowed.filter(kind=kind)
    if topic:
        narrowed = narrowed.filter(topic=topic)
    if agency:
        narrowed = narrowed.filter(agency_path__startswith=agency)
    if year:
        narrowed = narrowed.filter(year=year)
    rank = Subquery(
        EntryPosting.objects.filter(entry_id=OuterRef("pk"), term__in=terms)
        .values("entry_id")
        .annotate(total=Sum("score"))
        .values("total")[:1]
    )
    found = list(narrowed.annotate(rank=rank).order_by("-rank", "pk")[:limit])
    facets = {
        "topic": _facet(entries, "topic"),
        "kind": _facet(entries, "kind"),
        "year": [(str(y), n) for y, n in _facet(entries.exclude(year=None), "year")],
    }
    total = narrowed.count()
    return Found(found, total, total >= CANDIDATES, facets)


def _facet(entries: QuerySet[Entry], field: str) -> list[tuple[str, int]]:
    rows = entries.values(field).annotate(n=Count("pk")).order_by("-n", field)[:20]
    return [(row[field], row["n"]) for row in rows]
