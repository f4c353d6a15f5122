"""Measures website health gives indicators (「網站有效連結率」, 「無障礙檢測」), see servq.core.measures."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from servq.core.measures import Scope, register, register_count
from servq.webcheck import rules
from servq.webcheck.models import CheckStatus, SiteCheck
from servq.webcheck.selectors import latest_done_checks


def _runs(scope: Scope) -> QuerySet[SiteCheck]:
    return SiteCheck.objects.filter(
        site__agency__path__startswith=scope.agency_path,
        status=CheckStatus.DONE,
        finished_at__date__range=(scope.start, scope.end),
    ).order_by("-finished_at")


RUN_COLUMNS = ("site__name", "finished_at", "links", "broken", "stale_pages", "a11y_violations")


@register(
    key="webcheck.valid_link_rate",
    label=_("網站有效連結率"),
    unit="%",
    definition=_("各網站在期間內最後一次完成的檢測中，有效連結 ÷ 檢測的連結，各網站合計。"),
    records=_runs,
    columns=RUN_COLUMNS,
)
def valid_link_rate(scope: Scope) -> Decimal | None:
    runs = latest_done_checks(scope.agency_path, scope.start, scope.end)
    return rules.valid_link_rate(sum(r.links for r in runs), sum(r.broken for r in runs))


@register(
    key="webcheck.stale_pages",
    label=_("逾期未更新網頁數"),
    unit="頁",
    higher_is_better=False,
    definition=_("各網站在期間內最後一次完成的檢測中，超過更新期限未更新的網頁數合計。"),
    records=_runs,
    columns=RUN_COLUMNS,
)
def stale_pages(scope: Scope) -> Decimal | None:
    runs = latest_done_checks(scope.agency_path, scope.start, scope.end)
    return Decimal(sum(r.stale_pages for r in runs)) if runs else None


@register(
    key="webcheck.a11y_violations",
    label=_("無障礙檢測違規數"),
    unit="處",
    higher_is_better=False,
    definition=_(
        "各網站在期間內最後一次完成、且含無障礙檢測的檢測中，違規處數合計（彰化縣「通過無障礙檢測 2A」）。"
    ),
    records=_runs,
    columns=RUN_COLUMNS,
)
def a11y_violations(scope: Scope) -> Decimal | None:
    runs = [
        r
        for r in latest_done_checks(scope.agency_path, scope.start, scope.end)
        if r.a11y_violations is not None
    ]
    return Decimal(sum(r.a11y_violations or 0 for r in runs)) if runs else None


register_count(
    key="webcheck.checks_run",
    label=_("網站檢測次數"),
    unit="次",
    definition=_("期間內完成的網站連結、更新與無障礙檢測次數（彰化縣「每週定期檢查本府網站」）。"),
    records=_runs,
    columns=RUN_COLUMNS,
)
