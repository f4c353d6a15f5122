"""The award's permissions, registered with django-rules."""

from __future__ import annotations

from typing import Any

import rules as django_rules

from servq.agencies.rules import coordinates_or_supervises, supervises
from servq.agencies.selectors import grants_of


@django_rules.predicate
def organizes(user: Any, body: Any) -> bool:
    """The body's supervisors (研考) run its award: set-up, panel, stages, results, rewards."""
    return body is not None and supervises(grants_of(user), body.path)


@django_rules.predicate
def enters(user: Any, agency: Any) -> bool:
    """The agency's coordinator answers the survey and enters (supervisors above may, for it)."""
    return agency is not None and coordinates_or_supervises(grants_of(user), agency.path)


django_rules.add_perm("awards.organize", organizes)
django_rules.add_perm("awards.enter", enters)
