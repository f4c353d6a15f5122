"""Off-boarding (issue 34.3): before a person's account goes quiet, the work still in their name is
listed where it can be handed to someone else. It reads every app, so it lives at the top layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

OPEN_SHOWN = 20


@dataclass(frozen=True)
class OpenWork:
    what: str
    label: str
    url: str


def open_work_of(person: Any) -> list[OpenWork]:
    """Cases assigned to them and not closed, award reviews in stages still open, and inspection
    panels of visits not yet published: what would stall if their account stopped."""
    from servq.awards.models import Assignment
    from servq.cases.models import Case, State
    from servq.inspections.models import Panelist, VisitState

    found: list[OpenWork] = []
    cases = Case.objects.filter(assignee=person).exclude(state=State.CLOSED).order_by("received_at")
    found += [
        OpenWork("案件", f"{case.number} {case.subject}"[:120], reverse("cases:detail", args=[case.number]))
        for case in cases[:OPEN_SHOWN]
    ]
    reviews = (
        Assignment.objects.filter(reviewer__user=person, stage__closed=False)
        .select_related("entry", "stage__edition")
        .order_by("stage_id", "entry_id")
    )
    found += [
        OpenWork(
            "評審",
            f"{a.stage.edition} · {a.entry}"[:120],
            reverse("awards:edition", args=[a.stage.edition_id]),
        )
        for a in reviews[:OPEN_SHOWN]
    ]
    panels = (
        Panelist.objects.filter(user=person)
        .exclude(visit__state=VisitState.PUBLISHED)
        .select_related("visit")
    )
    found += [
        OpenWork("考核委員", str(p.visit)[:120], reverse("inspections:visit", args=[p.visit_id]))
        for p in panels[:OPEN_SHOWN]
    ]
    return found
