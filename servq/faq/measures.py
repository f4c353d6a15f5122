"""Measures the FAQ gives indicators: entries published, and entries overdue for review."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servq.core.measures import Scope, register, register_count
from servq.faq import selectors
from servq.faq.models import Entry

register_count(
    key="faq.published",
    label=_("公開的常見問題數"),
    unit="則",
    definition=_(
        "量測當時公開於網站的常見問題（FAQ）則數（彰化縣「建置 FAQ 資料庫」、高雄市「常見問題集」）。"
    ),
    records=lambda scope: Entry.objects.filter(
        agency__path__startswith=scope.agency_path, published=True
    ).order_by("agency__path", "question"),
    columns=("question", "agency__name"),
)


@register(
    key="faq.overdue_reviews",
    label=_("逾期未檢視的常見問題數"),
    unit="則",
    higher_is_better=False,
    definition=_("到期結束日（或今天）已超過檢視週期而未重新檢視的常見問題則數。"),
)
def overdue_reviews(scope: Scope) -> Decimal | None:
    entries = Entry.objects.filter(agency__path__startswith=scope.agency_path)
    return Decimal(len(selectors.due_for_review(entries, min(scope.end, timezone.localdate()))))
