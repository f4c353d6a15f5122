"""Plans services: review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from servq.agencies.rules import Role
from servq.agencies.selectors import users_holding
from servq.core import audit, changes, notices
from servq.core.actors import Actor, person
from servq.core.locking import locked as lock_row
from servq.core.rules import format_roc_date
from servq.plans import rules, selectors
from servq.plans.models import (
    ConsultedParty,
    Plan,
    PlanConsultation,
    PlanKind,
    PlanRevision,
    PlanStatus,
    ReviewComment,
)
from servq.plans.services._common import (
    PlanError,
    _copy_contents,
    _require_author,
    _require_authorship,
    _sync_search_status,
)

# --- review -------------------------------------------------------------------------------------


@transaction.atomic
def transition(
    *,
    by: Actor,
    plan: Plan,
    action: str,
    comment: str = "",
    item_comments: dict[int, str] | None = None,
    revision_note: str = "",
) -> Plan:
    """Move the plan through its workflow; refused (``TransitionRefused``) unless rules.py allows it."""
    locked = lock_row(Plan.objects.select_related("agency"), plan.pk)
    step = rules.check_transition(action, locked.status, selectors.capacities_for(by, locked))
    if action == "return" and not (comment.strip() or any(v.strip() for v in (item_comments or {}).values())):
        raise PlanError("退回時請寫下審查意見，讓機關知道要修正什麼。")
    if action == "revise":
        return _new_version(by=by, plan=locked, note=revision_note)
    if action == "submit":
        _require_complete(locked)
    PlanError.require(
        not rules.decides_own_submission(action, locked.submitted_by_id, getattr(by, "pk", None)),
        "您是這份計畫的送審人，審查（核定或退回）須由另一位研考人員為之。",
    )
    before = audit.snapshot(locked, ["status"])
    now = timezone.now()
    locked.status = step.target
    if action == "submit":
        locked.submitted_at, locked.submitted_by = now, person(by)
    elif action in ("return", "approve"):
        locked.decided_at = now
    elif action == "publish":
        locked.published_at = now
        _retire_earlier_versions(by, locked)
        _add_revision_line(locked, now)
    locked.lock_version += 1
    locked.save()
    _sync_search_status(locked)
    _save_comments(by, locked, comment, item_comments or {})
    entry = audit.record(
        by=by,
        action=f"plan.{action}",
        obj=locked,
        agency=locked.agency,
        before=before,
        after=audit.snapshot(locked, ["status"]),
        extra={"comment": comment} if comment else None,
    )
    _notify(entry, locked, action, comment)
    plan.refresh_from_db()
    return locked


# Who a step concerns: the supervisors of the body that runs the cycle hear that a plan waits for
# their review or went public; the agency's coordinators hear a return or an approval.
NOTICE_TEXTS = {
    "submit": ("{agency}送審「{title}」", "{agency}已將「{title}」送審，請審查後核定或退回修正。"),
    "return": ("「{title}」已退回修正", "{agency}的「{title}」已退回修正。審查意見：{comment}"),
    "approve": ("「{title}」已核定", "{agency}的「{title}」已核定，可以公告。{comment}"),
    "publish": ("{agency}已公告「{title}」", "{agency}的「{title}」已公告，民眾可以閱讀與下載。"),
}


def _notify(entry: Any, plan: Plan, action: str, comment: str) -> None:
    if action not in NOTICE_TEXTS:
        return
    if action in ("publish", "submit"):
        body = plan.cycle.agency if plan.cycle is not None else None
        recipients = list(users_holding(Role.SUPERVISOR, body)) if body is not None else []
    else:
        recipients = list(users_holding(Role.COORDINATOR, plan.agency))
    subject, text = NOTICE_TEXTS[action]
    values = {"title": plan.title, "agency": plan.agency.name, "comment": comment.strip() or ""}
    notices.notify(
        event=entry,
        recipients=recipients,
        subject=subject.format(**values),
        body=text.format(**values).strip(),
        url=reverse("plans:detail", args=[plan.pk]),
    )


def _require_complete(plan: Plan) -> None:
    """Submitting is the moment to check the plan against what its body requires (written on the
    implementation plan that frames its cycle; 003's full list where none is); gaps are named."""
    items = [
        rules.ItemFacts(item.position, item.text, item.deadline_raw, item.unit_count)
        for item in plan.items.annotate(unit_count=Count("units")).order_by("position")
    ]
    sections = {field: getattr(plan, field) for field, _ in rules.REQUIRED_SECTIONS}
    required = selectors.requirements_for(plan)
    gaps = rules.completeness_gaps(
        sections, items, required, selectors.years_without_targets(plan) if required.targets else ()
    )
    if gaps:
        raise PlanError("還不能送審，請先補齊：" + "；".join(gaps) + "。")


def _save_comments(by: Actor, plan: Plan, comment: str, item_comments: dict[int, str]) -> None:
    if comment.strip():
        ReviewComment.objects.create(plan=plan, author=person(by), body=comment.strip())
    items = plan.items.in_bulk(list(item_comments))
    for item_id, body in item_comments.items():
        if body.strip() and item_id in items:
            ReviewComment.objects.create(plan=plan, item=items[item_id], author=person(by), body=body.strip())


def _retire_earlier_versions(by: Actor, plan: Plan) -> None:
    for older in selectors.versions_of(plan).filter(status=PlanStatus.PUBLISHED).exclude(pk=plan.pk):
        older.status = PlanStatus.SUPERSEDED
        older.save(update_fields=["status", "updated_at"])
        _sync_search_status(older)
        audit.record(
            by=by,
            action="plan.supersede",
            obj=older,
            agency=older.agency,
            before={"status": "published"},
            after={"status": "superseded"},
            extra={"by_version": plan.version},
        )


def _add_revision_line(plan: Plan, when: dt.datetime) -> None:
    day = timezone.localdate(when)
    verb = "訂定" if plan.version == 1 else "修訂"
    note = f"（{plan.revision_note}）" if plan.revision_note and plan.version > 1 else ""
    label = f"{format_roc_date(day)}{verb}{note}"
    PlanRevision.objects.create(plan=plan, date=day, label=label)


def _new_version(*, by: Actor, plan: Plan, note: str) -> Plan:
    if not note.strip():
        raise PlanError("請說明這次修正的理由。")
    if selectors.versions_of(plan).filter(version__gt=plan.version).exists():
        raise PlanError("這份計畫已有較新的修正版本。")
    new = Plan.objects.create(
        program=plan.program,
        agency=plan.agency,
        parent=plan.parent,
        cycle=plan.cycle,
        kind=plan.kind,
        title=plan.title,
        first_year=plan.first_year,
        last_year=plan.last_year,
        basis=plan.basis,
        goals=plan.goals,
        scope=plan.scope,
        steps=plan.steps,
        oversight=plan.oversight,
        rewards=plan.rewards,
        status=PlanStatus.DRAFT,
        first_version_id=plan.first_version_id or plan.pk,
        version=plan.version + 1,
        revision_note=note.strip(),
    )
    PlanRevision.objects.bulk_create(
        PlanRevision(plan=new, date=r.date, label=r.label) for r in plan.revisions.all()
    )
    _copy_contents(plan, new, shift_years=0)
    changes.announce("plan.contents", plan=new)
    audit.record(
        by=by,
        action="plan.revise",
        obj=new,
        agency=plan.agency,
        after=audit.snapshot(new),
        extra={"from_version": plan.version, "note": note.strip()},
    )
    return new


@transaction.atomic
def record_posting(*, by: Actor, plan: Plan, on: dt.date, where: str) -> Plan:
    """The approved or published plan was posted at the service premises (003, 004: 公告於機關網站
    及服務場所): when and where, by the agency's coordinator."""
    locked = lock_row(Plan.objects.all(), plan.pk)
    _require_authorship(by, locked, "只有機關聯絡人可以登錄張貼於服務場所。")
    PlanError.require(
        locked.status in (PlanStatus.APPROVED, PlanStatus.PUBLISHED), "計畫核定後才能張貼於服務場所。"
    )
    PlanError.require(on <= timezone.localdate(), "張貼日期不能晚於今天。", "on")
    place = " ".join(where.split())[:200]
    PlanError.require(bool(place), "請寫明張貼地點，例如「一樓服務台公布欄」。", "where")
    before = audit.snapshot(locked, ["posted_on", "posted_where"])
    locked.posted_on, locked.posted_where = on, place
    locked.save(update_fields=["posted_on", "posted_where"])
    audit.record(
        by=by,
        action="plan.posted",
        obj=locked,
        agency=locked.agency,
        before=before,
        after=audit.snapshot(locked, ["posted_on", "posted_where"]),
    )
    return locked


@transaction.atomic
def set_requirements(*, by: Actor, plan: Plan, requirements: rules.Requirements) -> Plan:
    """The body says what each execution plan under its implementation plan must have (issue 37.9):
    the sections, the item fields, and whether yearly quantified targets are required."""
    locked = lock_row(Plan.objects.all(), plan.pk)
    PlanError.require(locked.kind == PlanKind.IMPLEMENTATION, "只有實施計畫可以訂定執行計畫應具備的內容。")
    _require_authorship(by, locked, "只有訂定實施計畫的機關可以設定。")
    before = {"requirements": locked.requirements}
    locked.requirements = requirements.as_data()
    locked.save(update_fields=["requirements"])
    audit.record(
        by=by,
        action="plan.requirements",
        obj=locked,
        agency=locked.agency,
        before=before,
        after={"requirements": locked.requirements},
    )
    return locked


@transaction.atomic
def record_consultation(
    *, by: Actor, plan: Plan, held_on: dt.date, parties: Sequence[str], how: str, said: str, changed: str = ""
) -> PlanConsultation:
    """A consultation on the plan while it is drafted (004: 「廣納專家、學界、民間團體等各方意見」):
    its author records who took part, how, what they said and what the plan changed because of it;
    shown on the plan's page."""
    _require_author(by, plan, "登錄意見徵詢")
    chosen = [p for p in dict.fromkeys(parties) if p in ConsultedParty.values]
    PlanError.require(bool(chosen), "請選擇徵詢的對象。", "parties")
    PlanError.require(held_on <= timezone.localdate(), "日期不能晚於今天。", "held_on")
    PlanError.require(bool(how.strip()), "請寫明方式，例如「座談會」。", "how")
    PlanError.require(bool(said.strip()), "請寫下主要意見。", "said")
    consultation = PlanConsultation.objects.create(
        plan=plan,
        held_on=held_on,
        parties=chosen,
        how=" ".join(how.split())[:100],
        said=said.strip()[:5000],
        changed=changed.strip()[:5000],
        recorded_by=person(by),
    )
    audit.record(
        by=by,
        action="plan.consultation",
        obj=consultation,
        agency=plan.agency,
        within=plan,
        after={"on": held_on.isoformat(), "how": consultation.how, "people": chosen},
    )
    return consultation
