"""Measures citizen cases give indicators (「陳情案件如期結案率」, 「處理滿意度」), see servq.core.measures."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import Agency
from servq.cases import selectors
from servq.cases.models import Case
from servq.core.measures import Scope, register
from servq.core.rules import share

CASE_COLUMNS = ("number", "agency__name", "received_at", "due_on", "closed_at", "closed_on_time")


def _received(scope: Scope) -> QuerySet[Case]:
    return Case.objects.filter(
        agency__path__startswith=scope.agency_path,
        received_at__date__gte=scope.start.replace(day=1),
        received_at__date__lte=scope.end,
    ).order_by("received_at")


def _rated(scope: Scope) -> QuerySet[Case]:
    return Case.objects.filter(
        agency__path__startswith=scope.agency_path,
        closed_at__date__range=(scope.start, scope.end),
        satisfaction__isnull=False,
    ).order_by("closed_at")


@register(
    key="cases.on_time_rate",
    label=_("案件如期結案率"),
    unit="%",
    definition=_(
        "期間內收件的陳情案件中，於處理期限內結案者 ÷（已結案者 ＋ 尚未結案且已逾期者）。"
        "處理期限依辦公日曆計算，展期與補正暫停已計入。"
    ),
    records=_received,
    columns=CASE_COLUMNS,
)
def on_time_rate(scope: Scope) -> Decimal | None:
    return selectors.on_time_rate(scope.agency_path, scope.start, scope.end, today=timezone.localdate())


@register(
    key="cases.median_days_to_close",
    label=_("案件結案天數中位數"),
    unit="日",
    higher_is_better=False,
    definition=_("期間內結案的陳情案件，自收件至結案的日數之中位數。"),
    records=lambda scope: Case.objects.filter(
        agency__path__startswith=scope.agency_path, closed_at__date__range=(scope.start, scope.end)
    ).order_by("closed_at"),
    columns=CASE_COLUMNS,
)
def median_days_to_close(scope: Scope) -> Decimal | None:
    root = Agency.objects.filter(path=scope.agency_path).first()
    if root is None:
        return None
    median = selectors.close_time_percentiles(root, scope.start, scope.end)["median"]
    return None if median is None else Decimal(median)


@register(
    key="cases.after_satisfaction",
    label=_("陳情案件處理滿意度"),
    unit="%",
    definition=_(
        "期間內結案、且民眾於結案後回覆滿意度（1–5 分）的案件中，回覆 4 或 5 分者所占比率"
        "（彰化縣的外撥滿意度調查、高雄市的處理結果滿意度）。沒有任何回覆時為無資料。"
    ),
    records=_rated,
    columns=(*CASE_COLUMNS[:2], "closed_at", "satisfaction"),
)
def after_satisfaction(scope: Scope) -> Decimal | None:
    rated = _rated(scope)
    return share(rated.filter(satisfaction__gte=4).count(), rated.count())
