"""Core background work: handing back the work of workers that died (expired leases)."""

from __future__ import annotations

from django_tasks import task

from servq.core import leases, notices, scheduler


@task()
def reap_expired_leases() -> list[str]:
    return leases.reap_expired()


@scheduler.every(1, name="core.reap_expired_leases")
def _enqueue_reaper() -> None:
    reap_expired_leases.enqueue()


@task()
def send_notification_mail() -> int:
    """E-mail the notices written since the last run (the in-app copy is already there)."""
    return notices.send_mail_due()


@scheduler.every(1, name="core.send_notification_mail")
def _enqueue_notification_mail() -> None:
    send_notification_mail.enqueue()
