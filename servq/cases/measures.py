"""Measures citizen cases give indicators (「陳情案件如期結案率」), see servq.core.measures."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import Agency
from servq.cases import selectors
from servq.core.measures import Scope, register


@register(key="cases.on_time_rate", label=_("案件如期結案率"), unit="%")
def on_time_rate(scope: Scope) -> Decimal | None:
    """Cases received in the range: closed on time ÷ (closed + still open and already overdue)."""
    return selectors.on_time_rate(scope.agency_path, scope.start, scope.end, today=timezone.localdate())


@register(key="cases.median_days_to_close", label=_("案件結案天數中位數"), unit="日", higher_is_better=False)
def median_days_to_close(scope: Scope) -> Decimal | None:
    root = Agency.objects.filter(path=scope.agency_path).first()
    if root is None:
        return None
    median = selectors.close_time_percentiles(root, scope.start, scope.end)["median"]
    return None if median is None else Decimal(median)
