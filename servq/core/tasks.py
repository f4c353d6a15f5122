"""Core background work: handing back the work of workers that died (expired leases)."""

from __future__ import annotations

from django_tasks import task

from servq.core import leases, scheduler


@task()
def reap_expired_leases() -> list[str]:
    return leases.reap_expired()


@scheduler.every(1, name="core.reap_expired_leases")
def _enqueue_reaper() -> None:
    reap_expired_leases.enqueue()
