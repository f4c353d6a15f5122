"""Reads the records pages share."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from servq.activities.kinds import Kind
from servq.agencies.models import Agency


def records_of(kind: Kind, agency: Agency) -> QuerySet[Any]:
    """The kind's records of the agency, newest first, with what their list shows read at once."""
    related = [c for c in kind.columns if c in ("section", "unit", "reviewer")]
    return kind.model._default_manager.filter(agency=agency).select_related(*related)
