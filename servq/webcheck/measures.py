"""Measures website health gives indicators (「網站有效連結率」, 「無障礙檢測」), see servq.core.measures."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from servq.core.measures import Scope, register
from servq.webcheck import rules
from servq.webcheck.selectors import latest_done_checks


@register(key="webcheck.valid_link_rate", label=_("網站有效連結率"), unit="%")
def valid_link_rate(scope: Scope) -> Decimal | None:
    """Valid links over all links checked, in each site's last run of the range, summed over the sites."""
    runs = latest_done_checks(scope.agency_path, scope.start, scope.end)
    return rules.valid_link_rate(sum(r.links for r in runs), sum(r.broken for r in runs))


@register(key="webcheck.stale_pages", label=_("逾期未更新網頁數"), unit="頁", higher_is_better=False)
def stale_pages(scope: Scope) -> Decimal | None:
    runs = latest_done_checks(scope.agency_path, scope.start, scope.end)
    return Decimal(sum(r.stale_pages for r in runs)) if runs else None


@register(key="webcheck.a11y_violations", label=_("無障礙檢測違規數"), unit="處", higher_is_better=False)
def a11y_violations(scope: Scope) -> Decimal | None:
    runs = [
        r
        for r in latest_done_checks(scope.agency_path, scope.start, scope.end)
        if r.a11y_violations is not None
    ]
    return Decimal(sum(r.a11y_violations or 0 for r in runs)) if runs else None
