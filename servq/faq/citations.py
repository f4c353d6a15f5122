"""The FAQ entries a case reply may cite: the published ones of the case's agency and the agencies
above it (a body's FAQ answers for all its agencies)."""

from __future__ import annotations

from django.urls import reverse

from servq.agencies.rules import path_and_ancestors
from servq.core import citations
from servq.core.citations import Citation
from servq.faq.models import Entry


@citations.source("faq")
def published_entries(agency_path: str) -> list[Citation]:
    entries = Entry.objects.filter(published=True, agency__path__in=path_and_ancestors(agency_path))
    return [
        Citation(f"faq:{e.pk}", e.question, e.answer, f"{reverse('faq:public')}#faq-{e.pk}")
        for e in entries.order_by("question")[:200]
    ]
