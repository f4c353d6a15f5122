"""Numbers as an office writes them: no trailing zeros (83.3, not 83.30), thousands grouped (1,440)."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def amount(value: Decimal | int | float | None) -> str:
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{number.to_integral_value():,f}"
    return f"{number.normalize():,f}"
