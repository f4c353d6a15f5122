"""Keep the search index in step with plans: called by the plan services inside their transactions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import connection, models, transaction

from servq.agencies.rules import Role
from servq.agencies.selectors import roles_of
from servq.core import audit, changes, search_kinds
from servq.core.actors import Actor
from servq.core.errors import ServiceError
from servq.core.validators import MARKUP
from servq.plans.models import Plan, PlanItem, PlanStatus
from servq.plans.selectors import framework_paths
from servq.search.models import (
    Entry,
    EntryPosting,
    Rebuild,
    RebuildChange,
    SearchDocument,
    SearchPosting,
    Synonym,
)
from servq.search.rules import (
    SYNONYMS_CACHE_KEY,
    fold_variants,
    index_terms,
    synonym_group,
    synonym_problem,
    term_scores,
    terms_of_folded,
)


def _document(item: PlanItem, plan: Plan, path: list[str]) -> tuple[SearchDocument, dict[str, float]]:
    units = [u.name for u in item.units.all()]
    own = [t for part in (item.text, item.actions, item.expected_benefit) for t in index_terms(part)]
    context = [t for part in (plan.title, *path, *units, item.deadline_raw) for t in index_terms(part)]
    document = SearchDocument(
        item=item,
        plan=plan,
        agency_id=plan.agency_id,
        program_id=plan.program_id,
        node_id=item.node_id,
        first_year=plan.first_year,
        last_year=plan.last_year,
        status=plan.status,
        unit_names="、".join(units)[:1000],
        terms=" ".join(own),
        context_terms=" ".join(context),
    )
    return document, term_scores([own, context])


@transaction.atomic
@changes.listen("plan.status")
def plan_status_changed(*, plan: Plan) -> None:
    SearchDocument.objects.filter(plan=plan).update(status=plan.status)
    entries = Entry.objects.filter(kind=PLAN_ITEMS, key__startswith=f"{plan.pk}:")
    entries.update(public=plan.status == PlanStatus.PUBLISHED)
    note_for_rebuild(PLAN_ITEMS, list(entries.values_list("key", flat=True)))


@changes.listen("plan.contents")
def plan_contents_changed(*, plan: Plan) -> None:
    reindex_plan(plan=plan)
    reindex_plan_entries(plan)


PLAN_ITEMS = "plans.item"


def reindex_plan_entries(plan: Plan) -> int:
    """A plan's items in the platform index in step: the changed ones written again, the deleted
    ones gone (their keys are among those indexed)."""
    indexed = Entry.objects.filter(kind=PLAN_ITEMS, key__startswith=f"{plan.pk}:").values_list(
        "key", flat=True
    )
    keys = {f"{plan.pk}:{pk}" for pk in plan.items.values_list("pk", flat=True)} | set(indexed)
    return reindex_entries(PLAN_ITEMS, sorted(keys)) if keys else 0


def reindex_plan(*, plan: Plan, rewrite: bool = False) -> int:
    """Bring the plan's documents and postings in step with its items; returns how many items it
    holds. Only the documents that changed are written again (a save announces the whole plan),
    unless ``rewrite``, after the tokeniser changed."""
    nodes = framework_paths(list(plan.nodes.all()) + (list(plan.parent.nodes.all()) if plan.parent else []))
    items = plan.items.prefetch_related("units")
    built = [_document(item, plan, nodes.get(item.node_id, []) if item.node_id else []) for item in items]
    stored = {} if rewrite else _held(SearchDocument.objects.filter(plan=plan), "item_id", DOCUMENT_FIELDS)
    changed = [
        (document, scores)
        for document, scores in built
        if stored.get(document.item_id) != _fields_of(document)
    ]
    kept = {document.item_id for document, _ in built} - {document.item_id for document, _ in changed}
    SearchDocument.objects.filter(plan=plan).exclude(item_id__in=kept).delete()
    documents = SearchDocument.objects.bulk_create([document for document, _ in changed], batch_size=1000)
    _insert_postings((document.pk, scores) for document, (_, scores) in zip(documents, changed, strict=True))
    return len(built)


# What a plan-search document holds besides its item: equal, its postings are equal too.
DOCUMENT_FIELDS = (
    "plan_id",
    "agency_id",
    "program_id",
    "node_id",
    "first_year",
    "last_year",
    "status",
    "unit_names",
    "terms",
    "context_terms",
)


def _fields_of(document: SearchDocument) -> tuple[Any, ...]:
    return tuple(getattr(document, field) for field in DOCUMENT_FIELDS)


def _held(rows: models.QuerySet[Any], key: str, fields: tuple[str, ...]) -> dict[Any, tuple[Any, ...]]:
    """What the index holds for each of these rows, by key: the fields' values, in their order.
    A document whose values are these is left as it is."""
    return {values[0]: tuple(values[1:]) for values in rows.values_list(key, *fields)}


POSTINGS_BATCH = 10_000


def _insert_postings(
    postings: Iterable[tuple[int, dict[str, float]]], model: type[models.Model] = SearchPosting
) -> None:
    """Each document's terms and weights as posting rows: a 5,000-item plan has ~500,000, too many
    for model instances. PostgreSQL takes them by COPY (measured 7.6 s with executemany, well under
    1 s with COPY), a document's postings as one block of text (posting_lines)."""
    table = model._meta.db_table
    owner = "document_id" if model is SearchPosting else "entry_id"
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {table} (term, {owner}, score) FROM STDIN"  # constant SQL, no user text
            ) as copy,
        ):
            for pk, scores in postings:
                copy.write(posting_lines(pk, scores))
        return
    sql = f"INSERT INTO {table} (term, {owner}, score) VALUES (%s, %s, %s)"  # noqa: S608 — constant
    batch: list[tuple[str, int, float]] = []
    with connection.cursor() as cursor:
        for pk, scores in postings:
            batch += [(term, pk, score) for term, score in scores.items()]
            if len(batch) >= POSTINGS_BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def posting_lines(pk: int, scores: dict[str, float]) -> str:
    """A document's postings as COPY text, a line each: term, document, weight. Terms are CJK
    characters or [a-z0-9] words (rules.terms_of_folded), so nothing in them needs escaping; a
    document's weights take a few values, each written out once (formatting a float per posting
    was the writer's costliest step: 8 of 15 s for 20,000 documents)."""
    tail = f"\t{pk}\t"
    endings = {score: f"{tail}{score}\n" for score in set(scores.values())}
    return "".join([term + endings[score] for term, score in scores.items()])


