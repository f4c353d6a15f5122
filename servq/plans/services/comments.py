"""Plans services: a public comment period on a draft plan (004: 「廣納專家、學界、民間團體等各方
意見」, 「即時予以回應」) — opened by the plan's agency, comments from anyone while it runs, each
answered in public or held back with a reason."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from servq.core import audit
from servq.core.actors import Actor, person
from servq.core.validators import MARKUP
from servq.plans import rules
from servq.plans.models import CommentPeriod, Plan, PublicComment
from servq.plans.services._common import PlanError, _require_authorship

# The longest period a draft stays open for comments, and the longest comment.
MAX_PERIOD_DAYS = 90
MAX_COMMENT = 2000
AUTHOR_ONLY = "只有計畫所屬機關的聯絡人可以辦理公開徵詢意見。"


@transaction.atomic
def open_comment_period(*, by: Actor, plan: Plan, opens_on: dt.date, closes_on: dt.date) -> CommentPeriod:
    """The agency opens its draft for public comment, for a span it states."""
    _require_authorship(by, plan, AUTHOR_ONLY)
    PlanError.require(plan.status in rules.EDITABLE_STATES, "只有草稿或退回修正的計畫可以公開徵詢意見。")
    PlanError.require(opens_on >= timezone.localdate(), "開始日期不能早於今天。", "opens_on")
    PlanError.require(closes_on >= opens_on, "截止日期不能早於開始日期。", "closes_on")
    PlanError.require(
        (closes_on - opens_on).days <= MAX_PERIOD_DAYS, f"徵詢期間最長 {MAX_PERIOD_DAYS} 日。", "closes_on"
    )
    PlanError.require(
        not plan.comment_periods.filter(closes_on__gte=timezone.localdate()).exists(),
        "這份計畫已有進行中或即將開始的徵詢。",
    )
    period = CommentPeriod.objects.create(
        plan=plan, opens_on=opens_on, closes_on=closes_on, opened_by=person(by)
    )
    audit.record(
        by=by,
        action="plan.comment_period",
        obj=period,
        agency=plan.agency,
        within=plan,
        after={"from": opens_on.isoformat(), "to": closes_on.isoformat()},
    )
    return period


@transaction.atomic
def submit_comment(*, period: CommentPeriod, text: str, name: str = "") -> PublicComment:
    """A comment from anyone while the period runs, in plain text."""
    PlanError.require(period.open_on(timezone.localdate()), "徵詢期間已結束或尚未開始。")
    words = text.strip()
    PlanError.require(bool(words), "請寫下您的意見。", "text")
    PlanError.require(len(words) <= MAX_COMMENT, f"意見最多 {MAX_COMMENT} 字。", "text")
    PlanError.require(not MARKUP.search(words) and not MARKUP.search(name), "請以純文字填寫。", "text")
    comment = PublicComment.objects.create(period=period, text=words, name=" ".join(name.split())[:60])
    audit.record(
        by=None, action="plan.public_comment", obj=comment, agency=period.plan.agency, within=period.plan
    )
    return comment


@transaction.atomic
def answer_comment(
    *, by: Actor, comment: PublicComment, answer: str = "", held_back: str = ""
) -> PublicComment:
    """The agency's public answer to a comment, or the reason it is held back (offensive, or personal
    data); a held-back comment is never shown, its reason is."""
    plan = comment.period.plan
    _require_authorship(by, plan, AUTHOR_ONLY)
    PlanError.require(
        bool(answer.strip()) or bool(held_back.strip()), "請寫下回應，或不公開的理由。", "answer"
    )
    before = audit.snapshot(comment, ["answer", "held_back"])
    comment.answer, comment.held_back = answer.strip()[:MAX_COMMENT], " ".join(held_back.split())[:200]
    comment.answered_at = timezone.now()
    comment.save(update_fields=["answer", "held_back", "answered_at"])
    audit.record(
        by=by,
        action="plan.answer_comment",
        obj=comment,
        agency=plan.agency,
        within=plan,
        before=before,
        after=audit.snapshot(comment, ["answer", "held_back"]),
    )
    return comment
