"""Benchmark the reporting cycle at the scale of a whole government: 300 agencies × 60 items × 4 quarters.

Run: .venv/bin/python bench/reporting.py
Uses DATABASE_URL when set, else PostgreSQL at postgres://postgres@127.0.0.1:5432/servq_bench_reporting
(created when missing), else a temporary SQLite file. Prints its figures; the last line is one JSON object.
Aims: year-end roll-up < 2 s; supervisor dashboard < 300 ms server time with a fixed query count;
a reminder run over 300 agencies sends each due notice exactly once, < 30 s.
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

AGENCIES = size("AGENCIES", 300, 6)
ITEMS = size("ITEMS", 60, 5)
LATE_AGENCIES = size("LATE_AGENCIES", 90, 2)  # have not submitted the last quarter
RUNS = size("RUNS", 7, 2)
STATUSES = [
    "not_started",
    "on_track",
    "on_track",
    "done",
    "done",
    "done",
    "at_risk",
    "late",
    "not_applicable",
]


def build():
    """The tree, the cycle, 18,000 items, 72,000 progress reports and 600 measured indicators, in bulk."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from servq.agencies import services as agencies
    from servq.agencies.models import Membership
    from servq.plans.models import Indicator, IndicatorTarget, Plan, PlanCycle, PlanItem, Program
    from servq.reporting import services
    from servq.reporting.models import IndicatorActual, ItemProgress

    rng = random.Random(7)
    users = get_user_model().objects
    root = agencies.create_agency(by=None, code="bench-ey", name="效能測試院", kind="parent_body")
    supervisor = users.create_user("bench-supervisor", email="rdec@bench.gov.tw")
    Membership.objects.create(user=supervisor, agency=root, role="supervisor")
    members = [
        agencies.create_agency(
            by=None, code=f"bench-{n:03d}", name=f"效能測試部{n:03d}", kind="agency", parent=root
        )
        for n in range(AGENCIES)
    ]
    people = users.bulk_create(
        [
            users.model(username=f"{role}-{n:03d}", email=f"{role}{n}@bench.gov.tw")
            for n in range(AGENCIES)
            for role in ("coord", "head")
        ]
    )
    Membership.objects.bulk_create(
        Membership(user=people[2 * n + k], agency=members[n], role=role)
        for n in range(AGENCIES)
        for k, role in enumerate(("coordinator", "head"))
    )
    program = Program.objects.create(slug="bench", name="政府服務躍升方案", first_year=2024, last_year=2027)
    cycle = PlanCycle.objects.create(
        program=program,
        agency=root,
        year=2026,
        title="115年度提升服務品質",
        submit_by=dt.date(2026, 1, 30),
        review_by=dt.date(2026, 2, 27),
        approve_by=dt.date(2026, 3, 31),
    )
    cycle.participants.set(members)
    plans = Plan.objects.bulk_create(
        Plan(
            program=program,
            agency=a,
            cycle=cycle,
            kind="execution",
            title=f"{a.name}執行計畫",
            first_year=2026,
            last_year=2026,
            status="approved",
        )
        for a in members
    )
    items = PlanItem.objects.bulk_create(
        (PlanItem(plan=p, position=i, text=f"推動第{i + 1}項便民服務") for p in plans for i in range(ITEMS)),
        batch_size=5000,
    )
    quarters = services.set_up_periods(
        by=supervisor, cycle=cycle, frequency="quarterly", due_rule="結束後10個工作日內"
    )
    submitted = timezone.make_aware(dt.datetime(2026, 4, 10, 10))
    late = {plan.agency_id for plan in plans[:LATE_AGENCIES]}
    reports = [
        ItemProgress(
            item=item,
            period=period,
            agency_id=item.plan.agency_id,
            status=rng.choice(STATUSES),
            narrative="依計畫辦理",
            submitted_at=None if (period == quarters[-1] and item.plan.agency_id in late) else submitted,
        )
        for period in quarters
        for item in items
    ]
    ItemProgress.objects.bulk_create(reports, batch_size=5000)
    indicators = Indicator.objects.bulk_create(
        Indicator(plan=p, name=name, unit="%", position=k)
        for p in plans
        for k, name in enumerate(("如期結案率", "滿意度"))
    )
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(indicator=i, year=2026, value=Decimal(90)) for i in indicators
    )
    IndicatorActual.objects.bulk_create(
        IndicatorActual(indicator=i, period=q, value=Decimal(rng.randint(70, 100)))
        for i in indicators
        for q in quarters
    )
    analyze()
    return root, cycle, supervisor, quarters


