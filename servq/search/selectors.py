"""Ranked search over plan items, on PostgreSQL (tsvector + GIN) and SQLite (FTS5) alike."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from servq.agencies.rules import reach_prefixes
from servq.agencies.selectors import grants_of, places_near, reach_q
from servq.core import search_kinds
from servq.plans.models import PlanStatus
from servq.search.models import Entry, EntryPosting, SearchDocument, Synonym
from servq.search.rules import (
    MAX_QUERY_LENGTH,
    SYNONYMS_CACHE_KEY,
    fold_variants,
    highlight_spans,
    query_terms,
    query_variants,
    quoted_phrases,
    required_matches,
    runs_to_prefer,
    synonym_group,
)

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

CANDIDATES = 300  # best postings read for each seed term: the bound on every query's work
RAREST_BOUND = 2000  # each term's postings counted up to this to find the rarest
WHOLE_RUN_BONUS = 100.0  # a result holding 「低收入戶」 as written ranks above one holding its pairs apart


@dataclass
class Found:
    entries: Sequence[Entry]
    total: int  # matches among the candidates
    capped: bool  # a seed term had more postings than were read: "found N or more"
    facets: dict[str, list[tuple[str, int]]]
    variants: list[str]  # the query as searched: folded, and with each synonym in place (for <mark>)


@dataclass(frozen=True)
class Reach:
    """What of the index a reader may see, as the query takes it. Public entries for everyone. A
    kind that says who may read its other documents (Kind.may_read: the rule its own permission
    asks) is read at exactly the (kind, place) pairs that rule allows; every other kind within the
    reader's agency reach."""

    everything: bool = False
    exact: tuple[str, ...] = ()
    subtrees: tuple[str, ...] = ()
    guarded: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()


def reach_of(user: Any) -> Reach:
    guarded = {key: kind.may_read for key, kind in search_kinds.kinds().items() if kind.may_read}
    if getattr(user, "is_superuser", False):
        return Reach(everything=True)
    if not getattr(user, "is_authenticated", False):
        return Reach(guarded=tuple(sorted(guarded)))
    grants = grants_of(user)
    exact, subtrees = reach_prefixes(grants)
    near = places_near(user)  # read once, asked of every guarded kind's rule
    pairs = tuple(
        (key, place.path)
        for key, may_read in sorted(guarded.items())
        for place in near
        if may_read(grants, place)
    )
    return Reach(False, tuple(sorted(exact)), tuple(sorted(subtrees)), tuple(sorted(guarded)), pairs)


def _reach_q(reach: Reach) -> Q:
    """Reach as a filter on Entry (SQLite's way; PostgreSQL's statement takes the same Reach)."""
    if reach.everything:
        return Q()
    general = Q(agency_path__in=reach.exact) if reach.exact else Q(pk__in=[])
    for subtree in reach.subtrees:
        general |= Q(agency_path__startswith=subtree)
    visible = Q(public=True) | (~Q(kind__in=reach.guarded) & general)
    by_kind: dict[str, list[str]] = {}
    for kind, path in reach.pairs:
        by_kind.setdefault(kind, []).append(path)
    for kind, paths in by_kind.items():
        visible |= Q(kind=kind, agency_path__in=paths)
    return visible


def synonym_groups() -> list[list[str]]:
    """The body's synonym groups; cached (a query costs a round trip each search), dropped by
    services.save_synonyms when the list changes, and at most five minutes old in any case."""

    def read() -> list[list[str]]:
        return [synonym_group(words) for words in Synonym.objects.values_list("words", flat=True)]

    groups = cache.get_or_set(SYNONYMS_CACHE_KEY, read, 300)
    return groups if isinstance(groups, list) else read()


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
    """Entries matching the query, or a synonym's version of it, best first, within the user's reach;
    the classified facets (主題/施政/服務, kind, year, agency) counted over every match."""
    folded = fold_variants(query)[: MAX_QUERY_LENGTH * 2]
    matches: dict[int, dict[str, Any]] = {}
    capped = False
    matching = _entries_matching_in_one_query if connection.vendor == "postgresql" else _entries_matching
    variants = query_variants(folded, synonym_groups())
    reach = reach_of(user)  # once for the query, not once per synonym variant
    for variant in variants:
        rows, variant_capped = matching(variant, reach)
        capped |= variant_capped
        for row in rows:
            if row["pk"] not in matches or matches[row["pk"]]["rank"] < row["rank"]:
                matches[row["pk"]] = row
    facets = {
        "topic": _count(row["topic"] for row in matches.values()),
        "kind": _count(row["kind"] for row in matches.values()),
        "year": _count(str(row["year"]) for row in matches.values() if row["year"]),
        "agency": _count(row["agency_path"] for row in matches.values() if row["agency_path"]),
    }
    chosen = [
        row
        for row in matches.values()
        if (not kind or row["kind"] == kind)
        and (not topic or row["topic"] == topic)
        and (not agency or row["agency_path"].startswith(agency))
        and (not year or row["year"] == year)
    ]
    best = sorted(chosen, key=lambda row: (-row["rank"], row["pk"]))[:limit]
    entries = Entry.objects.defer("folded").in_bulk([row["pk"] for row in best])
    return Found([entries[row["pk"]] for row in best], len(chosen), capped, facets, variants)


