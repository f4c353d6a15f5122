"""Benchmark live indicators at the size of a whole government: 300 agencies, a year of records, every
registered measure bound to an indicator of every agency's plan (#35.6).

Run: .venv/bin/python bench/indicators.py            (AGENCIES=300 by default; make bench-smoke uses 10)
Uses DATABASE_URL when set, else PostgreSQL at postgres://postgres@127.0.0.1:5432/servq_bench_indicators
(created when missing), else a temporary SQLite file. Prints its figures; the last line is one JSON object.

What it measures, each beside a hand count of the same records made while building:
- every measure for every agency for the year, computed one by one (the worker's warming run, which
  keeps them for the dashboards), cold;
- the supervisor's dashboard over all agencies once they are kept (p95, server time);
- one agency's plan page with all its live indicators (p95 over repeated requests, server time);
- the year-end draft of one agency.
Aims (issue 35.6): all measures for all agencies < 2 s; one agency's page p95 < 200 ms.
The cache is Django's local-memory cache here (one process); production uses Redis when REDIS_URL
is set, which adds one round trip per page (values are read many at once).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import analyze, setup_postgres_or_sqlite
from _size import size

AGENCIES = size("AGENCIES", 300, 5)
CASES = size("CASES_PER_AGENCY", 400, 20)  # a year of petitions per agency
RESPONSES = size("RESPONSES_PER_AGENCY", 120, 10)
YEAR = dt.date.today().year - 1  # a whole year of records, ended
RUNS = size("RUNS", 20, 3)


def day(rng: random.Random) -> dt.date:
    return dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(300))


def aware(day_: dt.date, hour: int = 10) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day_, dt.time(hour)))


def build() -> tuple:
    """The tree and a year of records in bulk, with the hand counts the measures must reproduce."""
    from django.contrib.auth import get_user_model

    from servq.activities import models as records
    from servq.agencies import services as agencies
    from servq.agencies.models import Membership
    from servq.cases.models import Case, CaseCategory
    from servq.core import measures
    from servq.opendata.models import Dataset
    from servq.plans.models import Indicator, IndicatorTarget, Plan, PlanCycle, Program
    from servq.surveys import services as survey_services
    from servq.surveys.models import Audience, CourtesyTest, Response, ScoreSheet, Survey

    rng = random.Random(35)
    users = get_user_model().objects
    root = agencies.create_agency(by=None, code="bench-city", name="效能測試市政府", kind="parent_body")
    supervisor = users.create_user("bench-supervisor", email="rdec@bench.gov.tw")
    Membership.objects.create(user=supervisor, agency=root, role="supervisor")
    members = [
        agencies.create_agency(
            by=None, code=f"b{n:03d}", name=f"效能測試局{n:03d}", kind="agency", parent=root
        )
        for n in range(AGENCIES)
    ]
    coordinators = users.bulk_create(users.model(username=f"coord-{n:03d}") for n in range(AGENCIES))
    Membership.objects.bulk_create(
        Membership(user=c, agency=a, role="coordinator") for c, a in zip(coordinators, members, strict=True)
    )
    hand: dict[str, dict[int, int]] = {}  # measure → agency id → the count made here

    category = CaseCategory.objects.create(body=root, name="路燈", limit_days=6, agency=members[0])
    cases = []
    for agency in members:
        closed_on_time = rated_high = rated = 0
        for n in range(CASES):
            received = day(rng)
            closed = rng.random() < 0.9
            on_time = closed and rng.random() < 0.85
            satisfaction = rng.randint(1, 5) if closed and rng.random() < 0.4 else None
            rated += satisfaction is not None
            rated_high += satisfaction is not None and satisfaction >= 4
            closed_on_time += on_time
            cases.append(
                Case(
                    number=f"{agency.code}-{n:05d}",
                    token_hash="x",
                    channel="web",
                    body=root,
                    category=category,
                    agency=agency,
                    state="closed" if closed else "received",
                    description="路燈不亮",
                    received_at=aware(received),
                    due_on=received + dt.timedelta(days=8),
                    closed_at=aware(received + dt.timedelta(days=5 if on_time else 12)) if closed else None,
                    closed_on_time=on_time if closed else None,
                    satisfaction=satisfaction,
                )
            )
        hand.setdefault("cases.after_satisfaction", {})[agency.pk] = (rated_high, rated)
    Case.objects.bulk_create(cases, batch_size=5000)

    sheet = ScoreSheet.objects.create(body=root, name="電話禮貌", items="a", bands="b", pass_mark=70)
    questionnaire = survey_services.save_questionnaire(
        by=supervisor,
        agency=root,
        name="洽公民眾滿意度",
        audience=Audience.CITIZENS,
        lines=survey_services.TEMPLATES[Audience.CITIZENS],
    )
    overall = questionnaire.items.filter(kind__in=["likert5", "likert7"]).order_by("-position").first()
    surveys, responses, tests, datasets, points, sessions, posts, months = [], [], [], [], [], [], [], []
    for agency in members:
        survey = Survey(
            questionnaire=questionnaire,
            agency=agency,
            title="滿意度",
            year=YEAR,
            closes_on=dt.date(YEAR, 10, 31),
            by_invitation=False,
        )
        surveys.append(survey)
        done = [day(rng) for _ in range(4)]
        tests += [
            CourtesyTest(
                sheet=sheet,
                agency=agency,
                tester=supervisor,
                on=d,
                due_on=d,
                total=Decimal(rng.randint(55, 98)),
            )
            for d in done
        ]
        hand.setdefault("surveys.courtesy_tests", {})[agency.pk] = len(done)
        count = rng.randint(5, 40)
        datasets += [
            Dataset(
                agency=agency, title=f"資料{k}", description="-", state="published", published_on=day(rng)
            )
            for k in range(count)
        ]
        hand.setdefault("opendata.published", {})[agency.pk] = count
        count = rng.randint(2, 12)
        points += [
            records.ServicePoint(
                agency=agency,
                kind="wifi",
                name=f"熱點{k}",
                district=f"區{k % 7}",
                opened_on=dt.date(2020, 1, 1),
            )
            for k in range(count)
        ]
        hand.setdefault("activities.wifi_hotspots", {})[agency.pk] = count
        count = rng.randint(1, 6)
        sessions += [
            records.TrainingSession(
                agency=agency, title="研習", held_on=day(rng), hours=Decimal(2), attendees=30
            )
            for _ in range(count)
        ]
        hand.setdefault("activities.training_sessions", {})[agency.pk] = count
        count = rng.randint(10, 80)
        posts += [
            records.SocialPost(agency=agency, platform="facebook", posted_on=day(rng), title="快訊")
            for _ in range(count)
        ]
        hand.setdefault("activities.social_posts", {})[agency.pk] = count
        months += [
            records.DocumentExchangeMonth(agency=agency, month=dt.date(YEAR, m, 1), electronic=80, total=100)
            for m in range(1, 11)
        ]
    Survey.objects.bulk_create(surveys)
    for survey in Survey.objects.filter(questionnaire=questionnaire):
        for _ in range(RESPONSES):
            responses.append(Response(survey=survey, on=day(rng), answers={overall.code: rng.randint(1, 5)}))
    for model, rows in [
        (Response, responses),
        (CourtesyTest, tests),
        (Dataset, datasets),
        (records.ServicePoint, points),
        (records.TrainingSession, sessions),
        (records.SocialPost, posts),
        (records.DocumentExchangeMonth, months),
    ]:
        model.objects.bulk_create(rows, batch_size=5000)

    program = Program.objects.create(
        slug="bench", name="政府服務躍升方案", first_year=YEAR - 2, last_year=YEAR + 1
    )
    cycle = PlanCycle.objects.create(
        program=program,
        agency=root,
        year=YEAR,
        title=f"{YEAR - 1911}年度",
        submit_by=dt.date(YEAR, 1, 30),
        review_by=dt.date(YEAR, 2, 27),
        approve_by=dt.date(YEAR, 3, 31),
    )
    cycle.participants.set(members)
    plans = Plan.objects.bulk_create(
        Plan(
            program=program,
            agency=a,
            cycle=cycle,
            kind="execution",
            title=f"{a.name}執行計畫",
            first_year=YEAR,
            last_year=YEAR,
            status="published",
        )
        for a in members
    )
    keys = [m.key for m in measures.all_measures()]
    indicators = Indicator.objects.bulk_create(
        Indicator(plan=p, name=measures.get(k).label, unit=measures.get(k).unit, measure_key=k, position=n)
        for p in plans
        for n, k in enumerate(keys)
    )
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(indicator=i, year=YEAR, value=Decimal(10)) for i in indicators
    )
    analyze()
    return root, cycle, supervisor, members, plans, hand, len(keys)


def all_values(members, today):
    """Every measure for every agency over the year: what a body-wide dashboard reads."""
    from servq.core import measures

    start, end = dt.date(YEAR, 1, 1), min(dt.date(YEAR, 12, 31), today)
    return {
        (m.key, a.pk): m.value(measures.Scope(a.path, start, end))
        for a in members
        for m in measures.all_measures()
    }


def check_against_hand(values, hand) -> int:
    """The measures' values equal the counts made while building; returns how many were compared."""
    from servq.core.rules import share

    compared = 0
    for key, counts in hand.items():
        for agency_id, expected in counts.items():
            if isinstance(expected, tuple):
                expected = share(*expected)
            assert values[(key, agency_id)] == expected, (key, agency_id, values[(key, agency_id)], expected)
            compared += 1
    return compared


