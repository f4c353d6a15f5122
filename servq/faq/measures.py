"""Measures the FAQ gives indicators: entries published, and entries overdue for review."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servq.core.measures import Scope, register
from servq.faq import selectors
from servq.faq.models import Entry


@register(key="faq.published", label=_("公開的常見問題數"), unit="則")
def published(scope: Scope) -> Decimal | None:
    return Decimal(Entry.objects.filter(agency__path__startswith=scope.agency_path, published=True).count())


@register(key="faq.overdue_reviews", label=_("逾期未檢視的常見問題數"), unit="則", higher_is_better=False)
def overdue_reviews(scope: Scope) -> Decimal | None:
    entries = Entry.objects.filter(agency__path__startswith=scope.agency_path)
    return Decimal(len(selectors.due_for_review(entries, min(scope.end, timezone.localdate()))))
