"""Cases' permissions, registered with django-rules (the rules are in cases/rules.py)."""

from __future__ import annotations

from typing import Any

import rules as django_rules

from servq.agencies.selectors import grants_of
from servq.cases import rules


def _paths(case: Any) -> tuple[str, str | None]:
    return case.agency.path, (case.unit.path if case.unit_id else None)


@django_rules.predicate
def handles_case(user: Any, case: Any) -> bool:
    return case is not None and rules.may_handle(grants_of(user), *_paths(case))


@django_rules.predicate
def sees_personal_data(user: Any, case: Any) -> bool:
    return case is not None and rules.may_see_personal_data(grants_of(user), *_paths(case))


@django_rules.predicate
def configures_cases(user: Any, body: Any) -> bool:
    return body is not None and rules.may_configure(grants_of(user), body.path)


django_rules.add_perm("cases.handle_case", handles_case)
django_rules.add_perm("cases.see_personal_data", sees_personal_data)
django_rules.add_perm("cases.configure_cases", configures_cases)
