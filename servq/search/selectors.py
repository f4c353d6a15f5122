"""Ranked search over plan items, on PostgreSQL (tsvector + GIN) and SQLite (FTS5) alike."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet
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

CANDIDATES = 1000  # postings of the rarest term read, best first: the bound on every query's work
RAREST_BOUND = 5000  # each term's postings counted up to this to find the rarest


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
        return EntryPosting.objects.filter(term=term).values("score")[:RAREST_BOUND].count()

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
    """Entries holding every term of the query (and each phrase as written), best first. The work is
    bounded and index-driven: the rarest term's best postings are the candidates (one range scan),
    each other term is looked up among them only (one probe query a term), and the reach, the
    phrases, the facets and the ranking are worked out once over that set."""
    folded = fold_variants(query)[: MAX_QUERY_LENGTH * 2]
    terms = [t for t in query_terms(folded) if len(t) <= 40][:12]
    if not terms:
        return Found([], 0, False, {"topic": [], "kind": [], "year": []})
    rarest = _rarest(terms) if len(terms) > 1 else terms[0]
    best_first = EntryPosting.objects.filter(term=rarest).order_by("-score")
    rank = dict(best_first.values_list("entry_id", "score")[:CANDIDATES])
    capped = len(rank) >= CANDIDATES
    candidates = best_first.values("entry_id")[:CANDIDATES]  # the same set, as a subquery
    for term in terms:
        if term == rarest or not rank:
            continue
        found_also = _postings_among(term, list(rank))
        rank = {pk: score + found_also[pk] for pk, score in rank.items() if pk in found_also}
    rows = Entry.objects.filter(pk__in=candidates).filter(_reach(user))
    for phrase in phrases(query):
        rows = rows.filter(folded__contains=phrase)  # on the bounded set, in the database
    matches = [row for row in rows.values("pk", "kind", "topic", "year", "agency_path") if row["pk"] in rank]
    facets = {
        "topic": _count(row["topic"] for row in matches),
        "kind": _count(row["kind"] for row in matches),
        "year": _count(str(row["year"]) for row in matches if row["year"]),
    }
    chosen = [
        row
        for row in matches
        if (not kind or row["kind"] == kind)
        and (not topic or row["topic"] == topic)
        and (not agency or row["agency_path"].startswith(agency))
        and (not year or row["year"] == year)
    ]
    best = sorted(chosen, key=lambda row: (-rank[row["pk"]], row["pk"]))[:limit]
    entries = Entry.objects.in_bulk([row["pk"] for row in best])
    return Found([entries[row["pk"]] for row in best], len(chosen), capped, facets)


# Constant SQL; the term and the candidates travel as bound parameters. Joining the candidates as a
# relation makes PostgreSQL probe the (entry, term) index once per candidate; given them as an IN
# list it read the term's whole posting list instead (95,000 rows for 服務: 600 ms).
PROBE = (
    "SELECT p.entry_id, p.score FROM unnest(%s::integer[]) AS c(id) "
    "JOIN search_entryposting p ON p.entry_id = c.id AND p.term = %s"
)


def _postings_among(term: str, entry_ids: list[int]) -> dict[int, float]:
    """The term's weight in each of these entries that holds it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(PROBE, [entry_ids, term])
            return dict(cursor.fetchall())
    return dict(
        EntryPosting.objects.filter(term=term, entry_id__in=entry_ids).values_list("entry_id", "score")
    )


def _count(values: Iterable[str]) -> list[tuple[str, int]]:
    return Counter(values).most_common(20)
