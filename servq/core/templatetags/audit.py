"""Audit entries in templates."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def change_rows(changes: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, before, after) rows of an entry's changes; extra context (key "_") as one row.

    A filter, because `changes.items` in a template would look up a field named "items" first.
    """
    rows = []
    for field, value in (changes or {}).items():
        if field == "_" or not (isinstance(value, list) and len(value) == 2):
            rows.append((field, None, value))
        else:
            rows.append((field, value[0], value[1]))
    return rows
