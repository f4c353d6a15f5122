"""Measures the service catalogue gives indicators (「線上申辦服務項目數」, 「申辦案件如期辦結率」 …),
see servq.core.measures. Each reads one agency subtree over the indicator's date range."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import Agency
from servq.core.measures import Scope, register
from servq.services import rules, selectors
from servq.services.models import Service, Simplification


def _services(scope: Scope) -> QuerySet[Service]:
    return Service.objects.filter(agency__path__startswith=scope.agency_path, published=True)


@register(key="services.online_services", label=_("可線上申辦服務項目數"), unit="項")
def online_services(scope: Scope) -> Decimal | None:
    """Published services at level 線上申辦 or 全程線上 (「應逐年增加線上申辦項目」)."""
    return Decimal(_services(scope).filter(online_level__gte=rules.APPLY).count())


@register(key="services.fully_online_services", label=_("全程線上服務項目數"), unit="項")
def fully_online_services(scope: Scope) -> Decimal | None:
    return Decimal(_services(scope).filter(online_level=rules.FULL).count())


@register(key="services.online_share", label=_("線上申辦比率"), unit="%")
def online_share(scope: Scope) -> Decimal | None:
    """Applications received online ÷ all applications, imported figures and servq's own."""
    rows = _all_rows(scope)
    return rules.share(sum(r.online for r in rows), sum(r.received for r in rows))


@register(key="services.on_time_rate", label=_("申辦案件如期辦結率"), unit="%")
def on_time_rate(scope: Scope) -> Decimal | None:
    total = selectors.totals(_all_rows(scope))
    return None if total is None else total.on_time_rate


@register(key="services.with_sop", label=_("已公開標準作業流程之服務項目比率"), unit="%")
def with_sop(scope: Scope) -> Decimal | None:
    services = _services(scope)
    return rules.share(services.filter(steps__isnull=False).distinct().count(), services.count())


@register(key="services.documents_removed", label=_("減少應備文件及核章數"), unit="項")
def documents_removed(scope: Scope) -> Decimal | None:
    """Documents and stamps removed by simplifications put in place within the range."""
    removed = (
        Simplification.objects.filter(
            service__agency__path__startswith=scope.agency_path,
            kind__in=["documents", "stamps"],
            on__range=(scope.start, scope.end),
        )
        .annotate(removed=F("before") - F("after"))
        .aggregate(total=Sum("removed"))["total"]
    )
    return Decimal(removed or 0)


def _all_rows(scope: Scope) -> list[selectors.BoardRow]:
    """The board's rows of every service in the subtree, for each calendar year the range touches."""
    root = Agency.objects.filter(path=scope.agency_path).first()
    if root is None:
        return []
    services = list(selectors.board_services(root))
    rows: list[selectors.BoardRow] = []
    for year in range(scope.start.year, scope.end.year + 1):
        rows += selectors.board(services, year, today=timezone.localdate())
    return rows
