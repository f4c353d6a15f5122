"""Benchmark a survey at real size, on PostgreSQL: 100,000 responses × 30 five-point items in 5
sections, stratified in 4 strata with a population for weights, and last year's survey beside it.

Run: .venv/bin/python bench/surveys.py      (RESPONSES=20000 for a quicker run)
Uses DATABASE_URL when set, else postgres://postgres@127.0.0.1:5432/servq_bench_surveys (created when
missing). Times every statistic of one survey as its page computes them (weighted shares with Wilson
intervals, means with t intervals, α per section, the year-over-year test; aim < 2 s) and the public
response page (Django's test client, templates included; aim < 100 ms). The last line is JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import bench_body, setup_django

RESPONSES = int(os.environ.get("RESPONSES", "100000"))
ITEMS, SECTIONS, RUNS = 30, 5, 5


def build():
    from django.utils import timezone

    from servq.surveys import services
    from servq.surveys.models import Response, Survey

    _body, members, supervisor = bench_body(4)
    lines = "\n".join(f"構面{n % SECTIONS}｜Q{n:02d}｜likert5｜第{n + 1}題" for n in range(ITEMS))
    questionnaire = services.save_questionnaire(
        by=supervisor, agency=members[0], name="效能測試滿意度", audience="citizens", lines=lines
    )
    randomizer = random.Random(2026)
    surveys = []
    for year, lift in ((2025, 0.0), (2026, 0.1)):
        survey = services.open_survey(
            by=supervisor,
            questionnaire=questionnaire,
            title=f"{year} 滿意度",
            year=year,
            closes_on=timezone.localdate() + dt.timedelta(days=30),
        )
        strata = ["北區", "中區", "南區", "東區"]
        rows = []
        for _ in range(RESPONSES):
            trait = randomizer.gauss(3.6 + lift, 0.8)
            rows.append(
                Response(
                    survey=survey,
                    on=timezone.localdate(),
                    stratum=randomizer.choice(strata),
                    answers={
                        f"Q{n:02d}": max(1, min(5, round(trait + randomizer.gauss(0, 0.7))))
                        for n in range(ITEMS)
                    },
                )
            )
        Response.objects.bulk_create(rows, batch_size=5000)
        Survey.objects.filter(pk=survey.pk).update(
            population={"北區": 400000, "中區": 250000, "南區": 250000, "東區": 100000}
        )
        surveys.append(Survey.objects.get(pk=survey.pk))
    return surveys[-1], supervisor


def main() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servq_bench_surveys")
    vendor = setup_django("surveys.sqlite3")
    if vendor != "postgresql":
        sys.exit("bench/surveys.py needs PostgreSQL (set DATABASE_URL)")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from servq.surveys import selectors
    from servq.surveys.models import Survey

    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    survey, _ = build()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"built 2 surveys × {RESPONSES:,} responses × {ITEMS} items in {time.perf_counter() - started:.0f} s"
    )
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        found = selectors.results(survey)
        timings.append(time.perf_counter() - start)
    figures: dict[str, object] = {
        "database": vendor,
        "responses": RESPONSES,
        "items": ITEMS,
        "statistics_s": round(statistics.median(timings), 2),
    }
    assert (
        found.comparison is not None and found.weighted and all(a is not None for a in found.alphas.values())
    )
    print(
        f"every statistic (30 weighted shares and means with intervals, α × {SECTIONS}, design effect "
        f"{found.design_effect:.3f}, {found.comparison.test} p = {found.comparison.p_value:.2e}): median "
        f"{figures['statistics_s']} s (aim < 2 s)"
    )
    Survey.objects.filter(pk=survey.pk).update(by_invitation=False)
    client = Client()
    url = f"/surveys/{survey.pk}/answer/"
    client.get(url)
    page = []
    for _ in range(30):
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        page.append(time.perf_counter() - start)
    page.sort()
    figures.update(
        response_page_ms=round(statistics.median(page) * 1000, 1),
        response_page_ms_p95=round(page[int(len(page) * 0.95) - 1] * 1000, 1),
    )
    print(
        f"public response page (30 items): median {figures['response_page_ms']} ms, p95 {figures['response_page_ms_p95']} ms (aim < 100 ms)"
    )
    print(json.dumps(figures, default=str))


if __name__ == "__main__":
    main()