def timed(function, runs=RUNS):
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - start)
    return result, statistics.median(timings), max(timings)


def measure_rollup(root, cycle, supervisor):
    from servq.reporting import selectors, services

    rollup, median, worst = timed(lambda: selectors.year_end_rollup(cycle, root=root))
    totals = rollup.totals_of(root.path)
    assert totals["items"] == AGENCIES * ITEMS, totals
    start = time.perf_counter()
    services.compile_year_end(by=supervisor, cycle=cycle, agency=root)
    compile_seconds = time.perf_counter() - start
    return {
        "rollup_seconds_median": round(median, 3),
        "rollup_seconds_max": round(worst, 3),
        "compile_year_end_seconds": round(compile_seconds, 3),
        "rollup_items": totals["items"],
    }


def measure_dashboard(cycle, supervisor, period):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(supervisor)
    url = f"/reporting/cycles/{cycle.pk}/dashboard/?period={period.pk}"
    assert client.get(url).status_code == 200
    timings, counts = [], set()
    for _ in range(RUNS * 2):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        counts.add(len(queries.captured_queries))
        assert response.status_code == 200
    return {
        "dashboard_ms_median": round(statistics.median(timings), 1),
        "dashboard_ms_p95": round(sorted(timings)[int(0.95 * (len(timings) - 1))], 1),
        "dashboard_queries": sorted(counts),
    }


def measure_reminders(last_quarter):
    from django.core import mail
    from django.test.utils import override_settings

    from servq.reporting import services
    from servq.reporting.models import Notice

    escalation_day = last_quarter.due_on + dt.timedelta(days=14)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        start = time.perf_counter()
        planned = services.plan_notices(today=escalation_day)
        sent = services.send_notices()
        seconds = time.perf_counter() - start
        again_planned = services.plan_notices(today=escalation_day)
        again_sent = services.send_notices()
        messages = [(m.to[0], m.subject) for m in mail.outbox]
    expected = LATE_AGENCIES * 3  # overdue → coordinator; escalation → head and the supervisor
    unique_notices = Notice.objects.values_list("kind", "agency", "recipient").distinct().count()
    assert sent == planned == expected == unique_notices, (sent, planned, expected, unique_notices)
    assert again_planned == again_sent == 0
    assert len(messages) == expected
    return {
        "reminder_run_seconds": round(seconds, 2),
        "notices_sent": sent,
        "notices_expected": expected,
        "notices_resent_on_second_run": again_sent,
    }


def main() -> None:

    vendor = setup_postgres_or_sqlite("servq_bench_reporting", "reporting.sqlite3")
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    start = time.perf_counter()
    root, cycle, supervisor, quarters = build()
    figures = {"database": vendor, "agencies": AGENCIES, "items": AGENCIES * ITEMS, "periods": len(quarters)}
    print(
        f"built {AGENCIES} agencies × {ITEMS} items × {len(quarters)} quarters on {vendor} in {time.perf_counter() - start:.1f} s"
    )
    figures.update(measure_rollup(root, cycle, supervisor))
    print(
        f"year-end roll-up of {figures['rollup_items']:,} items: median {figures['rollup_seconds_median']} s, "
        f"max {figures['rollup_seconds_max']} s; compile + store {figures['compile_year_end_seconds']} s (aim: < 2 s)"
    )
    figures.update(measure_dashboard(cycle, supervisor, quarters[-1]))
    print(
        f"supervisor dashboard: median {figures['dashboard_ms_median']} ms, p95 {figures['dashboard_ms_p95']} ms, "
        f"queries {figures['dashboard_queries']} (aim: < 300 ms, one fixed count)"
    )
    figures.update(measure_reminders(quarters[-1]))
    print(
        f"reminder run over {AGENCIES} agencies ({LATE_AGENCIES} late): {figures['notices_sent']} notices sent once "
        f"in {figures['reminder_run_seconds']} s, {figures['notices_resent_on_second_run']} resent (aim: < 30 s)"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
