"""Surveys' permissions, registered with django-rules."""

from __future__ import annotations

from typing import Any

import rules as django_rules

from servq.agencies.rules import coordinates_or_supervises
from servq.agencies.selectors import grants_of


@django_rules.predicate
def runs_surveys(user: Any, agency: Any) -> bool:
    """The agency's coordinator and the supervisors at or above it run its surveys and tests."""
    return agency is not None and coordinates_or_supervises(grants_of(user), agency.path)


django_rules.add_perm("surveys.run_surveys", runs_surveys)
