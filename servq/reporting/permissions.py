"""Reporting's permissions, registered with django-rules (the rules are in reporting/rules.py)."""

from __future__ import annotations

from typing import Any

import rules as django_rules

from servq.agencies.selectors import grants_of
from servq.plans.selectors import capacities_for, unit_paths_of
from servq.reporting import rules


@django_rules.predicate
def supervises_cycle(user: Any, cycle: Any) -> bool:
    return cycle is not None and rules.may_supervise_cycle(grants_of(user), cycle.agency.path)


@django_rules.predicate
def reports_on_item(user: Any, item: Any) -> bool:
    if item is None:
        return False
    capacities = capacities_for(user, item.plan)
    item_units = [u.unit.path for u in item.units.all() if u.unit is not None]
    return rules.may_report_on(capacities, item_units, unit_paths_of(user))


@django_rules.predicate
def compiles_year_end(user: Any, agency: Any) -> bool:
    return agency is not None and rules.may_compile_year_end(grants_of(user), agency.path)


@django_rules.predicate
def signs_year_end(user: Any, agency: Any) -> bool:
    return agency is not None and rules.may_sign_year_end(grants_of(user), agency.path)


django_rules.add_perm("reporting.supervise_cycle", supervises_cycle)
django_rules.add_perm("reporting.report_on_item", reports_on_item)
django_rules.add_perm("reporting.compile_year_end", compiles_year_end)
django_rules.add_perm("reporting.sign_year_end", signs_year_end)
