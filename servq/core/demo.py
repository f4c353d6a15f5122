"""The demo's registry: each app registers the part of the demo it owns, as measures register.

``manage.py load_demo`` (in the portal, above every app) runs the parts in order. Each part is
idempotent — what exists already is left alone, so `make run` can call it every time — and
returns a line for the log, or None when it had nothing to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

DEMO_PASSWORD = "servq-demo"  # noqa: S105 — printed for the demo; load_demo refuses to run in production

Log = Callable[[str], object]


@dataclass(frozen=True)
class DemoPart:
    order: int
    name: str
    load: Callable[[Log], str | None]


_PARTS: dict[str, DemoPart] = {}


def part(order: int, name: str) -> Callable[[Callable[[Log], str | None]], Callable[[Log], str | None]]:
    """Register the decorated loader as the demo's part ``name``, run after those of lower order."""

    def register(load: Callable[[Log], str | None]) -> Callable[[Log], str | None]:
        _PARTS[name] = DemoPart(order, name, load)
        return load

    return register


def parts() -> list[DemoPart]:
    return sorted(_PARTS.values(), key=lambda p: (p.order, p.name))
