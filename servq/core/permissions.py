"""Asking whether an actor may do something: the one call services and views make.

The rules themselves are pure predicates in each app's ``rules.py``; each app's ``permissions.py``
registers them with django-rules under a name (``cases.handle_case``), so templates ask the same
question with ``{% has_perm "cases.handle_case" user case as may %}``.
"""

from __future__ import annotations

from typing import Any

from servq.core.actors import Actor


def has_perm(by: Actor, permission: str, obj: Any = None) -> bool:
    """False for the system actor (None): a service that lets the system act says so itself."""
    return by is not None and by.has_perm(permission, obj)
