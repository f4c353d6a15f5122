"""Template filters that show dates the way Taiwanese offices write them (民國)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from servq.core.rules import format_roc_date, format_roc_datetime, format_roc_month, format_roc_year

register = template.Library()


@register.filter
def roc_year(year: int | None) -> str:
    if year in (None, ""):
        return ""
    return format_roc_year(int(year))


@register.filter
def roc_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return format_roc_datetime(timezone.localtime(value))


@register.filter
def roc(value: dt.date | None) -> str:
    if value in (None, ""):
        return ""
    return format_roc_date(value)


@register.filter
def roc_month(value: dt.date | None) -> str:
    if value in (None, ""):
        return ""
    return format_roc_month(value)
