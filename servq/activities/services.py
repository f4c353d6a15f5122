"""Every write to the records: add one, correct nothing in place (a wrong record is removed and
added again), remove one — each audited in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from servq.activities.kinds import KINDS, Kind
from servq.activities.models import DocumentExchangeMonth, WebsiteReview
from servq.agencies.models import Agency
from servq.core import audit
from servq.core.actors import Actor, person
from servq.core.errors import ServiceError
from servq.core.permissions import has_perm


class RecordError(ServiceError):
    pass


def _require_keeper(by: Actor, agency: Agency) -> None:
    RecordError.require(has_perm(by, "activities.keep_records", agency), "您不能登錄這個機關的紀錄。")


def _kind(key: str) -> Kind:
    kind = KINDS.get(key)
    RecordError.require(kind is not None, f"沒有「{key}」這種紀錄。")
    assert kind is not None  # for the type checker: refused just above
    return kind


@transaction.atomic
def add_record(*, by: Actor, kind: str, agency: Agency, values: dict[str, Any]) -> Model:
    """Keep one record for the agency; ``values`` are its form's cleaned fields."""
    found = _kind(kind)
    _require_keeper(by, agency)
    day = values.get(found.day) if found.day else None
    RecordError.require(day is None or day <= timezone.localdate(), "日期不能在未來。", found.day)
    if found.model is DocumentExchangeMonth:
        RecordError.require(
            not DocumentExchangeMonth.objects.filter(agency=agency, month=values["month"]).exists(),
            "這個月份已登錄過；如要更正，請先刪除原紀錄。",
            "month",
        )
    if found.model is WebsiteReview:
        RecordError.require(values["section"].agency_id == agency.pk, "這個網站專區不屬於本機關。", "section")
    record = found.model._default_manager.create(agency=agency, recorded_by=person(by), **values)
    audit.record(
        by=by, action=f"activities.{kind}.add", obj=record, agency=agency, after=audit.snapshot(record)
    )
    return record


@transaction.atomic
def remove_record(*, by: Actor, kind: str, record: Model) -> None:
    found = _kind(kind)
    RecordError.require(isinstance(record, found.model), "紀錄種類不符。")
    agency = record.agency  # type: ignore[attr-defined]
    _require_keeper(by, agency)
    if kind == "sections":
        RecordError.require(
            not record.reviews.exists(),  # type: ignore[attr-defined]
            "這個網站專區已有檢視紀錄，不能刪除。",
        )
    before = audit.snapshot(record)
    audit.record(by=by, action=f"activities.{kind}.remove", obj=record, agency=agency, before=before)
    record.delete()
