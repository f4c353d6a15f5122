"""Background work for the plan cycle, run by the task worker (django-tasks)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.utils import timezone
from django_tasks import task

from servq.agencies.rules import Role
from servq.core import scheduler
from servq.core.rules import format_roc_date
from servq.plans import readings, selectors
from servq.plans.models import PlanCycle


@task()
def remind_unsubmitted(*, cycle_id: int, sender_id: int | None = None) -> int:
    """E-mail the coordinators of every participating agency whose plan is not submitted yet."""
    cycle = PlanCycle.objects.select_related("agency").get(pk=cycle_id)
    rows = selectors.board_rows(cycle, today=timezone.localdate(), user=None, supervising=True)
    waiting = [row.agency for row in rows if row.state in ("none", "draft", "returned")]
    due = cycle.submit_by
    due_text = format_roc_date(due)
    coordinators = (
        get_user_model()
        .objects.filter(memberships__agency__in=waiting, memberships__role=Role.COORDINATOR, is_active=True)
        .exclude(email="")
        .prefetch_related("memberships__agency")
        .distinct()
    )
    messages = []
    for user in coordinators:
        agencies = "、".join(m.agency.name for m in user.memberships.all() if m.agency in waiting)
        body = (
            f"{user.get_full_name() or user.get_username()} 您好：\n\n"
            f"「{cycle.title}」的計畫送審期限為 {due_text}，{agencies} 的計畫尚未送審。"
            f"請登入 servq 完成並送出。\n\n{cycle.agency.name}"
        )
        messages.append(
            (f"[servq] 提醒：{cycle.title} 計畫尚未送審", body, settings.DEFAULT_FROM_EMAIL, [user.email])
        )
    return send_mass_mail(messages, fail_silently=False) if messages else 0


@task()
def warm_indicator_readings() -> int:
    """Compute this year's value of every measure-bound indicator, so dashboards read them kept."""
    return readings.warm(timezone.localdate())


@scheduler.every(10, name="plans.warm_indicator_readings")
def _enqueue_warming() -> None:
    warm_indicator_readings.enqueue()
