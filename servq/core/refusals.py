"""The one place a refused write becomes a message: a view decorator that names where to go back
to, and a middleware for any refusal a view left unhandled (never a 500 for a refusal)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse

from servq.core.errors import ServiceError
from servq.core.http import is_on_this_site


def refusals_to(
    view_name: str, **url_kwargs: str
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A refusal inside the view becomes an error message and a redirect to ``view_name``, whose
    URL arguments are taken from the view's own (``refusals_to("cases:detail", number="number")``)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except ServiceError as error:
                messages.error(request, error.message)
                target = {name: kwargs[source] for name, source in url_kwargs.items()}
                return redirect(reverse(view_name, kwargs=target))

        return guarded

    return decorate


def back_to(request: HttpRequest) -> str:
    """Where a refusal goes back to: the page the form was on if it is ours, else somewhere safe."""
    referer = request.META.get("HTTP_REFERER", "")
    if is_on_this_site(request, referer):
        return referer
    return request.path if request.method in ("GET", "HEAD") else "/"


class RefusalMiddleware:
    """A refusal no view handled: its message on the page the user came from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseRedirect | None:
        if not isinstance(exception, ServiceError):
            return None
        messages.error(request, exception.message)
        return redirect(back_to(request))
