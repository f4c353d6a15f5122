"""Measures inspections give indicators and the award review: findings closed on time, open findings."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from servq.cases.rules import on_time_rate
from servq.core.measures import Scope, register, register_count
from servq.core.rules import share
from servq.inspections import rules
from servq.inspections.models import AwardEntry, Finding


def _findings(scope: Scope) -> QuerySet[Finding]:
    return Finding.objects.filter(
        agency__path__startswith=scope.agency_path, notified_on__range=(scope.start, scope.end)
    ).order_by("notified_on")


FINDING_COLUMNS = ("text", "agency__name", "notified_on", "reply_due", "first_replied_on", "state")


@register(
    key="inspections.closed_on_time",
    label=_("缺失如期改善率"),
    unit="%",
    definition=_(
        "期間內通知的缺失及建議事項中，於回復期限內回復且已解除列管者 ÷（已解除列管者 ＋ 逾期仍列管者）。"
    ),
    records=_findings,
    columns=FINDING_COLUMNS,
)
def closed_on_time(scope: Scope) -> Decimal | None:
    """Findings notified in the range: answered by their deadline and closed ÷ (closed + open past due)."""
    findings = _findings(scope)
    on_time = findings.filter(state=rules.CLOSED, first_replied_on__lte=F("reply_due")).count()
    closed = findings.filter(state=rules.CLOSED).count()
    overdue = findings.filter(~Q(state=rules.CLOSED), reply_due__lt=scope.end).count()
    return on_time_rate(on_time, closed, overdue)


register_count(
    key="inspections.open_findings",
    label=_("未解除列管缺失數"),
    unit="項",
    higher_is_better=False,
    definition=_("期間內通知、至今仍未解除列管的缺失及建議事項數。"),
    records=lambda scope: _findings(scope).exclude(state=rules.CLOSED),
    columns=FINDING_COLUMNS,
)


@register(
    key="inspections.replied_on_time",
    label=_("考核建議事項如期函復率"),
    unit="%",
    definition=_(
        "回復期限落在期間內的缺失及建議事項中，於期限內回復改善情形者所占比率"
        "（財政部「接獲建議事項後1個月內…函復」、經濟部「2個月內…函報改進情形」）。"
    ),
    records=lambda scope: Finding.objects.filter(
        agency__path__startswith=scope.agency_path, reply_due__range=(scope.start, scope.end)
    ).order_by("reply_due"),
    columns=FINDING_COLUMNS,
)
def replied_on_time(scope: Scope) -> Decimal | None:
    due = Finding.objects.filter(
        agency__path__startswith=scope.agency_path, reply_due__range=(scope.start, scope.end)
    )
    return share(due.filter(first_replied_on__lte=F("reply_due")).count(), due.count())


register_count(
    key="inspections.award_entries_three_years",
    label=_("近3年參選政府服務獎次數"),
    unit="次",
    definition=_(
        "期間結束年度及其前2年，機關參選政府服務獎的次數：獎項模組的報名與補登的歷年參獎紀錄"
        "（經濟部「連續3年未參選『政府服務獎』…優先列為受輔導（考核）對象」）。"
    ),
    records=lambda scope: AwardEntry.objects.filter(
        agency__path__startswith=scope.agency_path,
        year__range=(scope.end.year - 2, scope.end.year),
    ).order_by("year", "agency__path"),
    columns=("agency__name", "year"),
)