def reindex_plans(plans: Iterable[Plan]) -> int:
    return sum(reindex_plan(plan=plan, rewrite=True) for plan in plans)


def reindex_all() -> int:
    return reindex_plans(Plan.objects.select_related("parent").order_by("pk"))


# --- the platform index: every kind of document (core.search_kinds) -------------------------------

# A document's title weighs three times its text: a FAQ's question, a service's name.
ENTRY_WEIGHTS = (3.0, 1.0)
ENTRY_TEXT_LIMIT = 4000


@changes.listen("search.documents")
def documents_changed(*, kind: str, keys: list[str]) -> None:
    reindex_entries(kind, keys)


def reindex_entries(kind: str, keys: list[str], *, rewrite: bool = False) -> int:
    """Bring these documents' entries and postings in step with their sources; returns how many
    were written. A changed one is rewritten, a deleted or no longer readable one goes, an unchanged
    one stays as it is (a plan of 300 items saved for one edit rewrites one entry, not 300: at a
    million documents each costs ~13 ms) — unless ``rewrite``, after the tokeniser changed."""
    registered = search_kinds.kinds().get(kind)
    topic = registered.classification if registered else ""
    documents = registered.read(keys) if registered and keys else []
    if not rewrite:
        unchanged = _unchanged(kind, topic, documents)
        documents = [document for document in documents if document.key not in unchanged]
        keys = [key for key in keys if key not in unchanged]
    Entry.objects.filter(kind=kind, key__in=keys).delete()
    note_for_rebuild(kind, keys)
    return write_entries(kind, topic, documents)


def _unchanged(kind: str, topic: str, documents: list[search_kinds.Document]) -> set[str]:
    """The keys of the documents whose entries hold what they would be written with now."""
    stored = _held(Entry.objects.filter(kind=kind, key__in=[d.key for d in documents]), "key", STORED_FIELDS)
    return {
        document.key
        for document in documents
        if stored.get(document.key) == tuple(_stored_fields(document, topic)[f] for f in STORED_FIELDS)
    }


STORED_FIELDS = ("title", "text", "url", "agency_path", "public", "year", "topic")


def _stored_fields(document: search_kinds.Document, topic: str) -> dict[str, Any]:
    """What an entry keeps of its document (the postings follow from title and text)."""
    return {
        "title": document.title[:300],
        "text": document.text[:ENTRY_TEXT_LIMIT],
        "url": document.url[:300],
        "agency_path": document.agency_path,
        "public": document.public,
        "year": document.year,
        "topic": document.topic or topic,
    }


REBUILD_LOCK = 230_023  # the advisory lock a running rebuild holds (services/rebuild.py)


def _rebuild_running() -> bool:
    """Whether a rebuild holds its lock: its mark outlives a rebuild that was killed."""
    if connection.vendor != "postgresql":
        return True  # SQLite's rebuild sets no mark
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 "
            "AND objid = %s AND objsubid = 1 AND granted)",
            [REBUILD_LOCK],
        )
        return bool(cursor.fetchone()[0])


