"""A full rebuild of the platform index (services.rebuild): the same entries and answers as the
writers give, the live tables' names, keys and indexes kept, searching meanwhile, and nothing
written during the rebuild lost."""

from __future__ import annotations

import pytest
from django.db import connection

from servq.core.errors import ServiceError
from servq.faq import services as faq
from servq.faq.models import Entry as FaqEntry
from servq.search import selectors
from servq.search.models import Entry, EntryPosting, Rebuild
from servq.search.services import rebuild

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite rewrites kind by kind (reindex_every_kind)"
)


def another_connection():
    import psycopg

    params = connection.get_connection_params()
    return psycopg.connect(
        **{k: params[k] for k in ("dbname", "user", "host", "port", "password") if params.get(k)}
    )


def snapshot():
    entries = sorted(Entry.objects.values_list("kind", "key", "title", "public", "agency_path", "topic"))
    postings = sorted(EntryPosting.objects.values_list("entry__kind", "entry__key", "term", "score"))
    return entries, postings


def structure():
    """Each table's constraints and indexes by name, with what they cover."""
    with connection.cursor() as cursor:
        return {
            table: {
                name: (found["columns"], found["primary_key"], found["unique"], found["foreign_key"])
                for name, found in connection.introspection.get_constraints(cursor, table).items()
            }
            for table in rebuild.LIVE
        }


def test_a_rebuild_writes_what_the_writers_wrote(world):
    before = snapshot()
    answers = [e.title for e in selectors.find(None, "納稅證明").entries]
    assert answers, "the world has documents to find"

    assert rebuild.rebuild_index() == len(before[0])

    assert snapshot() == before
    assert [e.title for e in selectors.find(None, "納稅證明").entries] == answers
    assert not Rebuild.objects.exists()


@postgresql_only
def test_the_live_tables_keep_their_names_keys_and_indexes(world):
    before = structure()
    rebuild.rebuild_index()
    assert structure() == before
    faq.save_entry(
        by=world["coordinator"],
        agency=FaqEntry.objects.first().agency,
        question="重建後新增的問題",
        answer="可",
        published=True,
    )
    assert "重建後新增的問題" in [e.title for e in selectors.find(None, "重建後").entries], "ids go on"


@postgresql_only
def test_searching_goes_on_and_changes_made_meanwhile_are_kept(world):
    question = FaqEntry.objects.get(question="納稅證明可以線上申請嗎？")
    draft = FaqEntry.objects.get(question__startswith="內部草稿")
    with rebuild.one_at_a_time():
        marked = rebuild.begin()
        rebuild.fill()
        # While the fresh tables wait to be swapped in, the live ones answer, and writers carry on.
        assert "納稅證明可以線上申請嗎？" in [e.title for e in selectors.find(None, "線上申請").entries]
        faq.save_entry(
            by=world["coordinator"],
            agency=question.agency,
            entry=question,
            question="納稅證明如何線上申請？",
            answer="可以，使用自然人憑證。",
            published=True,
        )
        draft.delete()  # gone by any path: the kind follows deletes
        rebuild.swap(marked)

    titles = {e.title for e in selectors.find(world["coordinator"], "納稅證明").entries}
    assert "納稅證明如何線上申請？" in titles
    assert "納稅證明可以線上申請嗎？" not in titles
    assert not any(title.startswith("內部草稿") for title in titles)
    assert not Entry.objects.filter(kind="faq.entry", key=str(draft.pk)).exists()


@postgresql_only
def test_one_rebuild_at_a_time(world):
    with another_connection() as other:  # a rebuild running elsewhere
        other.execute("SELECT pg_advisory_lock(%s)", [rebuild.REBUILD_LOCK])
        with pytest.raises(ServiceError, match="正在進行"):
            rebuild.rebuild_index()


