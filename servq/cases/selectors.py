"""Reads of cases: who sees which, unit queues, the public query, analytics from the roll-ups."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from servq.agencies.models import Agency
from servq.agencies.selectors import reach_q
from servq.cases import rules
from servq.cases.models import (
    ApiClient,
    Case,
    CaseCategory,
    CaseEvent,
    CaseStats,
    CategoryKind,
    CloseTime,
    RoutingRule,
    TermCount,
)
from servq.core.rules import OfficeCalendar, working_days_between


def cases_for(user: Any) -> QuerySet[Case]:
    """Cases of the agencies the user reaches, and those assigned to the user's unit."""
    return Case.objects.filter(reach_q(user, "agency") | reach_q(user, "unit")).select_related(
        "agency", "unit", "category"
    )


@dataclass(frozen=True)
class QueueRow:
    case: Case
    days_left: int


def queue(cases: QuerySet[Case], *, today: dt.date, cal: OfficeCalendar, limit: int = 200) -> list[QueueRow]:
    """Open cases, those with the least time left first (negative: overdue by that many working days)."""
    open_cases = cases.filter(closed_at__isnull=True).order_by("due_on", "id")[:limit]
    return [QueueRow(case, working_days_between(today, case.due_on, cal)) for case in open_cases]


def public_timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.filter(public=True).select_related("to_agency").order_by("at", "id")


def question_asked(case: Case) -> str:
    """What staff last asked the citizen to supply (the note of the last 補正 request)."""
    event = case.events.filter(kind="waiting").order_by("-at", "-id").first()
    return event.note.removeprefix("請補充：") if event else ""


def duplicate_suggestions(
    case: Case, *, viewer: Any, days: int = 30, threshold: float = 0.35
) -> list[tuple[Case, float]]:
    """Open or recent cases of the same person or place with similar text, among the cases the
    viewer may open: a suggestion outside their reach would tell them what someone else filed."""
    since = case.received_at - dt.timedelta(days=days)
    same_person = Q()
    if case.citizen_email:
        same_person |= Q(citizen_email=case.citizen_email)
    if case.citizen_phone:
        same_person |= Q(citizen_phone=case.citizen_phone)
    place = rules.coarsen_address(case.address)
    if place:
        same_person |= Q(address__startswith=place)
    if not same_person:
        return []
    candidates = (
        cases_for(viewer)
        .filter(same_person, body=case.body, received_at__gte=since, duplicate_of__isnull=True)
        .exclude(pk=case.pk)
        .select_related(None)
        .only("number", "description", "received_at", "state")[:200]
    )
    scored = [(other, rules.similarity(case.description, other.description)) for other in candidates]
    return sorted([pair for pair in scored if pair[1] >= threshold], key=lambda pair: -pair[1])[:10]


# --- analytics ----------------------------------------------------------------------------------


@dataclass
class Analytics:
    months: list[tuple[dt.date, dict[str, Any]]]
    by_agency: list[tuple[Agency, dict[str, Any]]]
    by_unit: list[tuple[Agency, dict[str, Any]]]
    by_category: list[tuple[str, dict[str, Any]]]
    by_channel: list[tuple[str, dict[str, Any]]]
    overall: dict[str, Any]


def _figures(received: int, closed: int, on_time: int, overdue: int) -> dict[str, Any]:
    return {
        "received": received,
        "closed": closed,
        "closed_on_time": on_time,
        "open_overdue": overdue,
        "on_time_rate": rules.on_time_rate(on_time, closed, overdue),
    }


