"""The open-data inventory (開放資料): each agency's datasets with their owner unit, frequency,
license and fields; the publication workflow with its history; and resources, uploaded (profiled,
converted to UTF-8 with the original kept, personal columns flagged) or linked (checked by the
website-health crawler)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import Agency
from servq.opendata.rules import FORMATS, FREQUENCIES, GOVERNMENT_LICENSE, STATES, search_text


class Dataset(models.Model):
    agency = models.ForeignKey(
        Agency, verbose_name=_("機關"), on_delete=models.PROTECT, related_name="datasets"
    )
    unit = models.ForeignKey(
        Agency,
        verbose_name=_("資料提供單位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A stable public name for harvesters (CKAN's `name`, the DCAT identifier): never reused.
    identifier = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("資料集名稱"), max_length=200)
    description = models.TextField(_("資料集描述"))
    keywords = models.CharField(_("關鍵字"), max_length=200, blank=True)
    frequency = models.CharField(_("更新頻率"), max_length=12, choices=FREQUENCIES, default="yearly")
    license = models.CharField(_("授權方式"), max_length=100, default=GOVERNMENT_LICENSE)
    # [{"name": "…", "type": "…", "description": "…"}], in the order of the file's columns.
    fields = models.JSONField(_("主要欄位"), default=list, blank=True)
    contact_name = models.CharField(_("聯絡人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("聯絡電話"), max_length=40, blank=True)
    last_updated = models.DateField(_("最近更新日期"), null=True, blank=True)
    state = models.CharField(_("狀態"), max_length=12, choices=STATES, default="planned")
    published_on = models.DateField(_("上架日期"), null=True, blank=True)
    modified_at = models.DateTimeField(auto_now=True)
    # rules.search_text of the title, keywords and description, kept by save().
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["agency__path", "title"]
        indexes = [models.Index(fields=["state", "agency"]), models.Index(fields=["state", "-modified_at"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = search_text(self.title, self.keywords, self.description)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class DatasetEvent(models.Model):
    """A step of the workflow (submitted, approved, returned, published, withdrawn), in order."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=12, choices=STATES)
    to_state = models.CharField(max_length=12, choices=STATES)
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["dataset", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.dataset_id}: {self.from_state} → {self.to_state}"


def opendata_storage() -> Storage:
    return storages["opendata"]


class Resource(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    name = models.CharField(_("名稱"), max_length=200)
    format = models.CharField(_("格式"), max_length=8, choices=FORMATS)
    url = models.URLField(_("連結網址"), max_length=500, blank=True)
    file = models.FileField(storage=opendata_storage, upload_to="files/", blank=True)
    # A Big5 upload is kept as it came, beside its UTF-8 conversion in `file`.
    original = models.FileField(storage=opendata_storage, upload_to="originals/", blank=True)
    byte_size = models.BigIntegerField(null=True, blank=True)
    # encoding, delimiter, columns, rows, types, empty columns (profiling.Profile as a dict).
    profile = models.JSONField(default=dict, blank=True)
    # Columns that look personal, each {"column", "kind", "cleared": "" | "deidentified" | "not_personal",
    # "reason"}: approval waits until every one is cleared.
    personal = models.JSONField(default=list, blank=True)
    link_status = models.CharField(max_length=12, blank=True)  # "", ok, broken, unverified
    link_detail = models.CharField(max_length=200, blank=True)
    link_checked_at = models.DateTimeField(null=True, blank=True)
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["dataset", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def uncleared(self) -> list[dict]:
        return [p for p in self.personal if not p.get("cleared")]
