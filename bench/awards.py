"""Benchmark an award round at real size, on PostgreSQL: 400 entries, 60 reviewers, 5 reviewers an
entry, 12 criteria (24,000 scores).

Run: .venv/bin/python bench/awards.py
Uses DATABASE_URL when set, else postgres://postgres@127.0.0.1:5432/servq_bench_awards (created when
missing). Times the normalised ranking (reading every score sheet and ranking by z-scores, as closing
a stage does; aim < 1 s), closing the stage (ranking, results, grades, audit), and the edition page
with its results (Django's test client, templates included; aim < 300 ms) with its query count.
Prints its figures; the last line is one JSON object.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import QueryCounter, bench_body, setup_django
from _size import size

ENTRIES = size("ENTRIES", 400, 20)
REVIEWERS = size("REVIEWERS", 60, 8)
PER_ENTRY = size("PER_ENTRY", 5, 3)
CRITERIA = size("CRITERIA", 12, 4)
RUNS = size("RUNS", 7, 2)


def build():
    from django.contrib.auth import get_user_model

    from servq.awards import services
    from servq.awards.models import Assignment, Entry, Reviewer, Score

    body, members, organizer = bench_body(ENTRIES)
    edition = services.create_edition(by=organizer, body=body, name="效能測試政府服務獎", year=2026)
    criteria = "\n".join(f"overall｜C{n:02d}｜構面{n}｜{1 + n % 3}｜10" for n in range(CRITERIA))
    services.set_up(
        by=organizer,
        edition=edition,
        categories="overall｜整體服務類｜",
        criteria=criteria,
        stages="初審｜書面審查｜40｜zscore",
    )
    category = edition.categories.get()
    entries = Entry.objects.bulk_create(
        Entry(
            edition=edition,
            category=category,
            agency=a,
            title=f"參獎{n}",
            number=n + 1,
            reached=edition.stages.get(),
        )
        for n, a in enumerate(members)
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"expert{n:02d}") for n in range(REVIEWERS)
    )
    reviewers = Reviewer.objects.bulk_create(Reviewer(edition=edition, user=u) for u in users)
    stage = edition.stages.get()
    randomizer = random.Random(2026)
    assignments = Assignment.objects.bulk_create(
        Assignment(stage=stage, entry=e, reviewer=r)
        for e in entries
        for r in randomizer.sample(reviewers, PER_ENTRY)
    )
    harshness = {r.pk: randomizer.uniform(-2, 2) for r in reviewers}
    quality = {e.pk: randomizer.uniform(4, 9) for e in entries}
    criteria_ids = list(category.criteria.values_list("pk", flat=True))
    Score.objects.bulk_create(
        (
            Score(
                assignment=a,
                criterion_id=c,
                score=round(
                    max(
                        0, min(10, quality[a.entry_id] + harshness[a.reviewer_id] + randomizer.gauss(0, 0.5))
                    ),
                    1,
                ),
            )
            for a in assignments
            for c in criteria_ids
        ),
        batch_size=5000,
    )
    return edition, stage, organizer


def main() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servq_bench_awards")
    vendor = setup_django("awards.sqlite3")
    if vendor != "postgresql":
        sys.exit("bench/awards.py needs PostgreSQL (set DATABASE_URL)")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from servq.awards import rules, services

    call_command("flush", interactive=False, verbosity=0)
    edition, stage, organizer = build()
    figures: dict[str, object] = {
        "database": vendor,
        "entries": ENTRIES,
        "reviewers": REVIEWERS,
        "per_entry": PER_ENTRY,
        "criteria": CRITERIA,
    }
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        ranked = rules.rank(services.stage_totals(stage), rules.ZSCORE)
        timings.append(time.perf_counter() - start)
    figures["ranking_ms"] = round(statistics.median(timings) * 1000, 1)
    print(
        f"normalised ranking of {len(ranked)} entries ({ENTRIES * PER_ENTRY * CRITERIA:,} scores): median {figures['ranking_ms']} ms (aim < 1 s)"
    )
    start = time.perf_counter()
    services.close_stage(by=organizer, stage=stage)
    figures["close_stage_ms"] = round((time.perf_counter() - start) * 1000, 1)
    print(f"closing the stage (ranking, results, grades, audit): {figures['close_stage_ms']} ms")
    client = Client()
    client.force_login(organizer)
    url = f"/awards/{edition.pk}/"
    client.get(url)
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        assert client.get(url).status_code == 200
    page = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(url)
        page.append(time.perf_counter() - start)
    figures.update(
        results_page_ms=round(statistics.median(page) * 1000, 1), results_page_queries=len(queries)
    )
    print(
        f"edition page with {ENTRIES} results: median {figures['results_page_ms']} ms, {len(queries)} queries (aim < 300 ms)"
    )
    print(json.dumps(figures, default=str))


if __name__ == "__main__":
    main()
