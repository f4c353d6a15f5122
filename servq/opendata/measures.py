"""Measures the open-data inventory gives indicators: datasets published (cumulative, as 000's
720 → 1,440 targets count them) and datasets overdue for update by their frequency."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servq.core.measures import Scope, register
from servq.opendata import selectors
from servq.opendata.models import Dataset


@register(key="opendata.published", label=_("累計上架的開放資料集數"), unit="項")
def published(scope: Scope) -> Decimal | None:
    return Decimal(
        Dataset.objects.filter(
            agency__path__startswith=scope.agency_path, state="published", published_on__lte=scope.end
        ).count()
    )


@register(key="opendata.overdue", label=_("逾期未更新的開放資料集數"), unit="項", higher_is_better=False)
def overdue(scope: Scope) -> Decimal | None:
    datasets = Dataset.objects.filter(agency__path__startswith=scope.agency_path)
    return Decimal(len(selectors.overdue(datasets, min(scope.end, timezone.localdate()))))
