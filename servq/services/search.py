"""Services in the platform search (core.search_kinds): name, summary, who may apply, documents."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.core import search_kinds
from servq.core.search_kinds import SERVICE, Document, Kind
from servq.services import rules
from servq.services.models import Service

KIND = "services.service"


def read(keys: list[str]) -> list[Document]:
    found = Service.objects.filter(pk__in=keys).select_related("agency").prefetch_related("documents")
    return [
        Document(
            key=str(s.pk),
            title=s.name,
            text="\n".join(
                [s.summary, s.eligibility, s.legal_basis, s.fees, *(d.name for d in s.documents.all())]
            ),
            url=reverse("services:detail" if s.published else "services:edit", args=[s.pk]),
            agency_path=s.agency.path,
            public=s.published,
        )
        for s in found
    ]


search_kinds.register(
    Kind(
        KIND,
        _("服務項目"),
        SERVICE,
        read,
        lambda: Service.objects.values_list("pk", flat=True).iterator(),
        # An unpublished service is read by those who keep the catalogue (services.manage_catalogue).
        may_read=lambda grants, place: rules.may_manage_catalogue(grants, place.path),
    )
)


search_kinds.follow(Service, KIND)
