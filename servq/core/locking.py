"""Locking a row for a state change that two people can make at once.

``SELECT … FOR UPDATE`` with joins (select_related) goes wrong on PostgreSQL when the other
transaction changed the row meanwhile: after the lock is granted, the row is checked again together
with the joined rows, and when the change touched a joined key (a case transferred to another
agency), the check finds nothing and Django raises DoesNotExist (a 500 in 3 of 4 races). So the row
is locked alone, by its key, and then read with its related rows; the read, made after the lock was
granted, sees the other person's change, and the service refuses in words what no longer applies.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def locked(queryset: QuerySet[M], pk: Any) -> M:
    """The row ``pk`` of ``queryset``, locked until the transaction ends and read after the lock."""
    model = queryset.model
    if not list(model._default_manager.select_for_update().filter(pk=pk).values_list("pk", flat=True)):
        raise model.DoesNotExist(f"{model.__name__} {pk} does not exist")  # type: ignore[attr-defined]
    return queryset.get(pk=pk)
