"""Website health's permissions, registered with django-rules (the rules are in webcheck/rules.py)."""

from __future__ import annotations

from typing import Any

import rules as django_rules

from servq.agencies.selectors import grants_of
from servq.webcheck import rules


@django_rules.predicate
def manages_sites(user: Any, agency: Any) -> bool:
    return agency is not None and rules.may_manage_sites(grants_of(user), agency.path)


django_rules.add_perm("webcheck.manage_sites", manages_sites)