def analytics(root: Agency, start: dt.date, end: dt.date, *, today: dt.date) -> Analytics:
    """Volumes and on-time rates by month, agency, category and channel, from the roll-ups and the
    partial index of open cases: a handful of grouped queries whatever the number of cases."""
    stats = CaseStats.objects.filter(
        agency__path__startswith=root.path, month__gte=start.replace(day=1), month__lte=end
    )
    overdue = Case.objects.filter(
        agency__path__startswith=root.path,
        closed_at__isnull=True,
        due_on__lt=today,
        received_at__date__gte=start.replace(day=1),
        received_at__date__lte=end,
    )
    sums = {"r": Sum("received"), "c": Sum("closed"), "t": Sum("closed_on_time")}
    late = _overdue_by_dimension(overdue)

    def grouped(field: str) -> dict[Any, dict[str, Any]]:
        rows = stats.values_list(field).annotate(**sums).order_by()
        return {key: _figures(r or 0, c or 0, t or 0, late[field][key]) for key, r, c, t in rows}

    by_month = [
        (month, _figures(r or 0, c or 0, t or 0, late["month"][month]))
        for month, r, c, t in stats.values_list("month").annotate(**sums).order_by("month")
    ]
    agencies = grouped("agency")
    units = {key: value for key, value in grouped("unit").items() if key is not None}
    names = Agency.objects.in_bulk([*agencies, *units])
    categories = grouped("category__name")
    channels = grouped("channel")
    total = _figures(
        sum(f["received"] for f in agencies.values()),
        sum(f["closed"] for f in agencies.values()),
        sum(f["closed_on_time"] for f in agencies.values()),
        sum(f["open_overdue"] for f in agencies.values()),
    )
    return Analytics(
        months=by_month,
        by_agency=sorted(((names[k], v) for k, v in agencies.items()), key=lambda row: row[0].path),
        by_unit=sorted(((names[k], v) for k, v in units.items()), key=lambda row: row[0].path),
        by_category=sorted(categories.items(), key=lambda row: -row[1]["received"]),
        by_channel=sorted(channels.items(), key=lambda row: -row[1]["received"]),
        overall=total,
    )


# Cases drawn on the analytics map at most (a map of more dots says nothing more).
MAP_POINTS = 2000


def by_district(root: Agency, start: dt.date, end: dt.date) -> list[tuple[str, int]]:
    """Cases received per district in the period, most first (one grouped query on the cases)."""
    rows = (
        Case.objects.filter(
            agency__path__startswith=root.path, received_at__date__gte=start, received_at__date__lte=end
        )
        .exclude(district="")
        .values_list("district")
        .annotate(n=Count("id"))
        .order_by("-n", "district")
    )
    return list(rows)


