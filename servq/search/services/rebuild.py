"""A full rebuild of the platform index on PostgreSQL: fast, and searching goes on meanwhile.

Written document by document, the index grows at ~280 documents/s: each of a document's ~250
postings updates two B-tree indexes and checks a foreign key. A full rebuild instead writes every
kind into fresh tables that have no index yet (COPY, rows frozen as written), builds their indexes
once, sorted, and swaps them in for the live tables in one short transaction. Searches read the live
tables until the swap; documents written meanwhile are noted by their writers (note_for_rebuild)
and written again inside the swap. docs/decisions/0014-one-platform-search-index.md has the figures.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection, transaction

from servq.core import search_kinds
from servq.core.errors import ServiceError
from servq.search.models import Entry, EntryPosting, Rebuild, RebuildChange
from servq.search.services import (
    REBUILD_LOCK,
    entry_of,
    posting_lines,
    reindex_entries,
    reindex_every_kind,
)

LIVE = (Entry._meta.db_table, EntryPosting._meta.db_table)  # the referenced table first
BATCH = 2000


def rebuild_index() -> int:
    """Every kind's documents indexed afresh; returns how many. Run it outside a transaction (the
    command does): inside one, the wait for writers in begin() would hold them off to the end.
    SQLite, the first-run database with a few thousand documents, rewrites them kind by kind."""
    if connection.vendor != "postgresql":
        return reindex_every_kind()
    with one_at_a_time():
        rebuild = begin()
        try:
            written = fill()
            swap(rebuild)
        except BaseException:
            abandon()
            raise
    return written


@contextmanager
def one_at_a_time() -> Iterator[None]:
    """The advisory lock a rebuild holds while it runs: a second one is refused, and writers know
    by it that the mark they see is of a rebuild still running (services.note_for_rebuild)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [REBUILD_LOCK])
        if not cursor.fetchone()[0]:
            raise ServiceError("另一次搜尋索引重建正在進行，請待它完成。")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [REBUILD_LOCK])


def begin() -> Rebuild:
    """Set the mark writers look for, then wait for the writers already under way, who may not
    have seen it: a SHARE lock is granted only when every transaction writing the entries has ended."""
    with transaction.atomic():
        Rebuild.objects.all().delete()  # the mark of a rebuild that died (one runs at a time)
        rebuild = Rebuild.objects.create()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {LIVE[0]} IN SHARE MODE")
    return rebuild


def fill() -> int:
    """Every kind written into the fresh tables, then their indexes and constraints built."""
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for table in LIVE:
            cursor.execute(f"DROP TABLE IF EXISTS {table}_next")
            cursor.execute(
                f"CREATE TABLE {table}_next (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                "INCLUDING IDENTITY INCLUDING STORAGE)"
            )
        # A thread tokenises the next batch while the server parses this one: Python and the
        # server each had to wait for the other (the thread runs while this one waits on the
        # socket, the GIL released).
        next_id = 1
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-rebuild") as tokeniser:
            pending: Future[list[Built]] | None = None
            for kind, registered in search_kinds.kinds().items():
                keys = [str(key) for key in registered.every_key()]
                for start in range(0, len(keys), BATCH):
                    documents = registered.read(keys[start : start + BATCH])
                    batch = tokeniser.submit(_built, kind, registered.classification, documents, next_id)
                    next_id += len(documents)
                    if pending is not None:
                        written += _copy(cursor, pending.result())
                    pending = batch
            if pending is not None:
                written += _copy(cursor, pending.result())
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{LIVE[0]}_next', 'id'), %s, false)", [next_id])
        # Each index built in one sorted pass where the memory allows (checked a size in settings).
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{settings.SERVQ_SEARCH_REBUILD_MEMORY}'")
        for table in LIVE:
            for statement in _structure_of(cursor, table):
                cursor.execute(statement)
            cursor.execute(f"ANALYZE {table}_next")
    return written


Built = tuple[Entry, str]  # an entry, numbered, and its postings as COPY text


def _built(kind: str, topic: str, documents: list[search_kinds.Document], first_id: int) -> list[Built]:
    """A batch of documents as entries numbered from ``first_id``, with their postings."""
    built = []
    for pk, document in enumerate(documents, start=first_id):
        entry, scores = entry_of(kind, topic, document)
        entry.id = pk
        built.append((entry, posting_lines(pk, scores)))
    return built


ENTRY_COLUMNS = [field.column for field in Entry._meta.concrete_fields]


def _copy(cursor, built: list[Built]) -> int:
    """A batch of entries and their postings, by COPY FREEZE: the rows are visible to all as
    written, so an index-only scan needs no VACUUM first (the tables are this transaction's own)."""
    columns = ", ".join(ENTRY_COLUMNS)
    with cursor.cursor.copy(f"COPY {LIVE[0]}_next ({columns}) FROM STDIN (FREEZE)") as copy:
        for entry, _ in built:
            copy.write_row([getattr(entry, field.attname) for field in Entry._meta.concrete_fields])
    with cursor.cursor.copy(f"COPY {LIVE[1]}_next (term, entry_id, score) FROM STDIN (FREEZE)") as copy:
        for _, postings in built:
            copy.write(postings)
    return len(built)


