"""FAQ entries in the platform search (core.search_kinds): the question, the answer, its basis."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.agencies.rules import keeps_content_of
from servq.core import search_kinds
from servq.core.search_kinds import SERVICE, Document, Kind
from servq.faq.models import Entry

KIND = "faq.entry"


def read(keys: list[str]) -> list[Document]:
    return [
        Document(
            key=str(e.pk),
            title=e.question,
            text=f"{e.answer}\n{e.legal_basis}",
            url=f"{reverse('faq:public')}#faq-{e.pk}" if e.published else reverse("faq:edit", args=[e.pk]),
            agency_path=e.agency.path,
            public=e.published,
            year=e.confirmed_on.year,
        )
        for e in Entry.objects.filter(pk__in=keys).select_related("agency")
    ]


search_kinds.register(
    Kind(
        KIND,
        _("常見問題"),
        SERVICE,
        read,
        lambda: Entry.objects.values_list("pk", flat=True).iterator(),
        # A draft is read by those who keep the agency's FAQ (faq.keep_faq).
        may_read=lambda grants, place: keeps_content_of(grants, place.path),
    )
)


search_kinds.follow(Entry, KIND)
