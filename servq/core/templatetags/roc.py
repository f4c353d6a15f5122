"""Template filters that show dates the way Taiwanese offices write them (民國)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()
ROC_OFFSET = 1911


@register.filter
def roc_year(year: int | None) -> str:
    if year in (None, ""):
        return ""
    return f"{int(year) - ROC_OFFSET}年"


@register.filter
def roc_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local.year - ROC_OFFSET}年{local.month}月{local.day}日 {local:%H:%M}"


@register.filter
def roc(value: dt.date | None) -> str:
    if value in (None, ""):
        return ""
    return f"{value.year - ROC_OFFSET}年{value.month}月{value.day}日"
