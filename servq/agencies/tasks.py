"""Agencies' background work: mailing invitations."""

from __future__ import annotations

from django_tasks import task

from servq.agencies import services
from servq.core import scheduler


@task()
def send_invitations() -> int:
    """Mail the invitations written or resent since the last run."""
    return services.send_invitations_due()


@scheduler.every(1, name="agencies.send_invitations")
def _enqueue_invitations() -> None:
    send_invitations.enqueue()
