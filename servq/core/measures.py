"""The measure registry: live measurements an indicator can read its actual value from.

Modules that measure something (plans, cases, website checks, surveys …) register a measure under a
stable key when their app is ready; an indicator stores only that key. The registry lives in core so
that no measuring module depends on the reporting module that reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Scope:
    """What to measure: one agency's subtree (by materialised path) over a closed date range."""

    agency_path: str
    start: date
    end: date


@dataclass(frozen=True)
class Measure:
    key: str
    label: Any  # a lazy translation string
    unit: str
    higher_is_better: bool
    compute: Callable[[Scope], Decimal | None]

    def value(self, scope: Scope) -> Decimal | None:
        """The measurement for the scope, or None where there is nothing to measure yet."""
        return self.compute(scope)


_REGISTRY: dict[str, Measure] = {}


class UnknownMeasure(KeyError):
    pass


def register(
    *, key: str, label: Any, unit: str, higher_is_better: bool = True
) -> Callable[[Callable[[Scope], Decimal | None]], Callable[[Scope], Decimal | None]]:
    """Register the decorated function as the measure `key`; registering a key twice is a bug."""

    def decorate(compute: Callable[[Scope], Decimal | None]) -> Callable[[Scope], Decimal | None]:
        existing = _REGISTRY.get(key)
        if existing is not None and existing.compute.__qualname__ != compute.__qualname__:
            raise ValueError(f"measure {key!r} is already registered by {existing.compute.__module__}")
        _REGISTRY[key] = Measure(key, label, unit, higher_is_better, compute)
        return compute

    return decorate


def get(key: str) -> Measure:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise UnknownMeasure(key) from None


def all_measures() -> list[Measure]:
    return sorted(_REGISTRY.values(), key=lambda measure: measure.key)


def choices() -> list[tuple[str, Any]]:
    """(key, label) pairs for a form's select, in key order."""
    return [(measure.key, measure.label) for measure in all_measures()]
