"""Background work of inspections: the findings' reminders, overdue notices and escalations."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from servq.core import leases, scheduler
from servq.inspections import services


@task()
def send_finding_notices() -> dict[str, int]:
    """Queue today's notices of unanswered findings and send every unsent one; one worker at a time."""
    try:
        with leases.held("inspections.notices:all"):
            planned = services.plan_finding_notices(today=timezone.localdate())
            sent = services.send_finding_notices()
    except leases.LeaseBusy:
        return {"planned": 0, "sent": 0}
    return {"planned": planned, "sent": sent}


@leases.on_expiry("inspections.notices")
def _notices_interrupted(key: str) -> None:
    transaction.on_commit(send_finding_notices.enqueue)


@scheduler.every(60, name="inspections.send_finding_notices")
def _enqueue_notices() -> None:
    send_finding_notices.enqueue()