def _shape(query: str) -> tuple[list[str], int, int]:
    """The query's terms (at most 12), how many a result must hold, and how many of the rarest are
    the seeds: a result holding ``needed`` of N terms holds one of any N − needed + 1."""
    terms = query_terms(query)[:12]
    needed = required_matches(len(terms))
    return terms, needed, len(terms) - needed + 1


def _entries_matching(query: str, reach: Reach) -> tuple[list[dict[str, Any]], bool]:
    """Entries holding enough of the query's terms (rules.required_matches) and every quoted phrase,
    each with its ``rank``. The work is bounded and index-driven: a result holding the required
    number of N terms holds at least one of any N − required + 1 of them, so the best postings of
    that many of the rarest terms are the candidates (range scans, counted only up to RAREST_BOUND);
    the other terms are looked up among those candidates only (one probe query); phrases are checked against the text
    only for candidates holding all their pairs. SQLite's way; PostgreSQL runs the same rule as one
    statement (MATCHING), and a test holds the two to the same answers."""
    terms, needed, seeds = _shape(query)
    if not terms:
        return [], False
    per_seed = CANDIDATES // seeds
    best = _best_of_rarest(terms, seeds, per_seed)
    capped = any(len(postings) >= per_seed for postings in best.values())
    held: dict[int, dict[str, float]] = {}
    for term, postings in best.items():
        for pk, score in postings.items():
            held.setdefault(pk, {})[term] = score
    # A seed's list is complete unless it was cut at per_seed: then it may miss candidates another
    # seed brought, and is asked about them with the other terms.
    to_ask = [t for t in terms if t not in best or (len(best[t]) >= per_seed and len(best) > 1)]
    if to_ask and held:
        for pk, term, score in _postings_among(to_ask, list(held)):
            held[pk].setdefault(term, score)
    # BM25-style weights summed, scaled by the share of the query's terms the entry holds.
    scores = {pk: sum(f.values()) * len(f) / len(terms) for pk, f in held.items() if len(f) >= needed}
    for phrase in quoted_phrases(query):
        written = _holding_as_written(phrase, held)
        scores = {pk: score for pk, score in scores.items() if pk in written}
    for run in runs_to_prefer(query)[:4]:
        for pk in _holding_as_written(run, held):
            if pk in scores:
                scores[pk] += WHOLE_RUN_BONUS
    if not scores:
        return [], capped
    visible = Entry.objects.filter(pk__in=list(scores)).filter(_reach_q(reach))
    rows: list[dict[str, Any]] = [
        dict(row) for row in visible.values("pk", "kind", "topic", "year", "agency_path")
    ]
    for row in rows:
        row["rank"] = scores[row["pk"]]
    return rows, capped