def timed_page(client, url, runs=RUNS):
    assert client.get(url).status_code == 200
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    timings.sort()
    return statistics.median(timings), timings[int(0.95 * (len(timings) - 1))]


def main() -> None:
    vendor = setup_postgres_or_sqlite("servq_bench_indicators", "indicators.sqlite3")
    from django.core.management import call_command
    from django.test import Client

    from servq.reporting import selectors

    call_command("flush", interactive=False, verbosity=0)
    start = time.perf_counter()
    _, cycle, supervisor, members, plans, hand, measure_count = build()
    print(
        f"built {AGENCIES} agencies, {AGENCIES * CASES:,} cases, {AGENCIES * RESPONSES:,} responses, "
        f"{measure_count} measures bound per plan on {vendor} in {time.perf_counter() - start:.1f} s"
    )
    today = dt.date(YEAR, 12, 31)
    cpu, wall = time.process_time(), time.perf_counter()
    values = all_values(members, today)
    all_wall, all_cpu = time.perf_counter() - wall, time.process_time() - cpu
    compared = check_against_hand(values, hand)
    print(
        f"all {measure_count} measures × {AGENCIES} agencies ({len(values):,} values): {all_wall:.2f} s wall, "
        f"{all_cpu:.2f} s CPU in this process (aim < 2 s); {compared} values equal the hand count"
    )

    from servq.plans import readings

    cpu, wall = time.process_time(), time.perf_counter()
    warmed = readings.warm(today)
    warm_wall, warm_cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"warming run ({warmed:,} indicators kept): {warm_wall:.2f} s wall, {warm_cpu:.2f} s CPU")
    client = Client()
    client.force_login(supervisor)
    dash_median, dash_p95 = timed_page(
        client, f"/reporting/cycles/{cycle.pk}/dashboard/", runs=max(5, RUNS // 2)
    )
    print(
        f"supervisor dashboard over {AGENCIES} agencies × {measure_count} kept indicators: median {dash_median:.0f} ms, "
        f"p95 {dash_p95:.0f} ms"
    )
    median, p95 = timed_page(client, f"/plans/{plans[0].pk}/")
    print(
        f"one agency's plan page with {measure_count} live indicators: median {median:.0f} ms, p95 {p95:.0f} ms (aim p95 < 200 ms)"
    )
    wall = time.perf_counter()
    draft = selectors.draft_summary(cycle, members[0])
    draft_seconds = time.perf_counter() - wall
    assert "量化指標" in draft, draft
    print(f"year-end draft of one agency: {draft_seconds * 1000:.0f} ms")
    print(
        json.dumps(
            {
                "database": vendor,
                "agencies": AGENCIES,
                "measures": measure_count,
                "values": len(values),
                "all_values_seconds": round(all_wall, 3),
                "all_values_cpu_seconds": round(all_cpu, 3),
                "hand_counts_compared": compared,
                "warm_seconds": round(warm_wall, 3),
                "warm_cpu_seconds": round(warm_cpu, 3),
                "dashboard_ms_median": round(dash_median, 1),
                "dashboard_ms_p95": round(dash_p95, 1),
                "plan_page_ms_median": round(median, 1),
                "plan_page_ms_p95": round(p95, 1),
                "draft_ms": round(draft_seconds * 1000, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
