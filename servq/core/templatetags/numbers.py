"""Numbers as an office writes them: no trailing zeros (83.3, not 83.30), thousands grouped (1,440)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from servq.core.rules import plain_number

register = template.Library()


@register.filter
def amount(value: Decimal | int | float | None) -> str:
    if value is None or value == "":
        return ""
    return plain_number(value, grouped=True)
