"""Measures the plan cycle itself provides, for indicators to read (see servq.core.measures)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from servq.core.measures import Scope, register
from servq.plans.models import Plan
from servq.reporting.models import ItemProgress, ProgressStatus
from servq.reporting.rules import rate


@register(key="plans.items_done_on_time", label=_("計畫項目如期完成率"), unit="%")
def items_done_on_time(scope: Scope) -> Decimal | None:
    """Items due within the range that were reported done in a report submitted by their due date,
    over all items due within the range."""
    due = ItemProgress.objects.filter(
        agency__path__startswith=scope.agency_path,
        item__deadline_due__gte=scope.start,
        item__deadline_due__lte=scope.end,
    )
    counts = due.aggregate(
        items=Count("item", distinct=True),
        on_time=Count(
            "item",
            distinct=True,
            filter=Q(status=ProgressStatus.DONE, submitted_at__date__lte=F("item__deadline_due")),
        ),
    )
    return rate(counts["on_time"], counts["items"])


@register(key="plans.submitted_on_time", label=_("計畫如期送審率"), unit="%")
def plans_submitted_on_time(scope: Scope) -> Decimal | None:
    """Plans of cycles whose submission deadline falls in the range, submitted by that deadline."""
    plans = Plan.objects.filter(
        agency__path__startswith=scope.agency_path,
        cycle__submit_by__gte=scope.start,
        cycle__submit_by__lte=scope.end,
        first_version__isnull=True,
    )
    counts = plans.aggregate(
        plans=Count("id"), on_time=Count("id", filter=Q(submitted_at__date__lte=F("cycle__submit_by")))
    )
    return rate(counts["on_time"], counts["plans"])
