"""The demo's plans: servq's sample plans (the .txt files beside this module) and, where
``../shared/seeds`` exists, the five seed plans; then the demo city's cycle."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from servq.agencies.models import Agency
from servq.agencies.selectors import find_by_name
from servq.core import demo
from servq.core.rules import format_roc_year
from servq.plans import services
from servq.plans.importing import PlanFileError, parse_file
from servq.plans.models import Plan, PlanCycle

SAMPLES_DIR = Path(__file__).resolve().parent


def sample_files() -> list[Path]:
    return sorted(SAMPLES_DIR.glob("*.txt"))


def seed_files() -> list[Path]:
    seeds_dir = Path(settings.SERVQ_SEEDS_DIR)
    return sorted(seeds_dir.glob("*.txt")) if seeds_dir.is_dir() else []


# servq's own sample plans: which demo agency owns each, and whether it is published or still a draft.
SAMPLE_OWNERS = {
    "01_framework_table.txt": ("demo", "published"),
    "02_tab_table.txt": ("demo-civil", "published"),
    # 北區區公所 sent its plan in, late: the supervisor's home shows it waiting for review.
    "03_outline.txt": ("demo-north", "submitted"),
}


@demo.part(20, "plans")
def load_plans(log: demo.Log) -> str | None:
    """Import the sample plans and the seed plans once each; a plan already there is left alone."""
    imported = skipped = 0
    jobs: list[tuple[Path, str | None, str]] = [
        (path, *SAMPLE_OWNERS.get(path.name, ("demo", "draft"))) for path in sample_files()
    ]
    jobs += [(path, None, "published") for path in seed_files()]
    for path, code, status in jobs:
        try:
            parsed = parse_file(path, max_bytes=settings.SERVQ_IMPORT_MAX_BYTES)
        except PlanFileError as error:
            log(f"demo: skipped {error}")
            continue
        agency = Agency.objects.get(code=code) if code else find_by_name(parsed.agency_name)
        if agency is None:
            log(f"demo: skipped {path.name}: no demo agency named 「{parsed.agency_name}」")
            continue
        try:
            services.import_plan_file(by=None, path=path, agency=agency, status=status, parsed=parsed)
        except services.PlanImportError:
            skipped += 1
            continue
        imported += 1
    if not imported:
        return None
    return f"demo: {imported} plans imported, {skipped} already there"


@demo.part(30, "cycle")
def ensure_demo_cycle(log: demo.Log) -> str | None:
    """The 115年 cycle of the demo city, so the supervisor's board has agencies on it."""
    root = Agency.objects.get(code="demo")
    framework = Plan.objects.filter(agency=root, kind="implementation").order_by("-first_year").first()
    if framework is None or PlanCycle.objects.filter(agency=root, year=framework.first_year).exists():
        return None
    participants = list(Agency.objects.filter(code__in=["demo-civil", "demo-north"]))
    cycle = services.open_cycle(
        by=None,
        program=framework.program,
        agency=root,
        year=framework.first_year,
        title=f"{format_roc_year(framework.first_year)}度提升服務品質",
        framework=framework,
        participants=participants,
        submit_by=dt.date(framework.first_year, 1, 30),
        review_by=dt.date(framework.first_year, 2, 27),
        approve_by=dt.date(framework.first_year, 3, 31),
        # 001 and 003 publish by the end of January; the demo city approves in March, so April.
        publish_by=dt.date(framework.first_year, 4, 30),
    )
    for plan in Plan.objects.filter(agency__in=participants, first_year=framework.first_year, cycle=None):
        services.link_plan_to_cycle(by=None, plan=plan, cycle=cycle)
    return f"demo: the {cycle.title} cycle with {len(participants)} agencies"


# 民政局's indicators, from the expected benefits its plan states (98% on time, 100% valid links,
# 4 courtesy tests, 90% satisfied, 12 datasets) and the records it keeps; each read live from servq.
DEMO_INDICATORS = [
    ("申請案件依限完成比率", "%", "higher", Decimal(98), "services.on_time_rate"),
    ("陳情案件如期結案率", "%", "higher", Decimal(95), "cases.on_time_rate"),
    ("網站有效連結率", "%", "higher", Decimal(100), "webcheck.valid_link_rate"),
    ("網站專區每月檢視達成率", "%", "higher", Decimal(100), "activities.monthly_reviews"),
    ("電話禮貌測試次數", "次", "higher", Decimal(4), "surveys.courtesy_tests"),
    ("民眾滿意度", "%", "higher", Decimal(90), "surveys.satisfaction"),
    ("開放資料集累計數", "項", "higher", Decimal(12), "opendata.published"),
    ("辦理研習場次", "場", "higher", Decimal(2), "activities.training_sessions"),
    ("公文電子交換率", "%", "higher", Decimal(85), "activities.e_exchange_share"),
]


@demo.part(35, "indicators")
def ensure_demo_indicators(log: demo.Log) -> str | None:
    """民政局's plan in the cycle gets its indicators, bound to measures, once."""
    plan = (
        Plan.objects.filter(agency__code="demo-civil", cycle__isnull=False)
        .exclude(status="superseded")
        .order_by("-first_year")
        .first()
    )
    if plan is None or plan.indicators.exists():
        return None
    made = services.seed_indicators(plan=plan, rows=DEMO_INDICATORS)
    return f"demo: {len(made)} indicators of 民政局, each read from a measure"