# The whole of _entries_matching as one statement, for PostgreSQL: one round trip instead of five.
# The seeds are the terms with the fewest postings, each counted only up to RAREST_BOUND (an
# index-only count that stops early); their best postings are read off the (term, -score) index.
# Constant SQL; terms, phrases, runs and the reader's reach travel as bound parameters.
MATCHING = """
WITH counted AS (
    SELECT t.term, t.position, (
        SELECT count(*) FROM (SELECT 1 FROM search_entryposting p WHERE p.term = t.term LIMIT %(bound)s) AS b
    ) AS postings
    FROM unnest(%(terms)s::text[]) WITH ORDINALITY AS t(term, position)
), seeds AS (
    SELECT term, postings FROM counted ORDER BY postings, position LIMIT %(seeds)s
), best AS (
    SELECT b.entry_id, b.score FROM seeds s, LATERAL (
        SELECT p.entry_id, p.score FROM search_entryposting p WHERE p.term = s.term
        ORDER BY p.score DESC LIMIT %(per_seed)s
    ) AS b
), held AS (
    -- One term: its best postings are the answer. More: every term probed among the candidates.
    SELECT entry_id, 1 AS found, score AS total FROM best WHERE %(term_count)s = 1
    UNION ALL
    -- Each candidate probes the (entry, term) index; as a plain join the planner read every posting
    -- of the query's terms instead (50,000 rows for eight characters: 55 ms).
    SELECT c.entry_id, count(*), sum(p.score)
    FROM (SELECT DISTINCT entry_id FROM best) AS c, LATERAL (
        SELECT score FROM search_entryposting WHERE entry_id = c.entry_id AND term = ANY(%(terms)s::text[])
        OFFSET 0  -- kept a subquery: not flattened into the join above
    ) AS p
    WHERE %(term_count)s > 1
    GROUP BY c.entry_id HAVING count(*) >= %(needed)s
)
SELECT e.id, e.kind, e.topic, e.year, e.agency_path,
       h.total * h.found / %(term_count)s
       + %(bonus)s * (SELECT count(*) FROM unnest(%(runs)s::text[]) AS r(run) WHERE strpos(e.folded, r.run) > 0),
       (SELECT max(postings) FROM seeds) >= %(per_seed)s
FROM held h JOIN search_entry e ON e.id = h.entry_id
WHERE (%(everything)s OR e.public
       OR (e.kind <> ALL(%(guarded)s::text[])
           AND (e.agency_path = ANY(%(exact)s::text[]) OR e.agency_path LIKE ANY(%(subtrees)s::text[])))
       OR (e.kind, e.agency_path) IN (SELECT * FROM unnest(%(pair_kinds)s::text[], %(pair_paths)s::text[])))
  AND NOT EXISTS (SELECT 1 FROM unnest(%(phrases)s::text[]) AS q(phrase) WHERE strpos(e.folded, q.phrase) = 0)
"""


def _entries_matching_in_one_query(query: str, reach: Reach) -> tuple[list[dict[str, Any]], bool]:
    """_entries_matching's rule, worked out by PostgreSQL in one statement."""
    terms, needed, seeds = _shape(query)
    if not terms:
        return [], False
    parameters: dict[str, Any] = {
        "bound": RAREST_BOUND,
        "terms": terms,
        "seeds": seeds,
        "per_seed": CANDIDATES // seeds,
        "needed": needed,
        "term_count": len(terms),
        "bonus": WHOLE_RUN_BONUS,
        "runs": runs_to_prefer(query)[:4],
        "phrases": quoted_phrases(query),
        "everything": reach.everything,
        "exact": list(reach.exact),
        "subtrees": [_like_prefix(path) for path in reach.subtrees],
        "guarded": list(reach.guarded),
        "pair_kinds": [kind for kind, _ in reach.pairs],
        "pair_paths": [path for _, path in reach.pairs],
    }
    with connection.cursor() as cursor:
        cursor.execute(MATCHING, parameters)
        found = cursor.fetchall()
    rows = [
        {"pk": pk, "kind": kind, "topic": topic, "year": year, "agency_path": path, "rank": rank}
        for pk, kind, topic, year, path, rank, _ in found
    ]
    return rows, bool(found and found[0][6])


def _like_prefix(path: str) -> str:
    return path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _holding_as_written(phrase: str, held: dict[int, dict[str, float]]) -> set[int]:
    """The candidates whose text holds the phrase as written: asked of the database only for those
    holding every pair of it."""
    parts = set(query_terms(phrase))
    holders = [pk for pk, found in held.items() if parts <= found.keys()]
    if not holders:
        return set()
    return set(Entry.objects.filter(pk__in=holders, folded__contains=phrase).values_list("pk", flat=True))


def _best_of_rarest(terms: list[str], seeds: int, how_many: int) -> dict[str, dict[int, float]]:
    """The ``seeds`` rarest terms, each with its best ``how_many`` entries and their weights."""
    postings = EntryPosting.objects.values("score")
    counts = {term: postings.filter(term=term)[:RAREST_BOUND].count() for term in terms}
    rarest = sorted(terms, key=lambda term: (counts[term], terms.index(term)))[:seeds]
    return {
        term: dict(
            EntryPosting.objects.filter(term=term)
            .order_by("-score")
            .values_list("entry_id", "score")[:how_many]
        )
        for term in rarest
    }


def _postings_among(terms: list[str], entry_ids: list[int]) -> list[tuple[int, str, float]]:
    """Which of these terms each of these entries holds, and with what weight."""
    return list(
        EntryPosting.objects.filter(term__in=terms, entry_id__in=entry_ids).values_list(
            "entry_id", "term", "score"
        )
    )


def _count(values: Iterable[str]) -> list[tuple[str, int]]:
    return Counter(values).most_common(20)
