"""What changed, said by the services that change it, heard by the apps above that keep copies.

The plan services must keep the search index current in their own transaction, but search sits
above plans (it indexes them), so plans cannot import it. Services call ``announce("plan.contents",
plan=plan)``; the search app registers, at start-up, what to do (``@listen("plan.contents")``).
Handlers run at once, in the caller's transaction: a failure rolls the change back with them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

_LISTENERS: dict[str, list[Callable[..., None]]] = defaultdict(list)


def listen(event: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(handler: Callable[..., None]) -> Callable[..., None]:
        if handler not in _LISTENERS[event]:
            _LISTENERS[event].append(handler)
        return handler

    return register


def announce(event: str, **details: Any) -> None:
    for handler in _LISTENERS[event]:
        handler(**details)
