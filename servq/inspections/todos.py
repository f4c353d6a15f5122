"""What waits for a user in inspections (core.todos): findings to answer, reports to approve."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from servq.core import todos
from servq.core.permissions import has_perm
from servq.core.rules import format_roc_date
from servq.core.todos import Todo
from servq.inspections import rules, selectors
from servq.inspections.models import Visit


@todos.source(45, _("待回復的缺失及建議事項"))
def findings_to_answer(user: Any, today: dt.date) -> list[Todo]:
    found = (
        selectors.findings_for(user)
        .filter(state=rules.OPEN, notified_on__isnull=False)
        .order_by("reply_due")[:30]
    )
    return [
        Todo(f"{f.agency.name}：{f.text[:30]}", reverse("inspections:finding", args=[f.pk]), due=f.reply_due)
        for f in found
        if has_perm(user, "inspections.answer_finding", f)
    ]


@todos.source(46, _("待核定的訪查報告"))
def reports_to_approve(user: Any, today: dt.date) -> list[Todo]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        Todo(
            f"{v.body.name}{v.get_kind_display()}（{format_roc_date(v.on)}）",
            reverse("inspections:visit", args=[v.pk]),
        )
        for v in Visit.objects.filter(approver=user, state=rules.IN_REVIEW).select_related("body")[:20]
    ]


@todos.source(44, _("受邀擔任委員的訪查"))
def visits_to_sit_on(user: Any, today: dt.date) -> list[Todo]:
    """The visits a person sits on the panel of, not yet sent for approval (issue 33.10: a member
    added to a panel had no to-do)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        Todo(
            f"{v.body.name}{v.get_kind_display()}（{format_roc_date(v.on)}）",
            reverse("inspections:visit", args=[v.pk]),
            due=v.on,
        )
        for v in Visit.objects.filter(panel__user=user, state=rules.DRAFT)
        .select_related("body")
        .distinct()[:20]
    ]


@todos.source(43, _("待審查的缺失改善回復"))
def replies_to_review(user: Any, today: dt.date) -> list[Todo]:
    """Findings answered and waiting for the body's decision (解除列管 or 退回再改善), for whoever
    inspects for that body (issue 33.10: the supervisor's home did not list them)."""
    if not getattr(user, "is_authenticated", False):
        return []
    waiting = selectors.findings_for(user).filter(state=rules.REPLIED).order_by("notified_on", "pk")[:50]
    return [
        Todo(
            f"{f.agency.name}：{f.text[:30]}",
            reverse("inspections:finding", args=[f.pk]),
            note=gettext("已回復，待審查"),
        )
        for f in waiting
        if has_perm(user, "inspections.inspect", f.body)
    ]
