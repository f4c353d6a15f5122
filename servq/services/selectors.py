"""Reads of the service catalogue that pages, exports, measures and the board share."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from servq.agencies.models import Agency
from servq.agencies.rules import Role
from servq.agencies.selectors import grants_of, reach_q
from servq.cases import rules as case_rules
from servq.cases.models import Case, CaseStats, CloseTime
from servq.core.rules import share
from servq.services import rules
from servq.services.models import ApplicationCount, ProcessingDays, Service


def published_services(query: str = "") -> QuerySet[Service]:
    services = Service.objects.filter(published=True).select_related("agency", "unit")
    for word in query.split()[:5]:
        services = services.filter(
            Q(name__icontains=word) | Q(summary__icontains=word) | Q(agency__name__icontains=word)
        )
    return services.order_by("agency__path", "name")


def public_service(pk: int) -> Service | None:
    return (
        Service.objects.filter(pk=pk, published=True)
        .select_related("agency", "unit", "category")
        .prefetch_related("documents", "steps", "bundled_with", "simplifications")
        .first()
    )


def services_for(user: Any) -> QuerySet[Service]:
    """The services of every agency the user reaches (own agency; supervisors their subtree)."""
    return Service.objects.filter(reach_q(user, "agency")).select_related("agency", "unit")


def service_for(user: Any, pk: int) -> Service | None:
    return (
        services_for(user)
        .prefetch_related("documents", "steps", "versions", "simplifications", "visits", "bundled_with")
        .filter(pk=pk)
        .first()
    )


def offered_by_body(body: Agency) -> QuerySet[Service]:
    """What any counter of the body can take (一處收件、全程服務): its published services."""
    return Service.objects.filter(published=True, agency__path__startswith=body.path).select_related("agency")


def counters_for(user: Any) -> QuerySet[Agency]:
    """The agencies whose counter the user works: where they hold a staff role, or their unit's agency."""
    paths = {
        g.path for g in grants_of(user) if g.role in (Role.SUPERVISOR, Role.COORDINATOR, Role.UNIT_STAFF)
    }
    units_of_user = Agency.objects.filter(path__in=paths, kind="unit").values("parent")
    return Agency.objects.filter((Q(path__in=paths) & ~Q(kind="unit")) | Q(pk__in=units_of_user)).order_by(
        "path"
    )


# --- the service board ---------------------------------------------------------------------------


@dataclass
class BoardRow:
    service: Service
    received: int = 0
    online: int = 0
    closed: int = 0
    on_time: int = 0
    overdue_open: int = 0
    median_days: int | None = None

    @property
    def on_time_rate(self) -> Decimal | None:
        return case_rules.on_time_rate(self.on_time, self.closed, self.overdue_open)

    @property
    def online_share(self) -> Decimal | None:
        return share(self.online, self.received)


BOARD_PAGE = 50


def board_services(root: Agency) -> QuerySet[Service]:
    return (
        Service.objects.filter(agency__path__startswith=root.path)
        .select_related("agency")
        .order_by("agency__path", "code")
    )


def board(services: list[Service], year: int, *, today: dt.date) -> list[BoardRow]:
    """On-time rate, median days and online share of a page of services in a year: from the roll-ups
    of imported figures and of servq's own applications (cases of each service's kind). Five queries
    whatever the volume: counts, days, case counts, case close times, open overdue cases."""
    rows = {s.pk: BoardRow(s) for s in services}
    by_category = {s.category_id: rows[s.pk] for s in services}
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    for service_id, channel, received, closed, on_time in (
        ApplicationCount.objects.filter(service__in=rows, month__range=(start, end))
        .values_list("service_id", "channel")
        .annotate(Sum("received"), Sum("closed"), Sum("closed_on_time"))
        .order_by()
    ):
        _add(rows[service_id], channel, received, closed, on_time)
    for category_id, channel, received, closed, on_time in (
        CaseStats.objects.filter(category__in=by_category, month__range=(start, end))
        .values_list("category_id", "channel")
        .annotate(Sum("received"), Sum("closed"), Sum("closed_on_time"))
        .order_by()
    ):
        _add(by_category[category_id], "online" if channel == "web" else channel, received, closed, on_time)
    histograms: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for service_id, days, n in ProcessingDays.objects.filter(service__in=rows, year=year).values_list(
        "service_id", "days", "applications"
    ):
        histograms[service_id][days] += n
    for category_id, days, n in (
        CloseTime.objects.filter(category__in=by_category, month__range=(start, end))
        .values_list("category_id", "days")
        .annotate(Sum("cases"))
        .order_by()
    ):
        histograms[by_category[category_id].service.pk][days] += n
    for category_id, n in (
        Case.objects.filter(
            category__in=by_category,
            closed_at__isnull=True,
            due_on__lt=today,
            received_at__date__range=(start, end),
        )
        .values_list("category_id")
        .annotate(Count("id"))
        .order_by()
    ):
        by_category[category_id].overdue_open += n
    for service_id, histogram in histograms.items():
        rows[service_id].median_days = case_rules.percentile_from_histogram(histogram, 0.5)
    return list(rows.values())


def _add(row: BoardRow, channel: str, received: int, closed: int, on_time: int) -> None:
    row.received += received
    row.closed += closed
    row.on_time += on_time
    if channel in rules.ONLINE_CHANNELS:
        row.online += received


def totals(rows: list[BoardRow]) -> BoardRow | None:
    """The page's rows summed (the line under the table)."""
    if not rows:
        return None
    total = BoardRow(rows[0].service)
    for row in rows:
        total.received += row.received
        total.online += row.online
        total.closed += row.closed
        total.on_time += row.on_time
        total.overdue_open += row.overdue_open
    return total


def due_for_review(services: QuerySet[Service], today: dt.date) -> list[tuple[Service, dt.date]]:
    """Services whose SOP and forms are past their review date, with that date; a service never
    reviewed counts from its last change."""
    found = []
    for service in services:
        since = service.reviewed_on or timezone.localtime(service.updated_at).date()
        due = rules.review_due(since, service.review_months)
        if due < today:
            found.append((service, due))
    return found
