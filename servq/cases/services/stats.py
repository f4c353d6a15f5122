"""Cases services: stats: the roll-ups analytics read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from servq.cases.models import (
    STATS_SHARDS,
    Case,
    CaseStats,
    CloseTime,
)

# --- stats: the roll-ups analytics read ------------------------------------------------------------


def _month(case: Case) -> dt.date:
    return timezone.localdate(case.received_at).replace(day=1)


def _bump_stats(case: Case, **deltas: int) -> None:
    """Add to the roll-up row of the case's month, agency, unit, category and channel (race-safe)."""
    key = {
        "month": _month(case),
        "agency_id": case.agency_id,
        "unit_id": case.unit_id,
        "category_id": case.category_id,
        "channel": case.channel,
        "shard": case.pk % STATS_SHARDS,
    }
    _upsert_or_add(key, {name: deltas.get(name, 0) for name in STATS_COUNTS})


def _upsert_or_add(key: dict[str, Any], counts: dict[str, int]) -> None:
    """Add ``counts`` to the roll-up row of ``key`` (one per month, agency, unit, category, channel
    and shard), creating it."""
    if connection.features.supports_nulls_distinct_unique_constraints:
        _upsert_stats(key, counts)
        return
    # Elsewhere (SQLite) the key has no unique constraint to upsert on: update, else create.
    increments = {name: F(name) + delta for name, delta in counts.items()}
    if not CaseStats.objects.filter(**key).update(**increments):
        CaseStats.objects.create(**key, **counts)


STATS_KEY = ("month", "agency_id", "unit_id", "category_id", "channel", "shard")
STATS_COUNTS = ("received", "closed", "closed_on_time")
STATS_UPSERT = """
INSERT INTO cases_casestats (month, agency_id, unit_id, category_id, channel, shard, received, closed, closed_on_time)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT ON CONSTRAINT stats_one_per_key DO UPDATE SET
    received = cases_casestats.received + EXCLUDED.received,
    closed = cases_casestats.closed + EXCLUDED.closed,
    closed_on_time = cases_casestats.closed_on_time + EXCLUDED.closed_on_time
"""


def _upsert_stats(key: dict[str, Any], counts: dict[str, int]) -> None:
    """One statement instead of the ORM's update-then-create: intake is the hottest write there is
    (PostgreSQL 15+, where the key's NULL unit counts as one value)."""
    with connection.cursor() as cursor:
        cursor.execute(
            STATS_UPSERT, [key[name] for name in STATS_KEY] + [counts[name] for name in STATS_COUNTS]
        )


def fold_stats_shards(*, before: dt.date) -> int:
    """Fold the roll-up rows of months before ``before`` back into one row per key; the rows removed.

    Intake spreads a month's counts over STATS_SHARDS rows per key so that it never queues on one
    lock; once the month is past, hardly anything writes to it, and one row per key is a quarter of
    what the analytics sum. One short transaction per key: a close counted meanwhile waits for that
    key's locks and then lands in a row of its own, which the next fold takes in."""
    spread = CaseStats.objects.filter(month__lt=before, shard__gt=0)
    keys = sorted({tuple(row) for row in spread.values_list(*STATS_KEY[:-1]).order_by()}, key=str)
    return sum(_fold_key(dict(zip(STATS_KEY[:-1], key, strict=True))) for key in keys)


@transaction.atomic
def _fold_key(key: dict[str, Any]) -> int:
    kept, *folded = CaseStats.objects.select_for_update().filter(**key).order_by("shard", "id")
    for name in STATS_COUNTS:
        setattr(kept, name, sum(getattr(row, name) for row in (kept, *folded)))
    CaseStats.objects.filter(pk__in=[row.pk for row in folded]).delete()
    kept.shard = 0
    kept.save(update_fields=["shard", *STATS_COUNTS])
    return len(folded)


def _count_close(case: Case, sign: int) -> None:
    """Count (or, on reopening, uncount) a close in the month it was received, and its duration."""
    assert case.closed_at is not None
    _bump_stats(case, closed=sign, closed_on_time=sign if case.closed_on_time else 0)
    days = max((timezone.localdate(case.closed_at) - timezone.localdate(case.received_at)).days, 0)
    key = {"month": _month(case), "agency": case.agency, "category_id": case.category_id, "days": days}
    if CloseTime.objects.filter(**key).update(cases=F("cases") + sign):
        return
    if sign > 0:
        try:
            with transaction.atomic():
                CloseTime.objects.create(**key, cases=1)
        except IntegrityError:
            CloseTime.objects.filter(**key).update(cases=F("cases") + 1)
