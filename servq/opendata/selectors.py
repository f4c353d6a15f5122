"""Reads of the open-data inventory: what a user keeps, the public catalogue and its search, counts
by agency and unit, datasets overdue for update."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db.models import Count, Q, QuerySet, Window

from servq.agencies.rules import keeps_content_of
from servq.agencies.selectors import paths_where
from servq.opendata import rules
from servq.opendata.models import Dataset


def kept_by(user: Any) -> QuerySet[Dataset]:
    """Datasets of the agencies in reach, and those a unit's staff provide."""
    # The reach of opendata.keep_datasets itself: the agency's coordinator, its units' staff, supervisors.
    return Dataset.objects.filter(agency__path__in=paths_where(user, keeps_content_of)).select_related(
        "agency", "unit"
    )


def published() -> QuerySet[Dataset]:
    return Dataset.objects.filter(state="published").select_related("agency", "unit")


def search(query: str, datasets: QuerySet[Dataset]) -> QuerySet[Dataset]:
    """Every word in the title, description or keywords (a two-character Chinese word is found
    wherever it stands); newest first."""
    for word in rules.search_words(query):
        datasets = datasets.filter(search_text__contains=word)
    return datasets.order_by("-modified_at", "pk")


def page_with_total(
    datasets: QuerySet[Dataset], start: int, rows: int, *, filtered: bool = True
) -> tuple[list[Dataset], int]:
    """One page and the number of all matches in one scan (COUNT(*) OVER (), not a second query).
    Unfiltered, the page comes off the (state, modified_at) index and the count is its own query."""
    if not filtered:
        return list(datasets.prefetch_related("resources")[start : start + rows]), datasets.count()
    annotated = datasets.annotate(total=Window(Count("pk"))).prefetch_related("resources")
    found = list(annotated[start : start + rows])
    total = found[0].total if found else (datasets.count() if start else 0)
    return cast("list[Dataset]", found), total


def counts_by_provider(datasets: QuerySet[Dataset]) -> list[dict[str, Any]]:
    """Per agency and unit: datasets in the inventory and those published (002: 「已有21個局處開放207項資料」)."""
    return list(
        datasets.values("agency__name", "unit__name")
        .annotate(total=Count("pk"), published=Count("pk", filter=Q(state="published")))
        .order_by("agency__name", "unit__name")
    )


def overdue(datasets: QuerySet[Dataset], today: dt.date) -> list[Dataset]:
    return [
        d
        for d in datasets.filter(state="published").exclude(frequency__in=["realtime", "irregular"])
        if rules.overdue(d.last_updated, d.frequency, today)
    ]


def publishing_agencies() -> list[tuple[str, str, int]]:
    """Each agency with published datasets: its code, name and how many (CKAN's organizations)."""
    rows = published().values("agency__code", "agency__name").annotate(n=Count("pk")).order_by("agency__code")
    return [(row["agency__code"], row["agency__name"], row["n"]) for row in rows]


def published_keywords() -> list[str]:
    """Every keyword of the published datasets, once each, sorted (CKAN's tags)."""
    found: set[str] = set()
    for keywords in published().values_list("keywords", flat=True):
        found.update(k.strip() for k in keywords.replace("，", ",").split(",") if k.strip())
    return sorted(found)
