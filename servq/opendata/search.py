"""Datasets in the platform search (core.search_kinds): title, description, keywords, fields."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.agencies.rules import keeps_content_of
from servq.core import search_kinds
from servq.core.search_kinds import TOPIC, Document, Kind
from servq.opendata.models import Dataset

KIND = "opendata.dataset"


def read(keys: list[str]) -> list[Document]:
    return [
        Document(
            key=str(d.pk),
            title=d.title,
            text="\n".join([d.description, d.keywords, *(f.get("name", "") for f in d.fields)]),
            url=reverse("opendata:dataset", args=[d.identifier])
            if d.state == "published"
            else reverse("opendata:edit", args=[d.pk]),
            agency_path=d.agency.path,
            public=d.state == "published",
            year=d.last_updated.year if d.last_updated else None,
        )
        for d in Dataset.objects.filter(pk__in=keys).select_related("agency")
    ]


search_kinds.register(
    Kind(
        KIND,
        _("開放資料"),
        TOPIC,
        read,
        lambda: Dataset.objects.values_list("pk", flat=True).iterator(),
        # A dataset not yet published is read by those who keep the inventory (opendata.keep_datasets).
        may_read=lambda grants, place: keeps_content_of(grants, place.path),
    )
)


search_kinds.follow(Dataset, KIND)
