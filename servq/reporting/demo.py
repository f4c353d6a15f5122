"""Demo reporting data: the demo cycle's periods and calendar, a quarter reported, a half-year graded."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from servq.core import demo
from servq.plans.models import Plan, PlanCycle
from servq.reporting import rules, services
from servq.reporting.models import ReportingPeriod

DEMO_STATUSES = ["done", "on_track", "on_track", "at_risk", "late", "done"]


@transaction.atomic
def ensure_demo_reporting() -> bool:
    """Idempotent: does nothing once the demo cycle has periods."""
    cycle = PlanCycle.objects.filter(agency__code="demo").order_by("-year").first()
    if cycle is None or ReportingPeriod.objects.filter(cycle=cycle).exists():
        return False
    users = get_user_model().objects.in_bulk(["supervisor", "coordinator"], field_name="username")
    supervisor, coordinator = users["supervisor"], users["coordinator"]
    quarters = services.set_up_periods(
        by=supervisor, cycle=cycle, frequency="quarterly", due_rule="結束後10個工作日內"
    )
    services.set_up_periods(by=supervisor, cycle=cycle, frequency="yearly", due_rule="次年1月20日前")
    services.set_schedule(by=supervisor, cycle=cycle, steps=rules.schedule_rows(cycle.program.schedule))
    plan = Plan.objects.filter(cycle=cycle, agency__code="demo-civil").exclude(status="superseded").first()
    if plan is None:
        return True
    items = list(plan.items.order_by("position"))
    for index, item in enumerate(items):
        services.save_progress(
            by=coordinator,
            item=item,
            period=quarters[0],
            status=DEMO_STATUSES[index % len(DEMO_STATUSES)],
            narrative=f"第一季已依計畫辦理：{item.text[:40]}",
        )
    services.submit_report(by=coordinator, plan=plan, period=quarters[0])
    grades = {item.pk: ("good", "") for item in items}
    evaluation = services.save_self_evaluation(
        by=coordinator,
        plan=plan,
        year=cycle.year,
        half=1,
        overall="good",
        summary="上半年各項目大致依進度辦理，網站與電話服務品質持續改善。",
        grades=grades,
    )
    services.submit_self_evaluation(by=coordinator, evaluation=evaluation)
    return True


@demo.part(40, "reporting")
def _load_demo_part(log: demo.Log) -> str | None:
    return (
        "demo: reporting periods, calendar, a reported quarter and a self-evaluation"
        if ensure_demo_reporting()
        else None
    )
