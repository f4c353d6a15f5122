"""Inspections' permissions, registered with django-rules (the rules are in inspections/rules.py)."""

from __future__ import annotations

from typing import Any

import rules as django_rules

from servq.agencies.selectors import grants_of
from servq.inspections import rules


@django_rules.predicate
def inspects(user: Any, body: Any) -> bool:
    return body is not None and rules.may_inspect(grants_of(user), body.path)


@django_rules.predicate
def answers_finding(user: Any, finding: Any) -> bool:
    return finding is not None and rules.may_answer(
        grants_of(user), finding.agency.path, finding.unit.path if finding.unit_id else None
    )


django_rules.add_perm("inspections.inspect", inspects)
django_rules.add_perm("inspections.answer_finding", answers_finding)
