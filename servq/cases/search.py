"""Replies to cases in the platform search (core.search_kinds), for staff within their reach only:
what the agency answered before, to answer alike."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.agencies.rules import Grant, parent_path
from servq.cases import rules
from servq.cases.models import Case
from servq.core import search_kinds
from servq.core.search_kinds import SERVICE, Document, Kind, Place

KIND = "cases.reply"


def _handles(grants: Sequence[Grant], place: Place) -> bool:
    """cases.handle_case, asked of the place a reply is indexed at (its unit, or its agency)."""
    if place.unit:
        return rules.may_handle(grants, parent_path(place.path) or place.path, place.path)
    return rules.may_handle(grants, place.path, None)


def read(keys: list[str]) -> list[Document]:
    replied = Case.objects.filter(pk__in=keys).exclude(reply="").select_related("agency", "unit", "category")
    return [
        Document(
            key=str(c.pk),
            title=f"{c.number} {c.category.name if c.category else ''}".strip(),
            text=c.reply,
            url=reverse("cases:detail", args=[c.number]),
            # The unit handling it, where one does: its staff read it, other units' staff do not.
            agency_path=c.unit.path if c.unit is not None else c.agency.path,
            public=False,
            year=c.received_at.year if c.received_at else None,
        )
        for c in replied
    ]


search_kinds.register(
    Kind(
        KIND,
        _("案件回覆"),
        SERVICE,
        read,
        lambda: Case.objects.exclude(reply="").values_list("pk", flat=True).iterator(),
        may_read=_handles,
    )
)


# Intake (no reply yet) costs the index nothing; a reply makes the case findable by staff.
search_kinds.follow(Case, KIND, deletes=False, when=lambda case: bool(case.reply))
