"""Reads the records pages share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from servq.activities.kinds import Kind
from servq.activities.models import PointKind, ServicePoint
from servq.agencies.models import Agency


def records_of(kind: Kind, agency: Agency) -> QuerySet[Any]:
    """The kind's records of the agency, newest first, with what their list shows read at once."""
    related = [c for c in kind.columns if c in ("section", "unit", "reviewer")]
    return kind.model._default_manager.filter(agency=agency).select_related(*related)


def _open_on(today: dt.date) -> Q:
    return (Q(closed_on__isnull=True) | Q(closed_on__gte=today)) & Q(opened_on__lte=today)


def open_service_points(today: dt.date) -> QuerySet[ServicePoint]:
    """Every counter and outreach point open today, for the public list (Wi-Fi hotspots apart)."""
    return (
        ServicePoint.objects.filter(_open_on(today))
        .exclude(kind=PointKind.WIFI)
        .select_related("agency")
        .order_by("agency__path", "district", "name")
    )


def wifi_by_district(today: dt.date) -> list[tuple[str, int]]:
    """How many free Wi-Fi hotspots each 鄉鎮市區 has open today."""
    rows = (
        ServicePoint.objects.filter(_open_on(today), kind=PointKind.WIFI)
        .values("district")
        .annotate(n=Count("id"))
        .order_by("district")
    )
    return [(row["district"], row["n"]) for row in rows]
