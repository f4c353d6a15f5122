"""Benchmark moving a body in at national size (issue 34): importing an agency list of AGENCIES
agencies over six levels (10,000 by default) and a list of PEOPLE people with roles (50,000), each
run as an operator runs it (`manage.py import_agencies`, `manage.py invite_people`) and measured from
outside: wall and CPU seconds, peak memory. Then, at that size, the people page (p50/p95 of
`/people/` as the body's supervisor, through Django's test client) and a permission check (p50/p95
of `may_grant` over the supervisor's grants for random agencies, and of `agencies.act_on_agency`
through django-rules). Aims: each import < 30 s and < 300 MB; the page and the check p95 < 50 ms.

Run: .venv/bin/python bench/people.py          (AGENCIES=300 PEOPLE=1000 for the smoke size)
Uses DATABASE_URL when set, else postgres://postgres@127.0.0.1:5432/servq_bench_people, emptied
first. The last line is JSON.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _size import size

AGENCIES = size("AGENCIES", 10_000, 60)
PEOPLE = size("PEOPLE", 50_000, 100)
RUNS = size("RUNS", 50, 3)
# How many children each level's agency has: 6 levels down from the body, the last holding units.
LEVELS = ["一級機關", "二級機關", "分局", "稽徵所", "服務處"]
ROLES = ["機關聯絡人", "機關首長", "承辦人員", "評審委員"]
BODY_CODE = "3000000000"


def agency_list(count: int) -> list[list[str]]:
    """A tree of ``count`` agencies: seven in ten are offices over five levels, breadth first; the
    rest are units (科) spread over them, a sixth level. Codes of ten characters, as the national
    list has them."""
    offices_wanted = max(5, count * 7 // 10)
    fanout = max(2, round(offices_wanted ** (1 / 5)))
    rows: list[list[str]] = []
    frontier = [(BODY_CODE, -1)]
    while frontier and len(rows) < offices_wanted:
        parent, depth = frontier.pop(0)
        for _ in range(fanout):
            if len(rows) >= offices_wanted or depth + 1 >= len(LEVELS):
                break
            code = f"{len(rows) + 1:09d}A"
            rows.append(
                [code, f"機關{len(rows) + 1:05d}", "" if parent == BODY_CODE else parent, LEVELS[depth + 1]]
            )
            frontier.append((code, depth + 1))
    offices = [row[0] for row in rows]
    for n in range(count - len(rows)):
        code = f"{len(rows) + 1:09d}A"
        rows.append([code, f"第{n % 7 + 1}科", offices[n % len(offices)], "科"])
    return rows


def people_list(agencies: list[list[str]], count: int) -> list[list[str]]:
    rng = random.Random(34)
    units = {row[2]: [] for row in agencies if row[3] == "科"}
    for _code, name, parent, level in agencies:
        if level == "科":
            units[parent].append(name)
    offices = [row for row in agencies if row[3] != "科"]
    with_units = [code for code in units if units[code]]
    by_code = {row[0]: row for row in offices}
    rows = []
    for n in range(count):
        agency = rng.choice(offices)
        role = ROLES[n % len(ROLES)]
        unit = ""
        if role == "承辦人員":
            code = rng.choice(with_units)
            agency, unit = by_code[code], rng.choice(units[code])
        rows.append([f"人員{n:05d}", f"p{n:05d}@bench.gov.tw", agency[0], unit, role])
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return round(statistics.median(ordered) * 1000, 1), round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1)


def main() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servq_bench_people")
    from _django import setup_django, yardstick
    from _measure import measured

    vendor = setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    call_command("flush", interactive=False, verbosity=0)
    print(f"database: {vendor}; yardstick {yardstick()} s; {AGENCIES:,} agencies, {PEOPLE:,} people")
    work = Path(tempfile.mkdtemp(prefix="servq-bench-people-"))
    agencies = agency_list(AGENCIES)
    write_csv(work / "機關.csv", ["機關代碼", "機關名稱", "上級機關代碼", "層級"], agencies)
    write_csv(
        work / "人員.csv", ["姓名", "電子郵件", "機關代碼", "單位", "角色"], people_list(agencies, PEOPLE)
    )
    manage = [sys.executable, "manage.py"]
    env_note = os.environ["DATABASE_URL"]
    call_command(
        "start_body",
        name="效能測試院",
        code=BODY_CODE,
        supervisor_email="rdec@bench.gov.tw",
        stdout=io.StringIO(),
    )

    figures: dict[str, object] = {"agencies": AGENCIES, "people": PEOPLE, "database": vendor}
    for label, command in [
        ("import_agencies", [*manage, "import_agencies", str(work / "機關.csv"), "--body", BODY_CODE]),
        ("invite_people", [*manage, "invite_people", str(work / "人員.csv")]),
    ]:
        wall, cpu, peak, out = measured(command)
        if "added" not in out and "invited" not in out:
            raise SystemExit(f"{label} failed on {env_note}: {out[-500:]}")
        print(f"{label}: {wall:.1f} s wall, {cpu:.1f} s CPU, peak {peak:.0f} MB — {out.strip()[:160]}")
        figures[label] = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "peak_mb": round(peak)}

    supervisor = get_user_model().objects.get(email="rdec@bench.gov.tw")
    client = Client()
    client.force_login(supervisor)
    client.get("/people/")  # warm
    page: list[float] = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get("/people/")
        page.append(time.perf_counter() - started)
        assert response.status_code == 200
    figures["people_page_ms"] = dict(zip(("p50", "p95"), percentiles(page), strict=True))

    from servq.agencies.models import Agency
    from servq.agencies.rules import Role, may_grant
    from servq.agencies.selectors import forget_grants, grants_of

    targets = list(Agency.objects.order_by("?").values_list("pk", "path", "kind")[:1000])
    check: list[float] = []
    perm: list[float] = []
    for pk, path, kind in targets[: RUNS * 4]:
        forget_grants(supervisor)
        started = time.perf_counter()
        may_grant(grants_of(supervisor), Role.COORDINATOR, path, kind == "unit")
        check.append(time.perf_counter() - started)
        agency = Agency.objects.get(pk=pk)
        forget_grants(supervisor)
        started = time.perf_counter()
        supervisor.has_perm("agencies.act_on_agency", agency)
        perm.append(time.perf_counter() - started)
    figures["may_grant_ms"] = dict(zip(("p50", "p95"), percentiles(check), strict=True))
    figures["act_on_agency_ms"] = dict(zip(("p50", "p95"), percentiles(perm), strict=True))
    print(
        f"/people/ p50 {figures['people_page_ms']['p50']} ms p95 {figures['people_page_ms']['p95']} ms; "  # type: ignore[index]
        f"may_grant p95 {figures['may_grant_ms']['p95']} ms; act_on_agency p95 {figures['act_on_agency_ms']['p95']} ms"  # type: ignore[index]
    )
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