@postgresql_only
def test_the_swap_gives_way_to_a_search_holding_a_table_and_tries_again(world):
    import threading
    import time

    with rebuild.one_at_a_time():
        marked = rebuild.begin()
        rebuild.fill()
    holding, release = threading.Event(), threading.Event()

    def search_holding_the_postings():  # as a search is, between locking the postings and the entries
        with another_connection() as other:
            other.execute("SELECT 1 FROM search_entryposting LIMIT 1")
            holding.set()
            release.wait(10)

    searcher = threading.Thread(target=search_holding_the_postings)
    searcher.start()
    holding.wait(10)
    threading.Timer(1.0, release.set).start()
    started = time.monotonic()
    rebuild.swap(marked)
    searcher.join()

    assert time.monotonic() - started >= 0.9, "it waited for the search, trying again"
    assert "納稅證明可以線上申請嗎？" in [e.title for e in selectors.find(None, "線上申請").entries]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_saves_on_other_connections_during_a_rebuild_are_all_in_the_index(world, monkeypatch):
    import threading
    import time

    question = FaqEntry.objects.get(question="納稅證明可以線上申請嗎？")
    saved: list[int] = []
    stop = threading.Event()

    def keep_saving():
        try:
            while not stop.is_set():
                current = FaqEntry.objects.get(pk=question.pk)
                faq.save_entry(
                    by=world["coordinator"],
                    agency=current.agency,
                    entry=current,
                    question=current.question,
                    answer=f"第 {len(saved) + 1} 版回答",
                    published=True,
                )
                saved.append(len(saved) + 1)
        finally:
            connection.close()

    fill = rebuild.fill

    def fill_then_let_saves_happen() -> int:  # the window between the fill and the swap, held open
        written = fill()
        before = len(saved)
        deadline = time.monotonic() + 10
        while len(saved) < before + 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        return written

    monkeypatch.setattr(rebuild, "fill", fill_then_let_saves_happen)
    writer = threading.Thread(target=keep_saving)
    writer.start()
    try:
        rebuild.rebuild_index()
    finally:
        stop.set()
        writer.join()

    latest = FaqEntry.objects.get(pk=question.pk)
    assert len(saved) >= 3
    indexed = Entry.objects.filter(kind="faq.entry", key=str(question.pk)).values_list("text", flat=True)
    assert list(indexed) == [f"{latest.answer}\n{latest.legal_basis}"]


@postgresql_only
def test_the_mark_of_a_killed_rebuild_is_ignored(world):
    from servq.search.models import RebuildChange

    Rebuild.objects.create()  # left by a rebuild that was killed: nobody holds the lock
    question = FaqEntry.objects.get(question="納稅證明可以線上申請嗎？")
    save = {"by": world["coordinator"], "agency": question.agency, "entry": question, "published": True}
    faq.save_entry(question="納稅證明如何線上申請？", answer="可以。", **save)
    assert not RebuildChange.objects.exists()

    with another_connection() as other:  # a rebuild running elsewhere holds it
        other.execute("SELECT pg_advisory_lock(%s)", [rebuild.REBUILD_LOCK])
        faq.save_entry(question="納稅證明線上申請方式", answer="可以。", **save)
    assert RebuildChange.objects.filter(key=str(question.pk)).exists()


@postgresql_only
def test_a_document_that_fails_midway_leaves_the_live_index_as_it_was(world, monkeypatch):
    before = snapshot()
    real_entry_of = rebuild.entry_of

    def entry_of(kind, topic, document):  # runs in the tokenising thread
        if kind == "faq.entry":
            raise ValueError(f"cannot read {kind}:{document.key}")
        return real_entry_of(kind, topic, document)

    monkeypatch.setattr(rebuild, "entry_of", entry_of)
    with pytest.raises(ValueError, match=r"cannot read faq\.entry"):
        rebuild.rebuild_index()

    assert snapshot() == before
    tables = connection.introspection.table_names()
    assert not [table for table in tables if table.endswith("_next")]
    assert [e.title for e in selectors.find(None, "納稅證明").entries]
