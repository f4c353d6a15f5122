"""Reads of the FAQ: the public search, the front desk's, entries due for review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from servq.agencies.rules import keeps_content_of
from servq.agencies.selectors import paths_where
from servq.core.rules import normalize
from servq.faq import rules
from servq.faq.models import Entry


def search(query: str, entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """Every word in the question or the answer (Chinese needs no segmenting for this: a two-character
    word is found wherever it stands); the most helpful first."""
    for word in normalize(query).split()[:5]:
        entries = entries.filter(Q(question__icontains=word) | Q(answer__icontains=word))
    return entries.order_by("-helpful", "question")


def public(query: str = "") -> QuerySet[Entry]:
    return search(query, Entry.objects.filter(published=True).select_related("agency", "service"))


def kept_by(user: Any) -> QuerySet[Entry]:
    """Entries the user keeps, by faq.keep_faq's own rule: the agency's coordinator, its own units'
    staff, supervisors above it."""
    return Entry.objects.filter(agency__path__in=paths_where(user, keeps_content_of)).select_related(
        "agency", "unit", "service"
    )


def due_for_review(entries: QuerySet[Entry], today: dt.date) -> list[Entry]:
    return [e for e in entries if rules.overdue(e.confirmed_on, e.review_days, today)]
