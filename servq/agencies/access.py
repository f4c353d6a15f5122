"""Deny by default: every view declares who may use it, and a middleware refuses any that does not.

A view is declared with ``@access(...)``: ``public=True`` for anyone, ``signed_in=True`` for any
signed-in user, or ``roles=(Role.SUPERVISOR, ...)`` for users holding one of those roles in some
agency. Which *objects* a user may see is decided by the selectors (agency subtree); objects
outside it answer 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from servq.agencies.selectors import roles_of

ADMIN_NAMESPACE = "admin"


@dataclass(frozen=True)
class Access:
    public: bool = False
    signed_in: bool = False
    roles: frozenset[str] = frozenset()

    def describe(self) -> str:
        if self.public:
            return "public"
        if self.roles:
            return "roles: " + ", ".join(sorted(self.roles))
        return "signed in"


def access(*, public: bool = False, signed_in: bool = False, roles: Iterable[str] = ()) -> Callable:
    """Declare who may use a view; checks the declaration on every request."""
    declared = Access(public=public, signed_in=signed_in, roles=frozenset(str(r) for r in roles))
    if not (declared.public or declared.signed_in or declared.roles):
        raise ValueError("access() needs public=True, signed_in=True or roles=...")

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not declared.public:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if declared.roles and not _has_any_role(request.user, declared.roles):
                    raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded.servq_access = declared  # type: ignore[attr-defined]
        return guarded

    return decorate


def _has_any_role(user: Any, roles: frozenset[str]) -> bool:
    return bool(roles_of(user) & roles)


def declared_access(view_func: Callable) -> Access | None:
    return getattr(view_func, "servq_access", None)


class AccessMiddleware:
    """Refuses to run a view that declares nothing. Django's admin checks staff status itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args: Any, view_kwargs: Any):
        match = request.resolver_match
        if match is not None and ADMIN_NAMESPACE in match.namespaces:
            return None
        if declared_access(view_func) is None:
            raise PermissionDenied  # the 403 page, as for any refusal
        return None
