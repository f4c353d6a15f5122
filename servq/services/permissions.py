"""The service catalogue's permissions, registered with django-rules (the rules are in services/rules.py)."""

from __future__ import annotations

from typing import Any

import rules as django_rules

from servq.agencies.selectors import grants_of
from servq.services import rules


@django_rules.predicate
def manages_catalogue(user: Any, agency: Any) -> bool:
    return agency is not None and rules.may_manage_catalogue(grants_of(user), agency.path)


@django_rules.predicate
def takes_applications(user: Any, counter: Any) -> bool:
    return counter is not None and rules.may_take_applications(grants_of(user), counter.path)


django_rules.add_perm("services.manage_catalogue", manages_catalogue)
django_rules.add_perm("services.take_applications", takes_applications)
