"""Agencies' permissions, registered with django-rules (the rules are in agencies/rules.py)."""

from __future__ import annotations

from typing import Any

import rules as django_rules

from servq.agencies import rules
from servq.agencies.selectors import grants_of


@django_rules.predicate
def acts_on_agency(user: Any, agency: Any) -> bool:
    return agency is not None and rules.may_act_on(grants_of(user), agency.path)


@django_rules.predicate
def supervises_agency(user: Any, agency: Any) -> bool:
    return agency is not None and rules.supervises(grants_of(user), agency.path)


django_rules.add_perm("agencies.act_on_agency", acts_on_agency)
django_rules.add_perm("agencies.read_audit", supervises_agency)
