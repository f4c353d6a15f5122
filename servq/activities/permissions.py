"""Who keeps an agency's records, registered with django-rules."""

from __future__ import annotations

from typing import Any

import rules as django_rules

from servq.agencies.rules import keeps_content_of
from servq.agencies.selectors import grants_of


@django_rules.predicate
def keeps_records(user: Any, agency: Any) -> bool:
    """The agency's coordinator, its own units' staff and the supervisors above it keep its records,
    as they keep its FAQ and open data."""
    return agency is not None and keeps_content_of(grants_of(user), agency.path)


django_rules.add_perm("activities.keep_records", keeps_records)
