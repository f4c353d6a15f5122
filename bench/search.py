"""Benchmark the platform search (issue 23) at real size, on PostgreSQL: DOCS documents (100,000 by
default; DOCS=1000000 for the million) whose text is drawn from the five real seed plans' sentences,
spread over 300 agencies and five kinds, a fifth of them internal.

Run: .venv/bin/python bench/search.py      (DOCS=20000 for a quicker run)
Uses DATABASE_URL when set, else postgres://postgres@127.0.0.1:5432/servq_bench_search (created when
missing). Measures the index build in documents a second: the full rebuild (`manage.py
reindex_search`, services/rebuild.py) of the corpus registered as four kinds, and the writer every
save goes through, on a sample; then p50 and p95 of `selectors.find` for queries of one, two, four and eight characters cut from
the corpus, mixed Chinese and ASCII, and a quoted phrase, as a citizen and as a supervisor; and, in
the same run, a naive `LIKE '%…%' LIMIT 20` scan over the same rows. Aims: p95 ≤ 10 ms at 100,000,
≤ 20 ms at 1,000,000; build ≥ 10,000 documents/s. The last line is JSON.
"""

from __future__ import annotations

import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

DOCS = int(os.environ.get("DOCS", "100000"))
RUNS = 60
KINDS = [
    ("services.service", "服務"),
    ("faq.entry", "服務"),
    ("opendata.dataset", "主題"),
    ("plans.item", "施政"),
]


def setup() -> str:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servq_bench_search")
    from _django import setup_django

    return setup_django()


def corpus() -> list[str]:
    """The seed plans' sentences (real text of this family of documents)."""
    from django.conf import settings

    text = "".join(
        path.read_text(encoding="utf-8") for path in sorted(Path(settings.SERVQ_SEEDS_DIR).glob("*.txt"))
    )
    sentences = [s.strip() for s in re.split(r"[。；\n]", text) if len(s.strip()) >= 12]
    return sentences


def bench_document(n: int, sentences: list[str]):
    """Document n of the corpus, the same every time: 2–6 seed sentences, one agency of 300, a fifth
    internal."""
    from servq.core.search_kinds import Document

    rand = random.Random(n)
    return Document(
        key=str(n),
        title=rand.choice(sentences)[:60],
        text="。".join(rand.sample(sentences, rand.randint(2, 6))),
        url=f"/x/{n}",
        agency_path=f"/bench/a{rand.randrange(300):03d}/",
        public=n % 5 != 0,
        year=2020 + n % 7,
    )


def register_kinds(sentences: list[str]) -> None:
    """The corpus as four kinds of the platform search, read as the apps' kinds are."""
    from servq.core import search_kinds

    for index, (kind, topic) in enumerate(KINDS):
        search_kinds.register(
            search_kinds.Kind(
                f"bench.{kind}",
                kind,
                topic,
                lambda keys: [bench_document(int(key), sentences) for key in keys],
                lambda index=index: range(index, DOCS, len(KINDS)),
            )
        )


def build(sentences: list[str]) -> dict[str, float]:
    """The full rebuild (`manage.py reindex_search`), and the writer every save goes through, on a
    sample of 2,000 documents written 100 to a transaction (as bursts of saves are)."""
    from django.db import transaction

    from servq.search.models import Entry
    from servq.search.services import write_entries
    from servq.search.services.rebuild import rebuild_index

    register_kinds(sentences)
    if Entry.objects.exclude(key__startswith="judged-").count() >= DOCS:
        return {}
    started = time.perf_counter()
    written = rebuild_index()
    rebuilt = time.perf_counter() - started
    sample = [bench_document(n, sentences) for n in range(DOCS, DOCS + 2000)]
    started = time.perf_counter()
    for start in range(0, len(sample), 100):
        with transaction.atomic():
            write_entries("bench.sample", "服務", sample[start : start + 100])
    saved = time.perf_counter() - started
    Entry.objects.filter(kind="bench.sample").delete()
    return {
        "rebuild_seconds": round(rebuilt, 1),
        "rebuild_docs_per_s": round(written / rebuilt),
        "incremental_docs_per_s": round(len(sample) / saved),
    }


