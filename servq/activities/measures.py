"""Measures the kept records give indicators: every value is a count or a share of records."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servq.activities import rules
from servq.activities.models import (
    DocumentExchangeMonth,
    PointKind,
    ServicePoint,
    SocialPost,
    TrainingSession,
    WebsiteReview,
    WebsiteSection,
)
from servq.core.measures import Scope, register, register_count
from servq.core.rules import share


def _training(scope: Scope) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(
        agency__path__startswith=scope.agency_path, held_on__range=(scope.start, scope.end)
    ).order_by("held_on")


TRAINING_COLUMNS = ("title", "agency__name", "held_on", "hours", "attendees")

register_count(
    key="activities.training_sessions",
    label=_("辦理研習場次"),
    unit="場",
    definition=_("期間內辦理、並登錄於「辦理紀錄」的服務研習場次（高雄市「辦理年度提升為民服務研習」）。"),
    records=_training,
    columns=TRAINING_COLUMNS,
)


@register(
    key="activities.training_attendance",
    label=_("研習參加人次"),
    unit="人次",
    definition=_("期間內登錄的服務研習之參加人數合計。"),
    records=_training,
    columns=TRAINING_COLUMNS,
)
def training_attendance(scope: Scope) -> Decimal | None:
    return Decimal(_training(scope).aggregate(n=Sum("attendees"))["n"] or 0)


def _open_points(scope: Scope, *kinds: str) -> QuerySet[ServicePoint]:
    """Points of the kinds open on the last day of the range."""
    return ServicePoint.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=scope.end),
        agency__path__startswith=scope.agency_path,
        kind__in=kinds,
        opened_on__lte=scope.end,
    ).order_by("district", "name")


POINT_COLUMNS = ("name", "agency__name", "kind", "district", "opened_on", "closed_on")

register_count(
    key="activities.service_points",
    label=_("服務據點數"),
    unit="處",
    definition=_(
        "期間結束日仍開放的服務據點與延伸服務據點數（財政部「延伸服務據點」、高雄市「延伸服務據點」）。"
    ),
    records=lambda scope: _open_points(scope, PointKind.COUNTER, PointKind.OUTREACH),
    columns=POINT_COLUMNS,
)
register_count(
    key="activities.wifi_hotspots",
    label=_("免費無線上網熱點數"),
    unit="處",
    definition=_("期間結束日仍開放的免費無線上網熱點數（彰化縣、高雄市 i-Taiwan 免費上網）。"),
    records=lambda scope: _open_points(scope, PointKind.WIFI),
    columns=POINT_COLUMNS,
)


@register(
    key="activities.wifi_districts",
    label=_("設有免費無線上網熱點的鄉鎮市區數"),
    unit="個",
    definition=_(
        "期間結束日至少有一處開放中熱點的鄉鎮市區數（彰化縣「於全縣26鄉鎮市設置民眾免費無線上網熱點」）。"
    ),
    records=lambda scope: _open_points(scope, PointKind.WIFI),
    columns=POINT_COLUMNS,
)
def wifi_districts(scope: Scope) -> Decimal | None:
    return Decimal(_open_points(scope, PointKind.WIFI).values("district").distinct().count())


def _reviews(scope: Scope) -> QuerySet[WebsiteReview]:
    return WebsiteReview.objects.filter(
        agency__path__startswith=scope.agency_path, reviewed_on__range=(scope.start, scope.end)
    ).order_by("reviewed_on")


@register(
    key="activities.monthly_reviews",
    label=_("網站專區每月檢視達成率"),
    unit="%",
    definition=_(
        "期間內（到今天為止）的每個月，各列管網站專區由專人至少檢視一次者所占比率："
        "有檢視紀錄的（專區、月份）÷ 應檢視的（專區、月份）（主計總處「專人…定期（至少每月1次）檢視」）。"
    ),
    records=_reviews,
    columns=("section__name", "agency__name", "reviewed_on", "all_correct", "note"),
)
def monthly_reviews(scope: Scope) -> Decimal | None:
    months = rules.months_in(scope.start, min(scope.end, timezone.localdate()))
    sections = WebsiteSection.objects.filter(agency__path__startswith=scope.agency_path)
    due = rules.review_months_due(sections.values_list("pk", "since"), months)
    kept = {
        (section, day.replace(day=1))
        for section, day in _reviews(scope).values_list("section", "reviewed_on")
    }
    return share(len(due & kept), len(due))


register_count(
    key="activities.social_posts",
    label=_("社群媒體發布則數"),
    unit="則",
    definition=_("期間內登錄的社群媒體（Facebook、YouTube、Flickr…）發布則數（主計總處、彰化縣）。"),
    records=lambda scope: SocialPost.objects.filter(
        agency__path__startswith=scope.agency_path, posted_on__range=(scope.start, scope.end)
    ).order_by("posted_on"),
    columns=("title", "agency__name", "platform", "posted_on"),
)


def _exchange(scope: Scope) -> QuerySet[DocumentExchangeMonth]:
    return DocumentExchangeMonth.objects.filter(
        agency__path__startswith=scope.agency_path, month__range=(scope.start.replace(day=1), scope.end)
    ).order_by("month")


@register(
    key="activities.e_exchange_share",
    label=_("公文電子交換率"),
    unit="%",
    definition=_(
        "期間內各月登錄的發文中，以電子交換發出者所占比率（各月電子交換件數合計 ÷ 發文總件數合計；"
        "彰化縣「提昇公文電子交換率」）。"
    ),
    records=_exchange,
    columns=("month", "agency__name", "electronic", "total"),
)
def e_exchange_share(scope: Scope) -> Decimal | None:
    sums = _exchange(scope).aggregate(part=Sum("electronic"), whole=Sum("total"))
    return share(sums["part"] or 0, sums["whole"] or 0)
