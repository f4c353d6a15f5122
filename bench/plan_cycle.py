"""Benchmark: the plan edit page with 300 items (server time and query count).

Run: .venv/bin/python bench/plan_cycle.py   (DATABASE_URL=postgres://... to measure on PostgreSQL)
Prints its figures; the last line is one JSON object.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup_django

ITEMS = 300
RUNS = 20


def build_plan():
    from django.contrib.auth import get_user_model

    from servq.agencies import services as agencies
    from servq.plans.models import FrameworkNode, ItemUnit, Plan, PlanItem, Program

    root = agencies.create_agency(by=None, code="bench-root", name="效能測試市政府", kind="parent_body")
    agency = agencies.create_agency(
        by=None, code="bench-a", name="效能測試局", kind="first_level", parent=root
    )
    unit = agencies.create_agency(by=None, code="bench-u", name="資訊科", kind="unit", parent=agency)
    user = get_user_model().objects.create_user("bench-coordinator", password="x")
    agencies.grant_role(by=None, user=user, agency=agency, role="coordinator")
    program = Program.objects.create(slug="bench", name="效能測試方案", first_year=2026, last_year=2026)
    plan = Plan.objects.create(
        program=program,
        agency=agency,
        kind="execution",
        title="效能測試計畫",
        first_year=2026,
        last_year=2026,
    )
    nodes = [FrameworkNode.objects.create(plan=plan, title=f"面向{n}", position=n) for n in range(10)]
    items = PlanItem.objects.bulk_create(
        PlanItem(
            plan=plan,
            node=nodes[n % 10],
            position=n,
            text=f"第{n}項：網站提供正確之連結資訊並即時更新",
            deadline_raw="經常辦理",
            deadline_kind="continuous",
            expected_benefit="提升民眾滿意度",
        )
        for n in range(ITEMS)
    )
    ItemUnit.objects.bulk_create(ItemUnit(item=i, name="資訊科", unit=unit) for i in items)
    return plan, user


def measure_edit_page(plan, user):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    url = f"/plans/{plan.pk}/edit/"
    assert client.get(url).status_code == 200  # warm up
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return {
        "edit_page_ms_median": round(statistics.median(timings), 1),
        "edit_page_ms_p95": round(sorted(timings)[int(0.95 * (RUNS - 1))], 1),
        "edit_page_queries": len(queries.captured_queries),
    }


def main() -> None:
    vendor = setup_django("plan_cycle.sqlite3")
    plan, user = build_plan()
    figures = {"database": vendor, "items": ITEMS, **measure_edit_page(plan, user)}
    print(
        f"edit page, {ITEMS} items on {vendor}: median {figures['edit_page_ms_median']} ms, "
        f"p95 {figures['edit_page_ms_p95']} ms, {figures['edit_page_queries']} queries (aim: < 300 ms)"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
