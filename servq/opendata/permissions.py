"""The open-data inventory's permissions, registered with django-rules."""

from __future__ import annotations

from typing import Any

import rules as django_rules

from servq.agencies.rules import coordinates_or_supervises, keeps_content_of
from servq.agencies.selectors import grants_of


@django_rules.predicate
def keeps_datasets(user: Any, agency: Any) -> bool:
    """The agency's coordinator and its units' staff keep its inventory; supervisors above may too."""
    return agency is not None and keeps_content_of(grants_of(user), agency.path)


@django_rules.predicate
def approves_datasets(user: Any, agency: Any) -> bool:
    """Approval before publication is the agency's coordinator's, or a supervisor's above it."""
    return agency is not None and coordinates_or_supervises(grants_of(user), agency.path)


django_rules.add_perm("opendata.keep_datasets", keeps_datasets)
django_rules.add_perm("opendata.approve_datasets", approves_datasets)
