"""Benchmark inspections at a body's scale, on PostgreSQL: 300 agencies × 20 findings each.

Run: .venv/bin/python bench/inspections.py
Uses DATABASE_URL when set, else postgres://postgres@127.0.0.1:5432/servq_bench_inspections (created
when missing). The supervisor's board (open, overdue, awaiting decision, closed, closed on time per
agency) is timed through Django's test client, templates included, with its query count; aim
< 300 ms. Then the reminder run over every finding: planned and sent, run twice, each notice exactly
once (a second run plans and sends nothing). Prints its figures; the last line is one JSON object.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import QueryCounter, bench_body, setup_django
from _size import size

AGENCIES = size("AGENCIES", 300, 5)
FINDINGS_EACH = size("FINDINGS_EACH", 20, 3)
RUNS = size("RUNS", 15, 2)


def build():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from servq.agencies.models import Membership
    from servq.inspections.models import Finding, Visit

    body, members, supervisor = bench_body(AGENCIES)
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"coordinator-{n:03d}", email=f"c{n}@example.gov.tw")
        for n in range(AGENCIES)
    )
    Membership.objects.bulk_create(
        Membership(user=u, agency=a, role="coordinator") for u, a in zip(users, members, strict=True)
    )
    today = timezone.localdate()
    visit = Visit.objects.create(body=body, kind="regular", on=today - dt.timedelta(days=60), state="sent")
    visit.agencies.set(members)
    findings = []
    for a in members:
        for n in range(FINDINGS_EACH):
            notified = today - dt.timedelta(days=10 * (n % 6))
            due = notified + dt.timedelta(days=30)
            state = ("open", "open", "replied", "closed")[n % 4]
            findings.append(
                Finding(
                    body=body,
                    visit=visit,
                    agency=a,
                    text=f"缺失{n}",
                    state=state,
                    notified_on=notified,
                    reply_due=due,
                    first_replied_on=notified + dt.timedelta(days=20) if state != "open" else None,
                    closed_on=today if state == "closed" else None,
                )
            )
    Finding.objects.bulk_create(findings, batch_size=2000)
    return body, supervisor


def main() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servq_bench_inspections")
    vendor = setup_django("inspections.sqlite3")
    if vendor != "postgresql":
        sys.exit("bench/inspections.py needs PostgreSQL (set DATABASE_URL)")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    from servq.inspections import services
    from servq.inspections.models import FindingNotice

    call_command("flush", interactive=False, verbosity=0)
    _body, supervisor = build()
    figures: dict[str, object] = {
        "database": vendor,
        "agencies": AGENCIES,
        "findings": AGENCIES * FINDINGS_EACH,
    }
    client = Client()
    client.force_login(supervisor)
    client.get("/inspections/board/")
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        assert client.get("/inspections/board/").status_code == 200
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get("/inspections/board/")
        timings.append(time.perf_counter() - start)
    timings.sort()
    figures.update(
        board_ms=round(statistics.median(timings) * 1000, 1),
        board_ms_p95=round(timings[int(len(timings) * 0.95) - 1] * 1000, 1),
        board_queries=len(queries),
    )
    print(
        f"board, {AGENCIES} agencies × {FINDINGS_EACH} findings: median {figures['board_ms']} ms, "
        f"p95 {figures['board_ms_p95']} ms, {len(queries)} queries (aim < 300 ms)"
    )

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        from django.core import mail

        mail.outbox = []  # the locmem backend makes it on its first mail; a run may send none
        today = timezone.localdate()
        start = time.perf_counter()
        planned = services.plan_finding_notices(today=today)
        sent = drained = 0
        while drained := services.send_finding_notices():  # the outbox sends a batch a run
            sent += drained
        first = time.perf_counter() - start
        planned_again = services.plan_finding_notices(today=today)
        sent_again = services.send_finding_notices()
        figures.update(
            notices_planned=planned,
            notices_sent=sent,
            mails=len(mail.outbox),
            second_run_planned=planned_again,
            second_run_sent=sent_again,
            reminder_run_s=round(first, 1),
            exactly_once=planned == sent == len(mail.outbox) == FindingNotice.objects.count()
            and planned_again == sent_again == 0,
        )
    print(
        f"reminder run: {planned} notices planned and {sent} sent in {first:.1f} s; a second run planned "
        f"{planned_again} and sent {sent_again}: each exactly once = {figures['exactly_once']}"
    )
    print(json.dumps(figures, default=str))


if __name__ == "__main__":
    main()
