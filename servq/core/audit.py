"""The audit log: services call ``record`` inside their transaction, so a change and its record land together."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from servq.core.actors import Actor, person
from servq.core.models import AuditEntry

Snapshot = dict[str, Any]


@dataclass(frozen=True)
class Subject:
    """What an entry is about when that is not one row: 「the office calendar of 2026–2027」."""

    object_type: str
    object_id: str
    object_repr: str

    @classmethod
    def of(cls, obj: models.Model) -> Subject:
        return cls(obj._meta.label_lower, str(obj.pk), str(obj)[:300])


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value, for before/after records."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> Snapshot:
    """The concrete field values of ``obj`` (foreign keys as ids), for a before/after record."""
    names = fields or [f.attname for f in obj._meta.concrete_fields if f.attname not in ("id",)]
    return {name: _plain(getattr(obj, name)) for name in names}


def diff(before: Snapshot, after: Snapshot) -> dict[str, list[Any]]:
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record_each(*, by: Actor, action: str, objects: list[tuple[models.Model, Any, Snapshot]]) -> int:
    """One entry per (object, its agency, what it became), written in one statement: a bulk write
    (a list of 10,000 agencies) audited row by row without 10,000 round trips."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_each must run inside the service's transaction.atomic block")
    actor = person(by)
    name = (actor.get_username() if actor else "system")[:150]
    entries = []
    for obj, agency, after in objects:
        subject = Subject.of(obj)
        entries.append(
            AuditEntry(
                actor=actor,
                actor_name=name,
                agency=agency,
                agency_path=getattr(agency, "path", "") or "",
                action=action,
                object_type=subject.object_type,
                object_id=subject.object_id,
                object_repr=subject.object_repr,
                changes=diff({}, after),
            )
        )
    AuditEntry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)


def record(
    *,
    by: Actor,
    action: str,
    obj: models.Model | Subject,
    agency: Any = None,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
    extra: dict[str, Any] | None = None,
    within: models.Model | None = None,
) -> AuditEntry:
    """Write one audit entry; must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the service's transaction.atomic block")
    changes: dict[str, Any] = diff(before or {}, after or {})
    if extra:
        changes["_"] = _plain(extra)
    actor = person(by)
    subject = obj if isinstance(obj, Subject) else Subject.of(obj)
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=(actor.get_username() if actor else "system")[:150],
        agency=agency,
        agency_path=getattr(agency, "path", "") or "",
        action=action,
        object_type=subject.object_type,
        object_id=subject.object_id,
        object_repr=subject.object_repr,
        changes=changes,
        within_type=within._meta.label_lower if within is not None else "",
        within_id=str(within.pk) if within is not None else "",
    )


def change(
    *,
    by: Actor,
    action: str,
    obj: models.Model,
    values: dict[str, Any],
    agency: Any = None,
    within: models.Model | None = None,
    extra: dict[str, Any] | None = None,
    also_save: tuple[str, ...] = (),
) -> AuditEntry:
    """Set ``values`` on ``obj``, save those fields (and ``also_save``, e.g. an auto_now
    ``updated_at``), and record what they were and became: the snapshot → set → save → record
    sequence every service writes, in one call."""
    fields = list(values)
    before = snapshot(obj, fields)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save(update_fields=[*(obj._meta.get_field(name).name for name in fields), *also_save])
    return record(
        by=by,
        action=action,
        obj=obj,
        agency=agency,
        before=before,
        after=snapshot(obj, fields),
        extra=extra,
        within=within,
    )