def map_points(root: Agency, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Where the period's cases were placed, snapped to the public grid, with their category."""
    cases = (
        Case.objects.filter(
            agency__path__startswith=root.path,
            received_at__date__gte=start,
            received_at__date__lte=end,
            lat__isnull=False,
            long__isnull=False,
        )
        .values_list("lat", "long", "category__name")
        .order_by("-received_at")[:MAP_POINTS]
    )
    return [
        {"lat": rules.public_coordinate(lat), "long": rules.public_coordinate(long), "category": name}
        for lat, long, name in cases
    ]


def monthly_by_category(root: Agency, months: list[dt.date]) -> dict[str, list[int]]:
    """Cases received per category in each of the months, from the roll-ups (one grouped query)."""
    if not months:
        return {}
    rows = (
        CaseStats.objects.filter(
            agency__path__startswith=root.path, month__gte=months[0], month__lte=months[-1]
        )
        .values_list("category__name", "month")
        .annotate(received=Sum("received"))
        .order_by()
    )
    position = {month: index for index, month in enumerate(months)}
    found: dict[str, list[int]] = {}
    for name, month, received in rows:
        if month in position and received:
            found.setdefault(name, [0] * len(months))[position[month]] += received
    return dict(sorted(found.items(), key=lambda pair: -sum(pair[1])))


OVERDUE_DIMENSIONS = ("agency", "unit", "category__name", "channel")


def _overdue_by_dimension(overdue: QuerySet[Case]) -> dict[str, Counter[Any]]:
    """Open overdue cases counted by month, agency, unit, category and channel in one pass over the
    partial index of open cases (the roll-ups cannot hold them: a case becomes overdue by the clock,
    not by a change)."""
    late: dict[str, Counter[Any]] = {name: Counter() for name in ("month", *OVERDUE_DIMENSIONS)}
    rows = overdue.values_list("received_at__year", "received_at__month", *OVERDUE_DIMENSIONS)
    for year, month, *keys, n in rows.annotate(n=Count("id")).order_by():
        late["month"][dt.date(year, month, 1)] += n
        for name, key in zip(OVERDUE_DIMENSIONS, keys, strict=True):
            late[name][key] += n
    return late


def close_time_percentiles(root: Agency, start: dt.date, end: dt.date) -> dict[str, int | None]:
    histogram: dict[int, int] = defaultdict(int)
    for days, cases in (
        CloseTime.objects.filter(
            agency__path__startswith=root.path, month__gte=start.replace(day=1), month__lte=end
        )
        .values_list("days")
        .annotate(n=Sum("cases"))
        .order_by()
    ):
        histogram[days] += cases
    return {
        "median": rules.percentile_from_histogram(histogram, 0.5),
        "p90": rules.percentile_from_histogram(histogram, 0.9),
    }


def on_time_rate(agency_path: str, start: dt.date, end: dt.date, *, today: dt.date) -> Decimal | None:
    totals = CaseStats.objects.filter(
        agency__path__startswith=agency_path, month__gte=start.replace(day=1), month__lte=end
    ).aggregate(c=Sum("closed"), t=Sum("closed_on_time"))
    overdue = Case.objects.filter(
        agency__path__startswith=agency_path,
        closed_at__isnull=True,
        due_on__lt=today,
        received_at__date__gte=start.replace(day=1),
        received_at__date__lte=end,
    ).count()
    return rules.on_time_rate(totals["t"] or 0, totals["c"] or 0, overdue)


def rising_topics(body: Agency, month: dt.date) -> list[tuple[str, int, float]]:
    """Terms of this month's cases whose share grew most since last month."""
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    this_month: Counter[str] = Counter()
    last_month: Counter[str] = Counter()
    for when, term, count in TermCount.objects.filter(body=body, month__in=[month, previous]).values_list(
        "month", "term", "count"
    ):
        (this_month if when == month else last_month)[term] += count
    return rules.rising_terms(this_month, last_month)


def top_terms(body: Agency, month: dt.date, limit: int = 20) -> list[tuple[str, int]]:
    return list(
        TermCount.objects.filter(body=body, month=month)
        .order_by("-count", "term")
        .values_list("term", "count")[:limit]
    )


def categories_of(body: Agency) -> QuerySet[CaseCategory]:
    """The kinds of petition a citizen chooses from (applications are filed through their service)."""
    return CaseCategory.objects.filter(body=body, active=True, kind=CategoryKind.PETITION).order_by("code")


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(current)
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months


def local_today() -> dt.date:
    return timezone.localdate()


# --- reference data every intake reads -------------------------------------------------------------

# Reference data every intake reads, cached briefly: a change made on another process is seen within
# this many seconds (at once where the cache is shared, i.e. with REDIS_URL). A lookup that found
# nothing is cached too (as None), so a wrong API key or code cannot make every request hit the database.
REFERENCE_TTL = 60


def client_for_key(key: str) -> ApiClient | None:
    if not key:
        return None
    digest = rules.api_key_hash(key)
    return cache.get_or_set(
        f"cases:client:{digest}",
        lambda: ApiClient.objects.filter(key_hash=digest, active=True).select_related("body").first(),
        REFERENCE_TTL,
    )


def category_for_code(body: Agency, code: str) -> CaseCategory | None:
    return cache.get_or_set(
        _category_cache_key(body, code),
        lambda: (
            CaseCategory.objects.filter(body=body, code=code, active=True, kind=CategoryKind.PETITION)
            .select_related("agency", "unit")
            .first()
        ),
        REFERENCE_TTL,
    )


def _category_cache_key(body: Agency, code: str) -> str:
    # Hashed: a code comes from the request, and cache keys must be short and plain.
    return f"cases:category:{body.pk}:{hashlib.sha256(code.encode()).hexdigest()[:32]}"


def routing_rules(body: Agency) -> list[RoutingRule]:
    rules_of_body = cache.get_or_set(
        f"cases:routing:{body.pk}",
        lambda: list(RoutingRule.objects.filter(body=body).select_related("agency", "unit")),
        REFERENCE_TTL,
    )
    return cast(list[RoutingRule], rules_of_body)


def forget_configuration(body: Agency) -> None:
    """Drop the cached categories and rules of a body (its configuration changed)."""
    codes = CaseCategory.objects.filter(body=body).values_list("code", flat=True)
    cache.delete_many([f"cases:routing:{body.pk}", *(_category_cache_key(body, code) for code in codes)])
