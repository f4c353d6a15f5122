"""Replies to cases in the platform search (core.search_kinds), for staff within their reach only:
what the agency answered before, to answer alike."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.cases.models import Case
from servq.core import search_kinds
from servq.core.search_kinds import SERVICE, Document, Kind

KIND = "cases.reply"


def read(keys: list[str]) -> list[Document]:
    replied = Case.objects.filter(pk__in=keys).exclude(reply="").select_related("agency", "category")
    return [
        Document(
            key=str(c.pk),
            title=f"{c.number} {c.category.name if c.category else ''}".strip(),
            text=c.reply,
            url=reverse("cases:detail", args=[c.number]),
            agency_path=c.agency.path if c.agency else "",
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
    )
)


# Intake (no reply yet) costs the index nothing; a reply makes the case findable by staff.
search_kinds.follow(Case, KIND, deletes=False, when=lambda case: bool(case.reply))
