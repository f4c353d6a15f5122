"""Leases for long tasks: one holder at a time, a heartbeat while it works, recovery when it dies.

    with leases.held("webcheck.check:42"):
        crawl()

``held`` raises ``LeaseBusy`` when a live holder has the name. A heartbeat thread pushes the
expiry forward every third of the lease time; a worker killed mid-task stops beating and its lease
expires. The reaper (``reap_expired``, run every minute by the scheduler) deletes expired leases and
calls the recovery each app registered for the name's kind (the part before the colon), which marks
the work failed and queues it again.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from servq.core.models import Lease

logger = logging.getLogger(__name__)
_RECOVERIES: dict[str, Callable[[str], None]] = {}


class LeaseBusy(RuntimeError):
    """Another live worker holds this lease."""


def lease_time() -> dt.timedelta:
    return dt.timedelta(seconds=settings.SERVQ_LEASE_SECONDS)


def on_expiry(kind: str) -> Callable[[Callable[[str], None]], Callable[[str], None]]:
    """Register what to do when a lease of ``kind`` ('webcheck.check') expired: called with the
    part of the name after the colon (the object's id)."""

    def register(recover: Callable[[str], None]) -> Callable[[str], None]:
        _RECOVERIES[kind] = recover
        return recover

    return register


def acquire(name: str, *, ttl: dt.timedelta | None = None) -> str:
    """Take the lease ``name`` (free or expired); its holder token. LeaseBusy if someone holds it."""
    ttl = ttl or lease_time()
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    now = timezone.now()
    try:
        with transaction.atomic():
            Lease.objects.create(name=name, holder=holder, acquired_at=now, expires_at=now + ttl)
            return holder
    except IntegrityError:
        pass
    taken = Lease.objects.filter(name=name, expires_at__lt=now).update(
        holder=holder, acquired_at=now, expires_at=now + ttl
    )
    if not taken:
        raise LeaseBusy(name)
    return holder


def beat(name: str, holder: str, *, ttl: dt.timedelta | None = None) -> bool:
    """Push the lease's expiry forward; False when it is no longer ours (expired and taken over)."""
    ttl = ttl or lease_time()
    return bool(Lease.objects.filter(name=name, holder=holder).update(expires_at=timezone.now() + ttl))


def release(name: str, holder: str) -> None:
    Lease.objects.filter(name=name, holder=holder).delete()


@contextmanager
def held(name: str, *, ttl: dt.timedelta | None = None) -> Iterator[str]:
    """Hold ``name`` for the duration of the block, beating in a thread of its own."""
    ttl = ttl or lease_time()
    holder = acquire(name, ttl=ttl)
    stop = threading.Event()
    heart = threading.Thread(target=_beat_until, args=(name, holder, ttl, stop), daemon=True)
    heart.start()
    try:
        yield holder
    finally:
        stop.set()
        heart.join()
        release(name, holder)


def _beat_until(name: str, holder: str, ttl: dt.timedelta, stop: threading.Event) -> None:
    try:
        while not stop.wait(ttl.total_seconds() / 3):
            if not beat(name, holder, ttl=ttl):
                logger.warning("lease %s was lost by %s", name, holder)
                return
    finally:
        connection.close()  # this thread's own connection


def reap_expired(*, now: dt.datetime | None = None) -> list[str]:
    """Delete expired leases and run their kinds' recovery; the names reaped."""
    now = now or timezone.now()
    reaped = []
    for lease in Lease.objects.filter(expires_at__lt=now).order_by("id"):
        with transaction.atomic():
            if not Lease.objects.filter(pk=lease.pk, holder=lease.holder, expires_at__lt=now).delete()[0]:
                continue  # renewed or taken over meanwhile
            kind, _, key = lease.name.partition(":")
            recover = _RECOVERIES.get(kind)
            if recover is not None:
                recover(key)
            logger.warning(
                "lease %s of %s expired; %s", lease.name, lease.holder, "recovered" if recover else "released"
            )
            reaped.append(lease.name)
    return reaped
