"""Measures the open-data inventory gives indicators: datasets published (cumulative, as 000's
720 → 1,440 targets count them) and datasets overdue for update by their frequency."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servq.core.measures import Scope, register, register_count
from servq.opendata import selectors
from servq.opendata.models import Dataset


def _published(scope: Scope) -> QuerySet[Dataset]:
    return Dataset.objects.filter(
        agency__path__startswith=scope.agency_path, state="published", published_on__lte=scope.end
    ).order_by("published_on")


DATASET_COLUMNS = ("title", "agency__name", "published_on", "frequency")

register_count(
    key="opendata.published",
    label=_("累計上架的開放資料集數"),
    unit="項",
    definition=_(
        "期間結束時仍上架的開放資料集累計數（主計總處「開放資料集累計分別達720、960、1,200、1,440項」）。"
    ),
    records=_published,
    columns=DATASET_COLUMNS,
)


@register(
    key="opendata.publishing_agencies",
    label=_("開放資料之機關數"),
    unit="個",
    definition=_(
        "期間結束時至少有一項上架開放資料集的機關（單位）數（彰化縣「已有21個局處開放207項資料」）。"
    ),
    records=_published,
    columns=DATASET_COLUMNS,
)
def publishing_agencies(scope: Scope) -> Decimal | None:
    return Decimal(_published(scope).values("agency").distinct().count())


@register(
    key="opendata.overdue",
    label=_("逾期未更新的開放資料集數"),
    unit="項",
    higher_is_better=False,
    definition=_(
        "依各資料集的更新頻率，到期結束日（或今天）已逾期未更新的資料集數（「定期檢視及更新資料」）。"
    ),
)
def overdue(scope: Scope) -> Decimal | None:
    datasets = Dataset.objects.filter(agency__path__startswith=scope.agency_path)
    return Decimal(len(selectors.overdue(datasets, min(scope.end, timezone.localdate()))))
