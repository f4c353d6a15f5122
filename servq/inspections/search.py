"""Published inspection results in the platform search (core.search_kinds): the visit's theme, its
summary and its findings, public as the results page is. A visit not yet published is not indexed."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.core import search_kinds
from servq.core.search_kinds import POLICY, Document, Kind
from servq.inspections.models import Visit
from servq.inspections.selectors import public_visits

KIND = "inspections.visit"


def read(keys: list[str]) -> list[Document]:
    published = public_visits().filter(pk__in=keys).prefetch_related("findings")
    return [
        Document(
            key=str(visit.pk),
            title=" ".join(
                [
                    visit.body.name,
                    visit.theme or str(visit.get_kind_display()),
                    "、".join(a.name for a in visit.agencies.all()),
                ]
            ),
            text="\n".join([visit.summary, *(finding.text for finding in visit.findings.all())]),
            url=reverse("inspections:public_visit", args=[visit.pk]),
            agency_path=visit.body.path,
            public=True,
            year=visit.on.year,
        )
        for visit in published
    ]


search_kinds.register(
    Kind(
        KIND,
        _("考核結果"),
        POLICY,
        read,
        lambda: public_visits().prefetch_related(None).values_list("pk", flat=True).iterator(),
    )
)
search_kinds.follow(Visit, KIND)
