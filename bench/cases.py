"""Benchmark case analytics at city scale: 10 million cases over 5 years on PostgreSQL.

Run: .venv/bin/python bench/cases.py            (CASES=1000000 for a quicker run)
Uses DATABASE_URL when set, else postgres://postgres@127.0.0.1:5432/servq_bench_cases (created when
missing). The generator writes the cases in SQL (generate_series) and then the monthly roll-ups the
case services keep current as cases change; the benchmark then times what users open: the analytics
page, the on-time-rate measure and the close-time percentiles. Prints its figures; the last line is
one JSON object. Aim: each under 1 s.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup_django

CASES = int(os.environ.get("CASES", "10000000"))
AGENCIES = 40
YEARS = 5
RUNS = 7

GENERATE = """
INSERT INTO cases_case (number, token_hash, channel, body_id, category_id, agency_id, unit_id, state, outcome,
    subject, description, address, citizen_name, citizen_email, citizen_phone, reply_by, district, received_at, due_on,
    extended_days, closed_at, closed_on_time, reply, remedy, satisfaction_note, updated_at)
SELECT lpad(g::text, 14, '0'), '', (ARRAY['web','phone','1999','mailbox','walk_in','api'])[1 + g % 6],
    %(body)s, (%(categories)s::int[])[1 + g % 4], (%(agencies)s::int[])[1 + (g / 7) % %(n_agencies)s], NULL,
    CASE WHEN r.at > now() - interval '45 days' AND g % 5 = 0 THEN 'in_progress' ELSE 'closed' END,
    CASE WHEN r.at > now() - interval '45 days' AND g % 5 = 0 THEN '' ELSE 'resolved' END,
    '', (ARRAY['路燈不亮請派員修理','人行道機車違規停放','公園廁所髒亂','噪音擾人請稽查','路面坑洞積水',
         '垃圾車未依時收運','申請補助流程詢問','登革熱孳生源檢舉'])[1 + g % 8],
    '示範市北區中山路二段', '', '', '', 'none', '北區', r.at, (r.at + interval '8 days')::date, 0,
    CASE WHEN r.at > now() - interval '45 days' AND g % 5 = 0 THEN NULL
         ELSE r.at + make_interval(days => (g % 13)) END,
    CASE WHEN r.at > now() - interval '45 days' AND g % 5 = 0 THEN NULL ELSE (g % 13) <= 8 END,
    '', '', '', now()
FROM generate_series(1, %(n)s) AS g,
LATERAL (SELECT now() - make_interval(secs => (g::double precision / %(n)s) * %(span)s) AS at) AS r
"""

ROLL_UP = """
INSERT INTO cases_casestats (month, agency_id, unit_id, category_id, channel, shard, received, closed, closed_on_time)
SELECT date_trunc('month', received_at AT TIME ZONE 'Asia/Taipei')::date, agency_id, unit_id, category_id, channel,
       CASE WHEN date_trunc('month', received_at AT TIME ZONE 'Asia/Taipei') = date_trunc('month', now() AT TIME ZONE 'Asia/Taipei')
            THEN id %% %(shards)s ELSE 0 END,
       count(*), count(closed_at), count(*) FILTER (WHERE closed_on_time)
FROM cases_case GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO cases_closetime (month, agency_id, category_id, days, cases)
SELECT date_trunc('month', received_at AT TIME ZONE 'Asia/Taipei')::date, agency_id, category_id,
       ((closed_at AT TIME ZONE 'Asia/Taipei')::date - (received_at AT TIME ZONE 'Asia/Taipei')::date), count(*)
FROM cases_case WHERE closed_at IS NOT NULL GROUP BY 1, 2, 3, 4;
"""


def build():
    from django.contrib.auth import get_user_model
    from django.db import connection

    from servq.agencies import services as agencies
    from servq.agencies.models import Membership
    from servq.cases.models import STATS_SHARDS, CaseCategory
    from servq.cases.services import load_default_categories

    body = agencies.create_agency(by=None, code="bench-city", name="效能測試市政府", kind="parent_body")
    members = [
        agencies.create_agency(
            by=None, code=f"bench-{n:02d}", name=f"局處{n:02d}", kind="agency", parent=body
        )
        for n in range(AGENCIES)
    ]
    supervisor = get_user_model().objects.create_user("bench-rdec")
    Membership.objects.create(user=supervisor, agency=body, role="supervisor")
    load_default_categories(by=None, body=body)
    categories = list(CaseCategory.objects.filter(body=body).order_by("code").values_list("pk", flat=True))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            GENERATE.replace("%(body)s", str(body.pk))
            .replace("%(categories)s", "'{" + ",".join(map(str, categories)) + "}'")
            .replace("%(agencies)s", "'{" + ",".join(str(a.pk) for a in members) + "}'")
            .replace("%(n_agencies)s", str(AGENCIES))
            .replace("%(n)s", str(CASES))
            .replace("%(span)s", str(YEARS * 365 * 86400))
        )
        generated = time.perf_counter() - started
        cursor.execute(ROLL_UP, {"shards": STATS_SHARDS})  # this month spread by intake, past months folded
        cursor.execute("ANALYZE")
    return body, supervisor, generated, time.perf_counter() - started - generated


def timed(function):
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - start)
    return result, statistics.median(timings), max(timings)


def main() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servq_bench_cases")
    vendor = setup_django("cases.sqlite3")
    if vendor != "postgresql":
        sys.exit("bench/cases.py needs PostgreSQL (set DATABASE_URL)")
    import datetime as dt

    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from servq.cases import selectors

    call_command("flush", interactive=False, verbosity=0)
    body, supervisor, generated, rolled = build()
    print(
        f"generated {CASES:,} cases over {YEARS} years in {generated:.0f} s; roll-ups built in {rolled:.0f} s"
    )
    today = timezone.localdate()
    year_ago = (today.replace(day=1) - dt.timedelta(days=365)).replace(day=1)
    five_years = today.replace(year=today.year - YEARS)
    figures: dict[str, object] = {
        "database": vendor,
        "cases": CASES,
        "generate_seconds": round(generated),
        "rollup_seconds": round(rolled),
    }
    for name, function in [
        ("analytics_12_months", lambda: selectors.analytics(body, year_ago, today, today=today)),
        ("analytics_5_years", lambda: selectors.analytics(body, five_years, today, today=today)),
        ("on_time_rate_5_years", lambda: selectors.on_time_rate(body.path, five_years, today, today=today)),
        ("percentiles_5_years", lambda: selectors.close_time_percentiles(body, five_years, today)),
    ]:
        result, median, worst = timed(function)
        figures[f"{name}_ms"] = round(median * 1000, 1)
        figures[f"{name}_ms_max"] = round(worst * 1000, 1)
        shown = result.overall if hasattr(result, "overall") else result
        print(f"{name}: median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms → {shown}")
    client = Client()
    client.force_login(supervisor)
    _, median, worst = timed(lambda: client.get("/cases/analytics/"))
    figures["analytics_page_ms"] = round(median * 1000, 1)
    print(
        f"analytics page (12 months, every agency): median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms (aim: < 1 s)"
    )
    print(json.dumps(figures, default=str))


if __name__ == "__main__":
    main()
