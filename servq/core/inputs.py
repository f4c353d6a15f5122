"""One rule for text that comes in: no NUL and no lone surrogate, anywhere.

PostgreSQL text cannot hold NUL (a query for 「%00」 was a 500 on five public pages) and UTF-8
cannot hold a lone surrogate (JSON's 「\\ud800」 parses into one, and the database write failed).
Forms refuse NUL already (Django's validator); query strings, form bodies read by hand and JSON
bodies go through here: the middleware answers 400 naming the parameter, and every JSON body is
read with :func:`parse_json`, which names the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext

_UNUSABLE = re.compile("[\x00\ud800-\udfff]")


class UnusableText(ValueError):
    """Text holding a character servq cannot store; the message names where it was."""


def is_unusable(text: str) -> bool:
    return _UNUSABLE.search(text) is not None


def first_unusable(pairs: Iterable[tuple[Any, Any]]) -> str | None:
    """The refusal for the first parameter whose name or value holds an unusable character, naming
    it; None when every one is usable. The one wording for the middleware and the APIs alike."""
    for name, value in pairs:
        if is_unusable(str(name)) or is_unusable(str(value)):
            return gettext("參數 %(name)s 含有無法處理的字元（NUL 或不成對的代理字元），請移除後再試。") % {
                "name": _shown(str(name))
            }
    return None


def parse_json(raw: bytes | str, *, empty: str = "null") -> Any:
    """json.loads, refusing unusable characters in any key or string, nested or not (UnusableText
    names the field, e.g. 「counts[2].agency」); malformed JSON raises ValueError as json.loads does."""
    data = json.loads(raw or empty)
    _check(data, "")
    return data


def _check(value: Any, where: str) -> None:
    if isinstance(value, str):
        if is_unusable(value):
            raise UnusableText(
                gettext("欄位 %(field)s 含有無法儲存的字元（NUL 或不成對的代理字元）。")
                % {"field": where or "JSON"}
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            if is_unusable(key):
                raise UnusableText(
                    gettext("欄位名稱 %(field)s 含有無法儲存的字元。") % {"field": _shown(path)}
                )
            _check(item, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{where}[{index}]")


def _shown(name: str) -> str:
    return repr(_UNUSABLE.sub("\ufffd", name)[:40])


V = TypeVar("V", bound=Callable[..., Any])


def checks_own_input(view: V) -> V:
    """Marks an API view that refuses unusable text itself, in its own error format (Open311's,
    CKAN's): the middleware's plain-text 400 would break the format its clients parse."""
    view.servq_checks_own_input = True  # type: ignore[attr-defined]
    return view


class InputMiddleware:
    """Refuses a request whose query string, or URL-encoded form body, carries an unusable character."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if getattr(view, "servq_checks_own_input", False):
            return None
        pairs = list(request.GET.lists())
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            pairs += list(request.POST.lists())
        refusal = first_unusable((key, value) for key, values in pairs for value in [*values, ""])
        if refusal is not None:
            return HttpResponseBadRequest(refusal, content_type="text/plain; charset=utf-8")
        return None
