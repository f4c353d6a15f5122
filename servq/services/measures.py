"""Measures the service catalogue gives indicators (「線上申辦服務項目數」, 「申辦案件如期辦結率」 …),
see servq.core.measures. Each reads one agency subtree over the indicator's date range."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import Agency
from servq.core.measures import Scope, register, register_count
from servq.core.rules import share
from servq.services import rules, selectors
from servq.services.models import OutreachVisit, RequiredDocument, Service, Simplification

SERVICE_COLUMNS = ("name", "agency__name", "online_level")


def _services(scope: Scope) -> QuerySet[Service]:
    return Service.objects.filter(agency__path__startswith=scope.agency_path, published=True)


register_count(
    key="services.online_services",
    label=_("可線上申辦服務項目數"),
    unit="項",
    definition=_("服務項目目錄中已公開、線上程度為「線上申辦」或「全程線上」的服務項目數（量測當時）。"),
    records=lambda scope: _services(scope).filter(online_level__gte=rules.APPLY),
    columns=SERVICE_COLUMNS,
)
register_count(
    key="services.fully_online_services",
    label=_("全程線上服務項目數"),
    unit="項",
    definition=_("服務項目目錄中已公開、線上程度為「全程線上」的服務項目數（量測當時）。"),
    records=lambda scope: _services(scope).filter(online_level=rules.FULL),
    columns=SERVICE_COLUMNS,
)


@register(
    key="services.online_share",
    label=_("線上申辦比率"),
    unit="%",
    definition=_("期間所在年度的申辦案件中，由線上收件者所占比率（匯入的案件量與 servq 受理的案件合計）。"),
)
def online_share(scope: Scope) -> Decimal | None:
    """Applications received online ÷ all applications, imported figures and servq's own."""
    rows = _all_rows(scope)
    return share(sum(r.online for r in rows), sum(r.received for r in rows))


@register(
    key="services.on_time_rate",
    label=_("申辦案件如期辦結率"),
    unit="%",
    definition=_(
        "期間所在年度的人民申請案件中，於處理期限內辦結者所占比率（匯入的案件量與 servq 受理的案件合計）。"
    ),
)
def on_time_rate(scope: Scope) -> Decimal | None:
    total = selectors.totals(_all_rows(scope))
    return None if total is None else total.on_time_rate


@register(
    key="services.with_sop",
    label=_("已公開標準作業流程之服務項目比率"),
    unit="%",
    definition=_("已公開的服務項目中，已登載標準作業流程（至少一個步驟）者所占比率（量測當時）。"),
    records=_services,
    columns=SERVICE_COLUMNS,
)
def with_sop(scope: Scope) -> Decimal | None:
    services = _services(scope)
    return share(services.filter(steps__isnull=False).distinct().count(), services.count())


def _simplifications(scope: Scope) -> QuerySet[Simplification]:
    return Simplification.objects.filter(
        service__agency__path__startswith=scope.agency_path,
        kind__in=["documents", "stamps"],
        on__range=(scope.start, scope.end),
    ).order_by("on")


@register(
    key="services.documents_removed",
    label=_("減少應備文件及核章數"),
    unit="項",
    definition=_("期間內實施的簡化措施所減少的應備文件與核章數（每筆簡化的「簡化前 − 簡化後」合計）。"),
    records=_simplifications,
    columns=("service__name", "kind", "on", "before", "after"),
)
def documents_removed(scope: Scope) -> Decimal | None:
    removed = (
        _simplifications(scope)
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


def _documents(scope: Scope) -> QuerySet[RequiredDocument]:
    return RequiredDocument.objects.filter(
        service__agency__path__startswith=scope.agency_path, service__published=True
    ).order_by("service__name", "position")


@register(
    key="services.e_check_share",
    label=_("應備文件可電子查驗比率"),
    unit="%",
    definition=_(
        "已公開服務項目的應備文件中，可由跨機關電子查驗（如電子謄本）取代而免附者所占比率（量測當時；"
        "高雄市「提高申辦案件相關資料查驗使用電子謄本認證之比例」）。"
    ),
    records=_documents,
    columns=("service__name", "name", "e_check", "e_source"),
)
def e_check_share(scope: Scope) -> Decimal | None:
    documents = _documents(scope)
    return share(documents.filter(e_check=True).count(), documents.count())


register_count(
    key="services.outreach_visits",
    label=_("到府、到點服務次數"),
    unit="次",
    definition=_("期間內記錄的走動式服務（到府服務、定點服務、行動櫃檯）次數（經濟部「主動服務」）。"),
    records=lambda scope: OutreachVisit.objects.filter(
        service__agency__path__startswith=scope.agency_path, on__range=(scope.start, scope.end)
    ).order_by("on"),
    columns=("service__name", "kind", "on", "place", "served"),
)