def note_for_rebuild(kind: str, keys: list[str]) -> None:
    """While a full rebuild runs (services.rebuild), note the documents just written for it to write
    again into its fresh tables. Asked after taking the entries' write lock: a writer that took it
    before the rebuild began has ended by then (rebuild.begin waits for it), one that took it after
    sees the rebuild's mark."""
    if not keys:
        return
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE search_entry IN ROW EXCLUSIVE MODE")  # held already, as a rule
    rebuilds = list(Rebuild.objects.values_list("pk", flat=True))
    if rebuilds and not _rebuild_running():
        return  # the mark of a rebuild that was killed: the next one clears it
    RebuildChange.objects.bulk_create(
        [RebuildChange(rebuild_id=rebuild, kind=kind, key=key) for rebuild in rebuilds for key in keys],
        batch_size=1000,
    )


def entry_of(kind: str, topic: str, document: search_kinds.Document) -> tuple[Entry, dict[str, float]]:
    """A document's entry (unsaved) and its terms' weights, as every writer of the index makes them."""
    fields = _stored_fields(document, topic)
    folded_title, folded_text = fold_variants(fields["title"]), fold_variants(fields["text"])
    # As fold_variants(f"{title}\n{text}"), the line break a space: folded once for terms and phrases.
    entry = Entry(kind=kind, key=document.key, folded=f"{folded_title} {folded_text}", **fields)
    return entry, term_scores([terms_of_folded(folded_title), terms_of_folded(folded_text)], ENTRY_WEIGHTS)


def write_entries(kind: str, topic: str, documents: list[search_kinds.Document]) -> int:
    """These documents' entries and postings, written (the caller removed any older ones)."""
    built = [entry_of(kind, topic, document) for document in documents]
    entries = Entry.objects.bulk_create([entry for entry, _ in built], batch_size=1000)
    _insert_postings(
        ((entry.pk, scores) for entry, (_, scores) in zip(entries, built, strict=True)), EntryPosting
    )
    return len(entries)


def reindex_kind(kind: str, batch: int = 2000) -> int:
    """A kind rebuilt batch by batch, each in its own transaction: searching goes on meanwhile, and
    only the batch being written is briefly missing."""
    registered = search_kinds.kinds()[kind]
    keys = [str(k) for k in registered.every_key()]
    written = 0
    for start in range(0, len(keys), batch):
        with transaction.atomic():
            written += reindex_entries(kind, keys[start : start + batch], rewrite=True)
    stale = sorted(set(Entry.objects.filter(kind=kind).values_list("key", flat=True)) - set(keys))
    for start in range(0, len(stale), batch):
        with transaction.atomic():
            Entry.objects.filter(kind=kind, key__in=stale[start : start + batch]).delete()
            note_for_rebuild(kind, stale[start : start + batch])
    return written


def reindex_every_kind() -> int:
    return sum(reindex_kind(kind) for kind in search_kinds.kinds())


# --- synonyms the body keeps ---------------------------------------------------------------------

MAX_SYNONYM_LINES = 500


class SynonymError(ServiceError):
    pass


@transaction.atomic
def save_synonyms(*, by: Actor, text: str) -> list[Synonym]:
    """Replace the synonym list with ``text``, one group a line (「身分證，國民身分證」). All or
    nothing: a line that cannot be kept refuses the whole list, naming the line."""
    SynonymError.require(
        getattr(by, "is_superuser", False) or Role.SUPERVISOR in roles_of(by),
        "只有督導機關人員可以維護同義詞。",
    )
    lines = [line.strip() for line in text.splitlines()]
    SynonymError.require(len(lines) <= MAX_SYNONYM_LINES, f"同義詞最多 {MAX_SYNONYM_LINES} 行。", "text")
    groups: list[list[str]] = []
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        SynonymError.require(not MARKUP.search(line), f"第 {number} 行：請輸入純文字。", "text")
        words = synonym_group(line)
        problem = synonym_problem(words)
        SynonymError.require(not problem, f"第 {number} 行：{problem}", "text")
        groups.append(words)
    before = list(Synonym.objects.values_list("words", flat=True))
    Synonym.objects.all().delete()
    kept = Synonym.objects.bulk_create(
        [Synonym(words=", ".join(words), position=n) for n, words in enumerate(groups)]
    )
    # Dropped now and again once committed: a search between the two may cache the old list.
    cache.delete(SYNONYMS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(SYNONYMS_CACHE_KEY))
    audit.record(
        by=by,
        action="search.synonyms",
        obj=audit.Subject("search.synonym", "", "同義詞"),
        before={"groups": before},
        after={"groups": [s.words for s in kept]},
    )
    return kept
