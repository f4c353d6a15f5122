"""Small filters the dashboard's charts need."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()
BAR_WIDTH = 260


@register.filter
def multiply(value: int, factor: int) -> int:
    return int(value) * int(factor)


@register.filter
def bar(value: int, largest: int) -> int:
    """A bar's length in the chart's units, the largest value filling the width."""
    return round(BAR_WIDTH * int(value) / max(int(largest), 1))


@register.filter
def get(mapping: Any, key: str) -> Any:
    return mapping.get(key, 0) if hasattr(mapping, "get") else 0
