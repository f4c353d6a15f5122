"""Small HTTP helpers every app's views share."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails

T = TypeVar("T")


class HtmxRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it: ``request.htmx`` says whether htmx sent it."""

    htmx: HtmxDetails


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Back to the page named by ``next`` if it is on this site; else to ``fallback``."""
    return redirect(next_on_this_site(request, fallback))


def next_on_this_site(request: HttpRequest, fallback: str) -> str:
    """The page named by ``next`` if it is on this site; else ``fallback``.

    The one place a ``next`` parameter is read: an address on another host (or a scheme-relative
    ``//evil.example``, or ``javascript:``) would turn servq's redirect into a phishing link."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if is_on_this_site(request, target) else fallback


def is_on_this_site(request: HttpRequest, url: str) -> bool:
    """Whether following ``url`` keeps the user on this site (no other host, no javascript:)."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


CONFIRM_FIELD = "confirm"


def confirmed(request: HttpRequest) -> bool:
    """True when the form's confirmation box (``name="confirm" value="yes"``) was ticked: every
    irreversible or public step (publishing, 首長核定, 送出並公告) asks for it in the same form."""
    return request.POST.get(CONFIRM_FIELD) == "yes"


def json_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text, counted without parsing it (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # closing quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x7B, 0x5B):  # { [
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x7D, 0x5D):
            depth -= 1
    return deepest


# Inside <script>, text such as 「</script>」 would end the element: the characters HTML reads there
# are written as JSON escapes, which mean the same to any JSON reader.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_for_script(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_SAFE)


def chosen(request: HttpRequest, options: Sequence[T], name: str) -> T | None:
    """The option whose id the form or the query names (``name``), else the first; None if none."""
    wanted = request.POST.get(name) or request.GET.get(name)
    return next((o for o in options if str(getattr(o, "pk", "")) == wanted), options[0] if options else None)
