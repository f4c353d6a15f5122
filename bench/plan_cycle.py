"""Benchmark the plan cycle: the edit page of a 300-item plan, search over 2,000 plans × 50 items,
and the PDF export of a 300-item plan.

Run: .venv/bin/python bench/plan_cycle.py
Uses DATABASE_URL when set, else PostgreSQL at postgres://postgres@127.0.0.1:5432/servq_bench_cycle
(created when missing), else a temporary SQLite file. Prints its figures; the last line is one JSON object.
Aims: edit page < 300 ms with a fixed query count; search p95 < 100 ms for one- and two-character
queries on PostgreSQL; PDF of 300 items < 5 s.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import setup_postgres_or_sqlite
from _size import size

ITEMS = size("ITEMS", 300, 20)
RUNS = size("RUNS", 20, 2)
SEARCH_PLANS = size("SEARCH_PLANS", 2000, 20)
SEARCH_ITEMS = size("SEARCH_ITEMS", 50, 5)
QUERIES = {
    "one character": ["網", "禮", "站", "開"],
    "two characters": ["網站", "開放", "禮貌", "陳情"],
    "ASCII": ["faq", "www"],
    "longer": ["連結資訊", "滿意度調查"],
}
VOCABULARY = [
    "網站提供正確之連結資訊並即時更新",
    "建置常見問題集(FAQ)並定期更新",
    "注重服務人員禮貌態度",
    "辦理電話禮貌測試",
    "推動資料開放，公開於政府資料開放平臺",
    "陳情案件於處理期限內結案",
    "辦理服務滿意度調查",
    "設置單一窗口全功能櫃台",
    "簡化申辦流程與書表",
    "提供線上申辦及進度查詢",
    "強化無障礙網頁檢測",
    "於WWW提供雙語服務資訊",
    "建置行動化服務",
    "辦理為民服務教育訓練",
    "定期檢查洽公環境設備",
    "跨機關資料介接與電子查驗",
    "公開施政計畫與預算資訊",
]


def build_plan():
    from django.contrib.auth import get_user_model

    from servq.agencies import services as agencies
    from servq.plans.models import FrameworkNode, ItemUnit, Plan, PlanItem, Program

    root = agencies.create_agency(by=None, code="bench-root", name="效能測試市政府", kind="parent_body")
    agency = agencies.create_agency(by=None, code="bench-a", name="效能測試局", kind="agency", parent=root)
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


def build_search_corpus(agency):
    """2,000 published plans of 50 seed-like items each, indexed through the search service."""
    import random

    from servq.plans.models import Plan, PlanItem, Program
    from servq.search.services import reindex_plans

    rng = random.Random(7)
    program = Program.objects.get(slug="bench")
    plans = Plan.objects.bulk_create(
        Plan(
            program=program,
            agency=agency,
            kind="execution",
            title=f"搜尋效能測試計畫{n}",
            status="published",
            first_year=2026,
            last_year=2026,
        )
        for n in range(SEARCH_PLANS)
    )
    PlanItem.objects.bulk_create(
        (
            PlanItem(
                plan=plan,
                position=k,
                text="，".join(rng.sample(VOCABULARY, 3)),
                deadline_raw="經常辦理",
                deadline_kind="continuous",
            )
            for plan in plans
            for k in range(SEARCH_ITEMS)
        ),
        batch_size=5000,
    )
    start = time.perf_counter()
    reindex_plans(plans)
    return time.perf_counter() - start


def measure_search():
    from django.contrib.auth.models import AnonymousUser

    from servq.plans.models import PlanItem
    from servq.search.selectors import search

    anyone = AnonymousUser()
    figures = {}
    for label, queries in QUERIES.items():
        timings = []
        for _ in range(5):
            for query in queries:
                start = time.perf_counter()
                hits = list(search(anyone, query)[:20])
                timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        figures[label] = {
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
            "hits": len(hits),
        }
    naive = []
    for query in QUERIES["two characters"]:
        start = time.perf_counter()
        list(
            PlanItem.objects.filter(text__icontains=query).values_list("pk", flat=True)
        )  # all hits, as ranking needs
        naive.append((time.perf_counter() - start) * 1000)
    figures["naive_icontains_all_hits_ms_median"] = round(statistics.median(naive), 1)
    return figures


def measure_pdf(plan):
    from servq.plans.exporting import export

    start = time.perf_counter()
    size = len(export(plan, "pdf"))
    return {"pdf_seconds": round(time.perf_counter() - start, 3), "pdf_bytes": size}


def main() -> None:

    vendor = setup_postgres_or_sqlite("servq_bench_cycle", "plan_cycle.sqlite3")
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    plan, user = build_plan()
    figures = {"database": vendor, "items": ITEMS, **measure_edit_page(plan, user)}
    print(
        f"edit page, {ITEMS} items on {vendor}: median {figures['edit_page_ms_median']} ms, "
        f"p95 {figures['edit_page_ms_p95']} ms, {figures['edit_page_queries']} queries (aim: < 300 ms)"
    )
    figures.update(measure_pdf(plan))
    print(f"PDF of {ITEMS} items: {figures['pdf_seconds']} s, {figures['pdf_bytes']:,} bytes (aim: < 5 s)")
    figures["search_index_seconds"] = round(build_search_corpus(plan.agency), 1)
    print(f"search index of {SEARCH_PLANS} plans x {SEARCH_ITEMS} items: {figures['search_index_seconds']} s")
    figures["search"] = measure_search()
    for label, result in figures["search"].items():
        print(f"search, {label}: {result}")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
