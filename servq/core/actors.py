"""Who acts: the type every service's ``by=`` takes.

A user (the project's user model), or None for the system itself: the demo loader, the scheduler's
tasks and imports run by an operator at the command line write with ``by=None`` and the audit log
names no person. Views pass ``request.user``, which the type checker also allows to be anonymous;
every service checks what its actor may do, and an anonymous user may do nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    Actor: TypeAlias = User | AnonymousUser | None
else:
    Actor = object
    User = object


def person(by: Actor) -> User | None:
    """The user to store as the one who did something: None for the system or an anonymous user."""
    if by is None or not by.is_authenticated:
        return None
    return by  # an authenticated actor is the project's User


def is_superuser(by: Actor) -> bool:
    return bool(by is not None and by.is_superuser)
