"""Measures inspections give indicators and the award review: findings closed on time, open findings."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from servq.cases.rules import on_time_rate
from servq.core.measures import Scope, register
from servq.inspections import rules
from servq.inspections.models import Finding


def _findings(scope: Scope) -> QuerySet[Finding]:
    return Finding.objects.filter(
        agency__path__startswith=scope.agency_path, notified_on__range=(scope.start, scope.end)
    )


@register(key="inspections.closed_on_time", label=_("缺失如期改善率"), unit="%")
def closed_on_time(scope: Scope) -> Decimal | None:
    """Findings notified in the range: answered by their deadline and closed ÷ (closed + open past due)."""
    findings = _findings(scope)
    on_time = findings.filter(state=rules.CLOSED, first_replied_on__lte=F("reply_due")).count()
    closed = findings.filter(state=rules.CLOSED).count()
    overdue = findings.filter(~Q(state=rules.CLOSED), reply_due__lt=scope.end).count()
    return on_time_rate(on_time, closed, overdue)


@register(key="inspections.open_findings", label=_("未解除列管缺失數"), unit="項", higher_is_better=False)
def open_findings(scope: Scope) -> Decimal | None:
    return Decimal(_findings(scope).exclude(state=rules.CLOSED).count())
