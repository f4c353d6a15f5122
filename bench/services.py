"""Benchmark the service catalogue at a whole body's scale, on PostgreSQL.

Run: .venv/bin/python bench/services.py      (RECORDS=200000 for a quicker run)
Uses DATABASE_URL when set, else postgres://postgres@127.0.0.1:5432/servq_bench_services (created
when missing). The body: 300 agencies × 40 services (12,000), 5 million applications in the year,
held as the roll-ups the services keep (monthly counts per service and channel, days-to-close per
service), some 50,000 of them taken in servq itself (cases of each service's kind, with the case
engine's roll-ups). Timed as users open them, through Django's test client (templates included):
- the supervisor's service board (on-time rate, median days, online share per service), its first
  and its last page, with the query count; aim < 300 ms;
- a public service page with its SOP flowchart and schema.org data; aim < 50 ms;
- importing 1 million application records from a CSV an agency system exports, all or nothing;
  aim ≥ 20,000 rows/s.
Prints its figures; the last line is one JSON object.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import QueryCounter, bench_body, setup_django
from _size import size

AGENCIES = size("AGENCIES", 300, 5)
SERVICES_EACH = size("SERVICES_EACH", 40, 3)
APPLICATIONS_A_YEAR = size("APPLICATIONS_A_YEAR", 5_000_000, 5_000)
RECORDS = size("RECORDS", 1_000_000, 2_000)
RUNS = size("RUNS", 15, 2)

COUNTS = """
INSERT INTO services_applicationcount (service_id, month, channel, source, received, closed, closed_on_time)
SELECT id, month, channel, 'records', received, closed, closed * (80 + id %% 20) / 100
FROM (
    SELECT s.id, make_date(%(year)s, m, 1) AS month, c.channel,
           round(%(per_service)s * c.share / 120.0 * s.weight)::int AS received,
           round(%(per_service)s * c.share / 120.0 * s.weight * 0.97)::int AS closed
    FROM (SELECT id, 0.5 + (id %% 3) * 0.5 AS weight FROM services_service) AS s,
         generate_series(1, 12) AS m,
         (VALUES ('counter', 5), ('online', 4), ('mail', 1)) AS c(channel, share)
) AS generated
"""
DAYS = """
INSERT INTO services_processingdays (service_id, year, days, applications)
SELECT s.id, %(year)s, d, (400 / (1 + d)) * (1 + s.id % 3) FROM services_service AS s, generate_series(0, 19) AS d
"""


def build(year: int):
    from django.db import connection

    from servq.cases.models import CaseCategory, CategoryKind
    from servq.services import services as catalogue
    from servq.services.models import Service

    body, members, supervisor = bench_body(AGENCIES)
    # One service written through the catalogue service (its page is the one timed), the rest in bulk.
    shown = catalogue.save_service(
        by=supervisor,
        agency=members[0],
        data=catalogue.ServiceData(
            code="s0000",
            name="道路挖掘許可申請",
            time_limit="7個工作天",
            summary="管線單位或民眾因施工需挖掘道路者，應先申請許可。" * 3,
            legal_basis="市區道路條例第9條",
            channels=["counter", "online"],
            online_level=3,
            documents=[
                catalogue.Document(f"文件{n}", e_check=n % 2 == 0, e_source="內政部") for n in range(8)
            ],
            steps="\n".join(f"承辦人：審查第{n}項（1日）" for n in range(10)),
            published=True,
        ),
    )
    categories = CaseCategory.objects.bulk_create(
        CaseCategory(
            body=body,
            code=f"svc-{a.pk}-s{n:04d}",
            name=f"服務{n}",
            limit_days=7,
            kind=CategoryKind.APPLICATION,
            agency=a,
        )
        for a in members
        for n in range(SERVICES_EACH)
        if (a, n) != (members[0], 0)
    )
    Service.objects.bulk_create(
        Service(
            agency=c.agency,
            code=c.code.rsplit("-", 1)[1],
            name=f"{c.agency.name}服務{c.code[-4:]}",
            limit_days=7,
            online_level=1 + hash(c.code) % 4,
            channels=["counter", "online"],
            published=True,
            category=c,
        )
        for c in categories
    )
    with connection.cursor() as cursor:
        per_service = APPLICATIONS_A_YEAR // (AGENCIES * SERVICES_EACH)
        cursor.execute(
            COUNTS.replace("%(year)s", str(year))
            .replace("%(per_service)s", str(per_service))
            .replace("%%", "%")
        )
        cursor.execute(DAYS.replace("%(year)s", str(year)))
        cursor.execute("ANALYZE")
        cursor.execute("SELECT sum(received) FROM services_applicationcount")
        applications = cursor.fetchone()[0]
    return body, supervisor, shown, applications


def timed(function, runs=RUNS):
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - start)
    timings.sort()
    return result, statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def records_csv(service_codes: list[str], n: int, today: dt.date) -> bytes:
    randomizer = random.Random(2026)
    lines = ["服務代碼,案號,申辦方式,收件日期,結案日期"]
    channels = ["counter", "online", "mail", "any_office"]
    for i in range(n):
        received = today - dt.timedelta(days=randomizer.randint(1, 360))
        closed = received + dt.timedelta(days=randomizer.randint(0, 12))
        lines.append(
            f"{randomizer.choice(service_codes)},A{i:09d},{channels[i % 4]},{received.isoformat()},"
            f"{closed.isoformat() if closed <= today and i % 10 else ''}"
        )
    return "\n".join(lines).encode()


def main() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servq_bench_services")
    vendor = setup_django("services.sqlite3")
    if vendor != "postgresql":
        sys.exit("bench/services.py needs PostgreSQL (set DATABASE_URL)")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from servq.services import selectors
    from servq.services import services as catalogue

    call_command("flush", interactive=False, verbosity=0)
    today = timezone.localdate()
    started = time.perf_counter()
    body, supervisor, shown, applications = build(today.year)
    print(
        f"built {AGENCIES} agencies × {SERVICES_EACH} services, {applications:,} applications in {today.year} "
        f"(roll-ups) in {time.perf_counter() - started:.0f} s"
    )
    figures: dict[str, object] = {
        "database": vendor,
        "services": AGENCIES * SERVICES_EACH,
        "applications": applications,
    }

    client = Client()
    client.force_login(supervisor)
    pages = selectors.board_services(body).count() // selectors.BOARD_PAGE + 1
    for name, url in [
        ("board_first_page", "/services/board/"),
        ("board_last_page", f"/services/board/?page={pages}"),
    ]:
        client.get(url)
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            assert client.get(url).status_code == 200
        _, median, p95 = timed(lambda url=url: client.get(url))
        figures[f"{name}_ms"] = round(median * 1000, 1)
        figures[f"{name}_ms_p95"] = round(p95 * 1000, 1)
        figures[f"{name}_queries"] = len(queries)
        print(
            f"{name}: median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, {len(queries)} queries (aim < 300 ms)"
        )

    public = Client()
    public.get(f"/services/{shown.pk}/")
    _, median, p95 = timed(lambda: public.get(f"/services/{shown.pk}/"), runs=50)
    figures["public_page_ms"] = round(median * 1000, 1)
    figures["public_page_ms_p95"] = round(p95 * 1000, 1)
    print(f"public service page: median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms (aim < 50 ms)")

    agency = shown.agency
    codes = [f"s{n:04d}" for n in range(SERVICES_EACH)]
    data = records_csv(codes, RECORDS, today)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    stored = catalogue.import_records(by=supervisor, agency=agency, data=data, filename="records.csv")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures.update(
        records=stored,
        records_csv_mb=round(len(data) / 1e6, 1),
        import_seconds=round(seconds, 1),
        import_rows_per_s=round(stored / seconds),
        process_peak_mb=round(peak),
        process_peak_before_import_mb=round(rss_before),
    )
    print(
        f"imported {stored:,} records ({len(data) / 1e6:.0f} MB CSV) in {seconds:.1f} s: "
        f"{stored / seconds:,.0f} rows/s; process peak {peak:.0f} MB (before: {rss_before:.0f} MB) (aim ≥ 20,000 rows/s)"
    )
    print(json.dumps(figures, default=str))


if __name__ == "__main__":
    main()
