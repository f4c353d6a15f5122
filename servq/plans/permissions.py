"""Plans' permissions, registered with django-rules (the rules are in plans/rules.py)."""

from __future__ import annotations

from typing import Any

import rules as django_rules

from servq.agencies.selectors import grants_of
from servq.plans import rules


def _capacities(user: Any, plan: Any) -> frozenset[str]:
    return rules.capacities(grants_of(user), plan.agency.path) if plan is not None else frozenset()


@django_rules.predicate
def authors_plan(user: Any, plan: Any) -> bool:
    return rules.AUTHOR in _capacities(user, plan)


@django_rules.predicate
def reviews_plan(user: Any, plan: Any) -> bool:
    return rules.REVIEWER in _capacities(user, plan)


@django_rules.predicate
def edits_unit_items(user: Any, plan: Any) -> bool:
    return rules.UNIT_STAFF in _capacities(user, plan)


django_rules.add_perm("plans.author_plan", authors_plan)
django_rules.add_perm("plans.review_plan", reviews_plan)
django_rules.add_perm("plans.edit_unit_items", edits_unit_items)