INDEX_DEFINITION = re.compile(r"^CREATE (UNIQUE )?INDEX (\S+) ON (\S+) ")


def _structure_of(cursor, table: str) -> Iterator[str]:
    """The statements that give the fresh table the live one's keys, indexes and foreign keys, each
    under a name of its own until the swap (index names are unique in the schema)."""
    constraints, indexes = _definitions_of(cursor, table)
    for name, kind, definition in constraints:
        if kind != "f":  # primary and unique keys first: the foreign keys need them
            yield f"ALTER TABLE {table}_next ADD CONSTRAINT {_fresh(name)} {definition}"
    for name, definition in indexes:
        yield INDEX_DEFINITION.sub(rf"CREATE \1INDEX {_fresh(name)} ON {table}_next ", definition)
    for name, kind, definition in constraints:
        if kind == "f":
            for live in LIVE:  # a key to another rebuilt table points to its fresh copy
                definition = definition.replace(f"REFERENCES {live}(", f"REFERENCES {live}_next(")
            yield f"ALTER TABLE {table}_next ADD CONSTRAINT {_fresh(name)} {definition}"


def _definitions_of(cursor, table: str) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """The table's keys and foreign keys (name, kind, definition), and its indexes other than the
    keys' own (name, definition)."""
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype DESC, conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s "
        "ORDER BY indexname",
        [table],
    )
    keys = {name for name, _, _ in constraints}
    return constraints, [(name, definition) for name, definition in cursor.fetchall() if name not in keys]


def _fresh(name: str) -> str:
    return f"{name[:57]}_next"


# Searches lock the postings, then the entries; saves the entries, then the postings. Whichever
# order the swap locks them in, one of them can be caught holding the other table: the swap waits
# less than PostgreSQL's deadlock_timeout (1 s by default), so it is the one to give way, and tries
# again a moment later; a search or a save never fails for it.
SWAP_LOCK_WAIT = "300ms"
SWAP_TRIES = 50


def swap(rebuild: Rebuild) -> None:
    """The fresh tables in place of the live ones, under their names; then the documents written
    since the rebuild began, written again. Searches wait only for this transaction."""
    for attempt in range(1, SWAP_TRIES + 1):
        try:
            _swap(rebuild)
            return
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE or attempt == SWAP_TRIES:
                raise
            time.sleep(min(0.05 * attempt, 1.0))


LOCK_NOT_AVAILABLE = "55P03"


def _swap(rebuild: Rebuild) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{SWAP_LOCK_WAIT}'")
        cursor.execute(f"LOCK TABLE {', '.join(LIVE)} IN ACCESS EXCLUSIVE MODE")
        cursor.execute("SET LOCAL lock_timeout = 0")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # a deferred check pending on a table blocks its drop
        names = {table: _names_of(cursor, table) for table in LIVE}
        changed = defaultdict(set)
        for kind, key in RebuildChange.objects.filter(rebuild=rebuild).values_list("kind", "key"):
            changed[kind].add(key)
        rebuild.delete()
        cursor.execute(f"DROP TABLE {', '.join(reversed(LIVE))}")
        for table in LIVE:
            cursor.execute(f"ALTER TABLE {table}_next RENAME TO {table}")
            constraints, indexes, sequences = names[table]
            for name in constraints:
                cursor.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {_fresh(name)} TO {name}")
            for name in indexes:
                cursor.execute(f"ALTER INDEX {_fresh(name)} RENAME TO {name}")
            for fresh, live in zip(_sequences_of(cursor, table), sequences, strict=True):
                cursor.execute(f"ALTER SEQUENCE {fresh} RENAME TO {live}")
        for kind, keys in changed.items():
            reindex_entries(kind, sorted(keys))


def _names_of(cursor, table: str) -> tuple[list[str], list[str], list[str]]:
    """The live table's constraint names, its other indexes' names and its sequences' names."""
    constraints, indexes = _definitions_of(cursor, table)
    return [name for name, _, _ in constraints], [name for name, _ in indexes], _sequences_of(cursor, table)


def _sequences_of(cursor, table: str) -> list[str]:
    """The sequences the table owns (its identity column's, if it has one)."""
    cursor.execute(
        "SELECT s.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid "
        "WHERE s.relkind = 'S' AND d.refobjid = %s::regclass ORDER BY s.relname",
        [table],
    )
    return [name for (name,) in cursor.fetchall()]


def abandon() -> None:
    """A rebuild that failed leaves the live index as it was: its tables and its mark go."""
    if connection.in_atomic_block:
        return  # inside a caller's transaction: its rollback takes them
    with transaction.atomic(), connection.cursor() as cursor:
        for table in reversed(LIVE):
            cursor.execute(f"DROP TABLE IF EXISTS {table}_next")
        Rebuild.objects.all().delete()
