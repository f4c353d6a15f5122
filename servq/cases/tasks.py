"""Background work of cases: citizen mail, this month's term counts for the topics, and the daily
fold of past months' roll-ups."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from servq.cases import services, topics
from servq.cases.models import Case, TermCount
from servq.core import leases, scheduler

TERMS_KEPT = 500


@task()
def refresh_topics(*, month: str = "") -> int:
    """Recount the terms of one month's cases (default: this month) per body; the rows stored."""
    first = dt.date.fromisoformat(month) if month else timezone.localdate().replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    stored = 0
    cases = Case.objects.filter(received_at__date__gte=first, received_at__date__lt=following)
    for body_id in cases.values_list("body_id", flat=True).distinct().order_by():
        texts = cases.filter(body_id=body_id).values_list("description", flat=True).iterator(chunk_size=2000)
        counts = topics.count_terms(texts).most_common(TERMS_KEPT)
        with transaction.atomic():
            TermCount.objects.filter(month=first, body_id=body_id).delete()
            TermCount.objects.bulk_create(
                TermCount(month=first, body_id=body_id, term=term[:40], count=n) for term, n in counts
            )
        stored += len(counts)
    return stored


@task()
def fold_stats_shards() -> int:
    """Past months' roll-ups back to one row per key (see services.fold_stats_shards), one worker at
    a time under a lease; each key folds in its own transaction, so a run cut short loses nothing."""
    try:
        with leases.held("cases.fold:all"):
            return services.fold_stats_shards(before=timezone.localdate().replace(day=1))
    except leases.LeaseBusy:
        return 0


@leases.on_expiry("cases.fold")
def _fold_interrupted(key: str) -> None:
    transaction.on_commit(fold_stats_shards.enqueue)


@task()
def send_citizen_mail() -> int:
    return services.send_pending_mail()


@scheduler.every(1, name="cases.send_citizen_mail")
def _enqueue_mail() -> None:
    send_citizen_mail.enqueue()


@scheduler.every(24 * 60, name="cases.fold_stats_shards")
def _enqueue_fold() -> None:
    fold_stats_shards.enqueue()


@scheduler.every(60, name="cases.refresh_topics")
def _enqueue_topics() -> None:
    refresh_topics.enqueue()