def queries(sentences: list[str]) -> dict[str, list[str]]:
    rand = random.Random(7)
    cjk = [s for s in sentences if re.fullmatch(r"[\u4e00-\u9fff]{10,}", s[:10])]

    def cut(length: int) -> str:
        sentence = rand.choice(cjk)
        start = rand.randint(0, 10 - length) if length <= 10 else 0
        return sentence[start : start + length]

    return {
        "1 char": [cut(1) for _ in range(20)],
        "2 chars": [cut(2) for _ in range(20)],
        "4 chars": [cut(4) for _ in range(20)],
        "8 chars": [cut(8) for _ in range(20)],
        "mixed": [f"{cut(2)} 1999" for _ in range(10)] + [f"{cut(2)} faq" for _ in range(10)],
        "phrase": [f"「{cut(4)}」" for _ in range(20)],
    }


def judged_ndcg(supervisor) -> dict[str, float]:
    """nDCG@10 of the judged relevance set (tests/search/judged.py), its documents among the others:
    the ranking as it is, and with the set's synonyms kept."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from django.db import transaction

    from servq.core.search_kinds import SERVICE, Document
    from servq.search import selectors, services
    from servq.search.models import Entry, Synonym
    from servq.search.rules import ndcg_at
    from tests.search import judged

    with transaction.atomic():
        Entry.objects.filter(key__startswith="judged-").delete()
        Synonym.objects.all().delete()
        for key, (kind, title, text) in judged.DOCUMENTS.items():
            document = Document(f"judged-{key}", title, text, f"/{key}/", "/judged/", public=True)
            services.write_entries(kind, SERVICE, [document])

    def mean() -> float:
        scores = [
            ndcg_at(
                [e.key.removeprefix("judged-") for e in selectors.find(None, q, limit=10).entries], grades
            )
            for q, grades in judged.JUDGED.items()
        ]
        return round(sum(scores) / len(scores), 3)

    plain = mean()
    with transaction.atomic():
        services.save_synonyms(by=supervisor, text="\n".join(judged.SYNONYMS))
    return {"without_synonyms": plain, "with_synonyms": mean()}


def timed(run, words: list[str]) -> dict[str, float]:
    for word in words:  # one untimed pass: the figures are of a serving database, its pages cached
        run(word)
    times = []
    for n in range(RUNS):
        start = time.perf_counter()
        run(words[n % len(words)])
        times.append((time.perf_counter() - start) * 1000)
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(statistics.quantiles(times, n=20)[-1], 1),
    }


def main() -> None:
    vendor = setup()
    from _django import yardstick
    from django.contrib.auth import get_user_model

    from servq.search import selectors
    from servq.search.models import Entry

    loop_seconds = yardstick()
    print(f"yardstick: a fixed Python loop took {loop_seconds} s on this machine now")
    sentences = corpus()
    built = build(sentences)
    if built:
        print(
            f"full rebuild of {DOCS:,} documents on {vendor}: {built['rebuild_seconds']} s, "
            f"{built['rebuild_docs_per_s']:,} documents/s (aim ≥ 10,000); saved one by one "
            f"(100 a transaction): {built['incremental_docs_per_s']:,} documents/s"
        )
    user_model = get_user_model()
    supervisor = user_model.objects.filter(is_superuser=True).first() or user_model.objects.create_superuser(
        "bench-search", "s@example.gov.tw", None
    )
    ndcg = judged_ndcg(supervisor)
    print(f"nDCG@10 of the 50 judged queries among {DOCS:,} documents: {ndcg}")
    results = {}
    for label, words in queries(sentences).items():
        citizen = timed(lambda q: list(selectors.find(None, q).entries), words)
        staff = timed(lambda q: list(selectors.find(supervisor, q).entries), words)
        naive = timed(
            lambda q: list(Entry.objects.filter(folded__contains=q.strip("「」").split()[0])[:20]), words
        )
        results[label] = {"citizen": citizen, "superuser": staff, "naive_like": naive}
        print(
            f"{label:8}: citizen p50 {citizen['p50_ms']} / p95 {citizen['p95_ms']} ms; superuser p95 "
            f"{staff['p95_ms']} ms; naive LIKE p95 {naive['p95_ms']} ms"
        )
    print(
        json.dumps(
            {
                "bench": "search",
                "database": vendor,
                "documents": DOCS,
                "yardstick_s": loop_seconds,
                "build": built or None,
                "ndcg_at_10": ndcg,
                "queries": results,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
