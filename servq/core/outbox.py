"""Delivering an outbox: one message at a time, each failure kept to its own row.

Every outbox (citizen mail, reporting notices, and those to come) is a model with the fields of
``core.models.OutboxMessage`` and is drained by ``deliver``. A message that raises is retried after
a back-off and, after ``SERVQ_OUTBOX_MAX_ATTEMPTS`` tries, parked as dead; the messages behind it go
out regardless. Two workers never send the same row (claimed with SKIP LOCKED on PostgreSQL).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from servq.core.models import OutboxMessage
from servq.core.rules import retry_delay

logger = logging.getLogger(__name__)
M = TypeVar("M", bound=OutboxMessage)


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    dead: int = 0


def waiting(queryset: QuerySet[M]) -> QuerySet[M]:
    """Messages still to go: of the kind this outbox delivers at all (``DELIVERED``), not sent, not dead."""
    return queryset.filter(sent_at__isnull=True, failed_at__isnull=True, **queryset.model.DELIVERED)


def due(queryset: QuerySet[M]) -> QuerySet[M]:
    """Messages waiting to go now: past their back-off."""
    return waiting(queryset).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()))


def deliver(queryset: QuerySet[M], send: Callable[[M], None], *, limit: int = 1000) -> Delivery:
    """Send due messages one transaction each; a failure is recorded on its row and the run goes on."""
    result = Delivery()
    for _ in range(limit):
        with transaction.atomic():
            message = due(queryset).select_for_update(skip_locked=True, of=("self",)).order_by("id").first()
            if message is None:
                break
            try:
                send(message)
            except Exception as error:  # any failure of one message is that message's alone
                _record_failure(message, error, result)
            else:
                type(message)._default_manager.filter(pk=message.pk).update(sent_at=timezone.now())
                result.sent += 1
    return result


def _record_failure(message: OutboxMessage, error: Exception, result: Delivery) -> None:
    attempts = message.attempts + 1
    now = timezone.now()
    dead = attempts >= settings.SERVQ_OUTBOX_MAX_ATTEMPTS
    type(message)._default_manager.filter(pk=message.pk).update(
        attempts=attempts,
        last_error=f"{error.__class__.__name__}: {error}"[:500],
        next_attempt_at=now + retry_delay(attempts),
        failed_at=now if dead else None,
    )
    result.failed += 1
    if dead:
        result.dead += 1
        logger.error(
            "outbox: %s %s is dead after %d attempts: %s", message._meta.label, message.pk, attempts, error
        )
    else:
        logger.warning(
            "outbox: %s %s failed (attempt %d): %s", message._meta.label, message.pk, attempts, error
        )


@transaction.atomic
def retry_dead(queryset: QuerySet[M]) -> int:
    """An operator's second chance for dead messages (after fixing the address or the mail server)."""
    return queryset.filter(sent_at__isnull=True, failed_at__isnull=False).update(
        failed_at=None, attempts=0, next_attempt_at=None
    )
