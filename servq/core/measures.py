"""The measure registry: live measurements an indicator can read its actual value from.

Modules that measure something (plans, cases, website checks, surveys …) register a measure under a
stable key when their app is ready; an indicator stores only that key. The registry lives in core so
that no measuring module depends on the reporting module that reads it.

Each measure says what it counts (``definition``, shown beside every value) and, where it can, which
records are behind a value (``records``: a queryset over the scope), so a reader can check a figure
against the rows it was computed from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

Compute = Callable[["Scope"], Decimal | None]
Records = Callable[["Scope"], Any]  # a QuerySet of the rows behind the value


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
    compute: Compute
    definition: Any = ""  # what is counted, over what period, from which records (a lazy string)
    records: Records | None = None
    columns: tuple[str, ...] = ()  # the records' fields (lookups) a reader needs to check the value

    def value(self, scope: Scope) -> Decimal | None:
        """The measurement for the scope, or None where there is nothing to measure yet."""
        return self.compute(scope)

    def records_in(self, scope: Scope) -> Any:
        """The rows behind the value for the scope (a QuerySet), or None where the measure has none."""
        return None if self.records is None else self.records(scope)


_REGISTRY: dict[str, Measure] = {}


class UnknownMeasure(KeyError):
    pass


def register(
    *,
    key: str,
    label: Any,
    unit: str,
    higher_is_better: bool = True,
    definition: Any = "",
    records: Records | None = None,
    columns: tuple[str, ...] = (),
) -> Callable[[Compute], Compute]:
    """Register the decorated function as the measure `key`; registering a key twice is a bug."""

    def decorate(compute: Compute) -> Compute:
        existing = _REGISTRY.get(key)
        if existing is not None and existing.compute.__qualname__ != compute.__qualname__:
            raise ValueError(f"measure {key!r} is already registered by {existing.compute.__module__}")
        _REGISTRY[key] = Measure(key, label, unit, higher_is_better, compute, definition, records, columns)
        return compute

    return decorate


def register_count(
    *,
    key: str,
    label: Any,
    unit: str,
    definition: Any,
    records: Records,
    columns: tuple[str, ...],
    higher_is_better: bool = True,
) -> Records:
    """Register a measure that is the number of its records in the scope (sessions held, posts made):
    the value and the rows behind it can never disagree. Returns ``records`` for the module to reuse."""

    def count(scope: Scope) -> Decimal | None:
        return Decimal(records(scope).count())

    count.__qualname__ = f"count:{key}"
    register(
        key=key,
        label=label,
        unit=unit,
        higher_is_better=higher_is_better,
        definition=definition,
        records=records,
        columns=columns,
    )(count)
    return records


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
