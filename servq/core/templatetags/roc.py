"""Template filters that show dates the way Taiwanese offices write them (民國) on the Chinese
pages, and in the Gregorian calendar on the English pages."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone, translation

from servq.core.rules import (
    format_english_date,
    format_english_month,
    format_roc_date,
    format_roc_datetime,
    format_roc_month,
    format_roc_year,
)

register = template.Library()


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


@register.filter
def roc_year(year: int | None) -> str:
    if year in (None, ""):
        return ""
    return str(int(year)) if _english() else format_roc_year(int(year))


@register.filter
def roc_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    moment = timezone.localtime(value)
    return (
        f"{format_english_date(moment.date())} {moment:%H:%M}" if _english() else format_roc_datetime(moment)
    )


@register.filter
def roc(value: dt.date | None) -> str:
    if value in (None, ""):
        return ""
    return format_english_date(value) if _english() else format_roc_date(value)


@register.filter
def roc_month(value: dt.date | None) -> str:
    if value in (None, ""):
        return ""
    return format_english_month(value) if _english() else format_roc_month(value)
