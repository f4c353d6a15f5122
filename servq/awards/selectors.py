"""Reads of the award that pages and exports share."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from servq.agencies.models import Agency
from servq.agencies.rules import Role, path_and_ancestors
from servq.agencies.selectors import grants_of, reach_q
from servq.awards.models import Assignment, Category, Criterion, Edition, Entry, Intention, Result, Reward


def editions_for(user: Any) -> QuerySet[Edition]:
    """Editions of the bodies in the user's reach (their supervisors run them; their agencies enter)."""
    if getattr(user, "is_superuser", False):
        return Edition.objects.all()
    condition = Q(pk__in=[])
    for grant in grants_of(user):
        # An agency takes part in the editions of its own body and of every body above it.
        condition |= Q(body__path__in=path_and_ancestors(grant.path))
        if grant.role == Role.SUPERVISOR:
            condition |= Q(body__path__startswith=grant.path)
    return Edition.objects.filter(condition).select_related("body").distinct()


def entries_of(edition: Edition, user: Any) -> QuerySet[Entry]:
    """The body's people (its supervisors and those above, its coordinator and head) see every entry;
    an agency its own."""
    entries = Entry.objects.filter(edition=edition).select_related("agency", "category", "reached")
    body = edition.body.path
    if getattr(user, "is_superuser", False) or any(
        (g.role == Role.SUPERVISOR and body.startswith(g.path))
        or (g.path == body and g.role in (Role.COORDINATOR, Role.HEAD))
        for g in grants_of(user)
    ):
        return entries
    return entries.filter(reach_q(user, "agency"))


def assignments_for(user: Any, edition: Edition) -> QuerySet[Assignment]:
    return Assignment.objects.filter(stage__edition=edition, reviewer__user=user).select_related(
        "entry__agency", "stage"
    )


def progress(edition: Edition) -> list[dict[str, Any]]:
    """Per stage: assignments and how many score sheets have scores; two queries whatever the stages."""
    counts = {
        row["stage"]: row
        for row in Assignment.objects.filter(stage__edition=edition)
        .values("stage")
        .annotate(
            assigned=Count("id", distinct=True),
            scored=Count("id", filter=Q(scores__isnull=False), distinct=True),
        )
        .order_by()
    }
    return [
        {
            "stage": stage,
            "assigned": counts.get(stage.pk, {}).get("assigned", 0),
            "scored": counts.get(stage.pk, {}).get("scored", 0),
        }
        for stage in edition.stages.all()
    ]


def results(edition: Edition) -> QuerySet[Result]:
    return Result.objects.filter(stage__edition=edition).select_related(
        "entry__agency", "entry__category", "stage"
    )


def rewards(edition: Edition) -> QuerySet[Reward]:
    return Reward.objects.filter(edition=edition).select_related("agency")


def self_evaluation_category(agency: Agency, year: int) -> Category | None:
    """The award category an agency grades its self-evaluation on for a year: of the nearest body
    above it running that year's award, the category it entered or was designated for, else the
    first (整體服務類 before 專案規劃類)."""
    edition = (
        Edition.objects.filter(year=year, body__path__in=path_and_ancestors(agency.path))
        .order_by("-body__depth")
        .first()
    )
    if edition is None:
        return None
    chosen = (
        Entry.objects.filter(edition=edition, agency=agency).values_list("category", flat=True).first()
        or Intention.objects.filter(edition=edition, agency=agency, category__isnull=False)
        .values_list("category", flat=True)
        .first()
    )
    categories = edition.categories.order_by("pk")
    return (categories.filter(pk=chosen).first() if chosen else None) or categories.first()


def top_criteria(category: Category) -> list[Criterion]:
    """The category's 構面 (top-level criteria), in order: what a self-evaluation grades."""
    return list(category.criteria.filter(parent__isnull=True).order_by("position", "pk"))
