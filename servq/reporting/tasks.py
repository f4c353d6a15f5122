"""Background work of the reporting cycle, run by the task worker and enqueued by the scheduler."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from servq.core import leases, scheduler
from servq.reporting import services
from servq.reporting.models import ReportingPeriod


@task()
def send_due_notices() -> dict[str, int]:
    """Queue today's reminders, overdue notices and escalations, then send every unsent one; one
    worker at a time, under a lease (a worker that dies mid-run has the run queued again)."""
    try:
        with leases.held("reporting.notices:all"):
            planned = services.plan_notices(today=timezone.localdate())
            sent = services.send_notices()
    except leases.LeaseBusy:
        return {"planned": 0, "sent": 0}
    return {"planned": planned, "sent": sent}


@leases.on_expiry("reporting.notices")
def _notices_interrupted(key: str) -> None:
    transaction.on_commit(send_due_notices.enqueue)


@task()
def refresh_measured_actuals() -> int:
    """Re-read every measure-bound indicator for the periods still open."""
    return sum(
        services.refresh_measured_actuals(period=period)
        for period in ReportingPeriod.objects.filter(closed_at__isnull=True).select_related("cycle")
    )


@scheduler.every(60, name="reporting.send_due_notices")
def _enqueue_notices() -> None:
    send_due_notices.enqueue()


@scheduler.every(24 * 60, name="reporting.refresh_measured_actuals")
def _enqueue_measures() -> None:
    refresh_measured_actuals.enqueue()
