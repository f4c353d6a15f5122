"""Cases services: the workflow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from servq.agencies.models import Agency
from servq.agencies.rules import Role
from servq.agencies.selectors import users_holding
from servq.cases import rules
from servq.cases.models import (
    Case,
    CaseEvent,
    CategoryKind,
    Outcome,
    State,
)
from servq.cases.services._common import MAX_DESCRIPTION, CaseError
from servq.cases.services.attachments import Upload, clean_uploads, save_attachments
from servq.cases.services.outbox import _mail_on_commit, track_url
from servq.cases.services.stats import _bump_stats, _count_close
from servq.core import audit, changes, notices
from servq.core.actors import Actor, person
from servq.core.locking import locked
from servq.core.models import AuditEntry
from servq.core.permissions import has_perm
from servq.core.rules import format_roc_date
from servq.core.selectors import office_calendar
from servq.core.workflow import TransitionRefused

# --- the workflow -------------------------------------------------------------------------------


def _locked(case: Case) -> Case:
    return locked(Case.objects.select_related("agency", "unit", "category", "body"), case.pk)


def _advance(by: Actor, case: Case, action: str) -> tuple[Case, str]:
    """The case locked and moved to the state ``action`` leads to; refused in words, naming what
    another person changed meanwhile when that is why (``case`` is the case as this person saw it)."""
    fresh = _locked(case)
    if not has_perm(by, "cases.handle_case", fresh):
        if fresh.agency_id != case.agency_id:
            raise CaseError(f"這件案件剛由他人移文至{fresh.agency.name}，您的操作沒有執行。", "state")
        raise CaseError("您沒有處理這件案件的權限。")
    try:
        target = rules.next_state(fresh.state, action)
    except TransitionRefused as error:
        if fresh.state != case.state:
            now = State(fresh.state).label
            raise CaseError(
                f"這件案件剛由他人改為「{now}」，您的操作沒有執行；請看過最新狀態再處理。", "state"
            ) from None
        raise CaseError(str(error), "state") from None
    before = fresh.state
    fresh.state = target
    return fresh, before


def _record(by: Actor, case: Case, action: str, before: str, **extra: Any) -> AuditEntry:
    return audit.record(
        by=by,
        action=f"case.{action}",
        obj=case,
        agency=case.agency,
        before={"state": before},
        after={"state": case.state},
        extra=extra or None,
    )


@transaction.atomic
def assign(*, by: Actor, case: Case, unit: Agency, assignee: Any = None) -> Case:
    fresh, before = _advance(by, case, rules.ASSIGN)
    CaseError.require(
        unit.path.startswith(fresh.agency.path) and unit.kind == "unit",
        f"{unit.name} 不是 {fresh.agency.name} 的單位。",
        "unit",
    )
    _bump_stats(fresh, received=-1)  # the count follows the case to its unit
    fresh.unit, fresh.assignee = unit, assignee
    fresh.save()
    _bump_stats(fresh, received=1)
    _event(fresh, "assigned", by=by, note=f"分派至{unit.name}")
    entry = _record(by, fresh, "assign", before, unit=unit.code)
    notices.notify(
        event=entry,
        recipients=users_holding(Role.UNIT_STAFF, unit),
        subject=f"案件 {fresh.number} 分派給{unit.name}",
        body=f"「{fresh.headline}」已分派給{unit.name}，處理期限 {format_roc_date(fresh.due_on)}。",
        url=reverse("cases:detail", args=[fresh.number]),
    )
    return fresh


@transaction.atomic
def start(*, by: Actor, case: Case) -> Case:
    fresh, before = _advance(by, case, rules.START)
    fresh.save()
    _event(fresh, "started", by=by, note="開始處理")
    _record(by, fresh, "start", before)
    return fresh


@transaction.atomic
def ask_citizen(*, by: Actor, case: Case, question: str) -> Case:
    """Ask the citizen for more (補正); the clock stops until they answer on the query page or
    staff resume the case."""
    CaseError.require(bool(question.strip()), "請寫明需要民眾補充的資料。", "question")
    fresh, before = _advance(by, case, rules.WAIT)
    fresh.paused_since = timezone.localdate()
    fresh.save()
    _event(fresh, "waiting", by=by, note=f"請補充：{question.strip()}")
    _record(by, fresh, "wait", before)
    if fresh.citizen_email:
        _mail_on_commit(fresh.citizen_email, f"案件 {fresh.number} 需要您補充資料", _asking(fresh, question))
    return fresh


def _asking(case: Case, question: str) -> str:
    """The 補正 letter: what is asked, by whom, and how to answer it online."""
    return (
        f"{case.citizen_name or '民眾'} 您好：\n\n"
        f"{case.agency.name}處理您的案件 {case.number}（{case.category.name}）時，需要您補充以下資料：\n\n"
        f"{question.strip()}\n\n"
        f"請到 {track_url()} 以案號與查詢密碼查詢，在「補正」欄寫下說明或附上檔案後送出。\n"
        "補正前處理期限暫停計算，送出後恢復計算。\n\n"
        f"{case.agency.name} 敬上"
    )


def _unpause(case: Case, today: dt.date) -> None:
    if case.paused_since is None:
        return
    calendar = office_calendar((case.paused_since.year, today.year + 1))
    case.due_on = rules.resume_due(
        case.due_on, case.paused_since, today, working_days=case.category.working_days, cal=calendar
    )
    case.paused_since = None


@transaction.atomic
def resume(*, by: Actor, case: Case, note: str = "") -> Case:
    fresh, before = _advance(by, case, rules.RESUME)
    _unpause(fresh, timezone.localdate())
    fresh.save()
    _event(fresh, "resumed", by=by, note=note.strip() or "民眾已補充，繼續處理")
    _record(by, fresh, "resume", before)
    return fresh


@transaction.atomic
def reply(*, by: Actor, case: Case, outcome: str, text: str, remedy: str = "") -> Case:
    """Answer the citizen and close the case; on time is judged against the (paused, extended) due date.
    An application ends with a decision, and a 駁回 with how to contest it (``remedy``)."""
    CaseError.require(outcome in Outcome.values, f"結果「{outcome}」不存在。", "outcome")
    CaseError.require(bool(text.strip()), "請填寫回覆內容。", "reply")
    CaseError.require(len(text) <= 10000, "回覆最多 10000 字。", "reply")
    CaseError.require(len(remedy) <= 2000, "救濟方法最多 2000 字。", "remedy")
    fresh, before = _advance(by, case, rules.REPLY)
    application = fresh.category.kind == CategoryKind.APPLICATION
    refusal = rules.outcome_refusal(outcome, application=application, remedy=remedy)
    CaseError.require(refusal is None, refusal or "", "remedy" if outcome == rules.REJECTED else "outcome")
    now = timezone.now()
    _unpause(fresh, timezone.localdate(now))
    fresh.outcome, fresh.reply, fresh.closed_at = outcome, text.strip(), now
    fresh.remedy = remedy.strip() if outcome == rules.REJECTED else ""
    fresh.closed_on_time = rules.closed_on_time(timezone.localdate(now), fresh.due_on)
    fresh.save()
    _event(fresh, "replied", by=by, note=fresh.reply)
    _count_close(fresh, +1)
    _record(by, fresh, "reply", before, outcome=outcome, on_time=fresh.closed_on_time)
    if fresh.citizen_email:
        _mail_on_commit(fresh.citizen_email, *_answer(fresh, application))
    # Modules above may follow up a closed case (a questionnaire with each case, 隨案問卷).
    changes.announce("case.closed", case=fresh)
    return fresh


def _answer(case: Case, application: bool) -> tuple[str, str]:
    """The closing letter: a decision with its reasons and remedy, or the answer to a petition."""
    if not application:
        return f"案件 {case.number} 回覆", case.reply
    decision = Outcome(case.outcome).label
    body = f"{case.citizen_name or '申請人'} 您好：\n\n您申請的「{case.subject or case.category.name}」（案號 {case.number}）經{case.agency.name}審查，結果為「{decision}」。\n\n{case.reply}"
    if case.remedy:
        body += f"\n\n救濟方法：{case.remedy}"
    return f"申辦案件 {case.number} 審查結果：{decision}", f"{body}\n\n{case.agency.name} 敬上"


@transaction.atomic
def supplement(*, case: Case, text: str, attachments: Sequence[Upload] = ()) -> Case:
    """The citizen's answer to a 補正 request, sent from the query page (the caller has checked the
    case's number and password): words and files on the case, the clock resumes, the handlers are told."""
    files = clean_uploads(attachments)
    words = text.strip()
    CaseError.require(bool(words) or bool(files), "請寫下補正說明或附上檔案。", "text")
    CaseError.require(len(words) <= MAX_DESCRIPTION, f"補正說明最多 {MAX_DESCRIPTION} 字。", "text")
    fresh = _locked(case)
    CaseError.require(
        fresh.state == rules.WAITING, "這件案件目前不需要補正；如有新的情形，請另外反映。", "state"
    )
    fresh.state = rules.next_state(fresh.state, rules.RESUME)
    _unpause(fresh, timezone.localdate())
    fresh.save()
    saved = save_attachments(fresh, files)
    sent = f"（附件 {len(saved)} 個）" if saved else ""
    _event(fresh, "supplemented", by=None, note=f"民眾補正：{words or '附上檔案'}{sent}")
    entry = _record(None, fresh, "supplement", rules.WAITING, files=len(saved))
    notices.notify(
        event=entry,
        recipients=_handlers(fresh),
        subject=f"案件 {fresh.number} 民眾已補正",
        body=f"「{fresh.headline}」的民眾已補正{sent}，處理期限恢復計算，"
        f"現為 {format_roc_date(fresh.due_on)}。",
        url=reverse("cases:detail", args=[fresh.number]),
    )
    return fresh


def _handlers(case: Case) -> list[Any]:
    """Who acts on the case next: its handler, else its unit's staff, else its agency's coordinators."""
    if case.assignee is not None:
        return [case.assignee]
    if case.unit is not None:
        return list(users_holding(Role.UNIT_STAFF, case.unit))
    return list(users_holding(Role.COORDINATOR, case.agency))


@transaction.atomic
def reopen(*, by: Actor, case: Case, reason: str) -> Case:
    """Work a closed case again; its close is taken back out of the roll-ups and a new limit starts."""
    CaseError.require(bool(reason.strip()), "請說明重新處理的理由。", "reason")
    fresh, before = _advance(by, case, rules.REOPEN)
    _count_close(fresh, -1)
    today = timezone.localdate()
    calendar = office_calendar((today.year, today.year + 1))
    fresh.closed_at, fresh.closed_on_time, fresh.extended_days = None, None, 0
    fresh.due_on = rules.due_date(
        today,
        fresh.category.limit_days,
        working_days=fresh.category.working_days,
        cal=calendar,
        months=fresh.category.limit_months,
    )
    fresh.save()
    _event(fresh, "reopened", by=by, note=reason.strip())
    _record(by, fresh, "reopen", before, reason=reason.strip())
    return fresh


@transaction.atomic
def transfer(*, by: Actor, case: Case, to: Agency, reason: str) -> Case:
    """移文: hand the case to another agency of the same body, with the reason in the public timeline."""
    CaseError.require(bool(reason.strip()), "移文須說明理由。", "reason")
    fresh, before = _advance(by, case, rules.TRANSFER)
    CaseError.require(to.pk != fresh.agency_id, "不能移文給原承辦機關。", "agency")
    CaseError.require(
        to.path.startswith(fresh.body.path) and to.kind != "unit", f"{to.name} 不在受理範圍內。", "agency"
    )
    previous = fresh.agency
    _bump_stats(fresh, received=-1)
    fresh.agency, fresh.unit, fresh.assignee = to, None, None
    fresh.save()
    _bump_stats(fresh, received=1)
    _event(
        fresh,
        "transferred",
        by=by,
        note=f"移文至{to.name}：{reason.strip()}",
        from_agency=previous,
        to_agency=to,
    )
    entry = _record(
        by, fresh, "transfer", before, from_agency=previous.code, to_agency=to.code, reason=reason.strip()
    )
    notices.notify(
        event=entry,
        recipients=users_holding(Role.COORDINATOR, to),
        subject=f"案件 {fresh.number} 由{previous.name}移文至{to.name}",
        body=f"「{fresh.headline}」由{previous.name}移文至{to.name}：{reason.strip()}。"
        f"處理期限 {format_roc_date(fresh.due_on)}。",
        url=reverse("cases:detail", args=[fresh.number]),
    )
    return fresh


@transaction.atomic
def extend(*, by: Actor, case: Case, days: int, reason: str) -> Case:
    """展期 once, with a notice to the citizen."""
    CaseError.require(bool(reason.strip()), "展期須說明理由。", "reason")
    fresh = _locked(case)
    CaseError.require(has_perm(by, "cases.handle_case", fresh), "您沒有處理這件案件的權限。")
    CaseError.require(fresh.state in rules.OPEN_STATES, "已結案的案件不能展期。", "state")
    calendar = office_calendar((fresh.due_on.year, fresh.due_on.year + 1))
    try:
        new_due = rules.extended_due(
            fresh.due_on,
            days,
            already_extended=fresh.extended_days,
            limit_days=fresh.category.limit_days,
            working_days=fresh.category.working_days,
            cal=calendar,
        )
    except rules.ExtensionRefused as error:
        raise CaseError(str(error), "days") from None
    before_due = fresh.due_on
    fresh.due_on, fresh.extended_days = new_due, days
    fresh.save()
    _event(fresh, "extended", by=by, note=f"展期至{format_roc_date(new_due)}：{reason.strip()}")
    audit.record(
        by=by,
        action="case.extend",
        obj=fresh,
        agency=fresh.agency,
        before={"due_on": before_due.isoformat()},
        after={"due_on": new_due.isoformat()},
        extra={"reason": reason.strip()},
    )
    if fresh.citizen_email:
        _mail_on_commit(
            fresh.citizen_email,
            f"案件 {fresh.number} 展期通知",
            f"您的案件處理期限延至 {format_roc_date(new_due)}。理由：{reason.strip()}",
        )
    return fresh


@transaction.atomic
def record_satisfaction(*, by: Actor, case: Case, score: int, note: str = "") -> Case:
    """外撥滿意度: the follow-up call after closing, 1 (very dissatisfied) to 5 (very satisfied)."""
    fresh = _locked(case)
    CaseError.require(has_perm(by, "cases.handle_case", fresh), "您沒有處理這件案件的權限。")
    CaseError.require(fresh.state == rules.CLOSED, "結案後才能記錄滿意度。", "state")
    CaseError.require(1 <= score <= 5, "滿意度須為 1 到 5。", "score")
    fresh.satisfaction, fresh.satisfaction_note = score, note.strip()[:300]
    fresh.save()
    _event(fresh, "satisfaction", by=by, public=False, note=f"滿意度 {score}")
    audit.record(by=by, action="case.satisfaction", obj=fresh, agency=fresh.agency, after={"score": score})
    return fresh


@transaction.atomic
def merge_duplicate(*, by: Actor, case: Case, into: Case) -> Case:
    """Close ``case`` as a duplicate of ``into``; the citizen is told which case carries on."""
    CaseError.require(case.pk != into.pk, "不能與自己併案。")
    CaseError.require(into.body_id == case.body_id, "只能與同一受理機關的案件併案。")
    closed = reply(
        by=by, case=case, outcome=Outcome.DUPLICATE, text=f"本案與案號 {into.number} 內容相同，併該案辦理。"
    )
    Case.objects.filter(pk=closed.pk).update(duplicate_of=into)
    closed.duplicate_of = into
    return closed


def read_personal_data(*, by: Actor, case: Case) -> dict[str, str]:
    """The citizen's name and contacts, for those who may see them; every read is in the audit log."""
    CaseError.require(has_perm(by, "cases.see_personal_data", case), "您沒有檢視民眾個人資料的權限。")
    with transaction.atomic():
        audit.record(by=by, action="case.read_personal_data", obj=case, agency=case.agency)
    return {"name": case.citizen_name, "email": case.citizen_email, "phone": case.citizen_phone}


# --- the timeline -------------------------------------------------------------------------------


def _event(
    case: Case, kind: str, *, by: Actor, note: str = "", public: bool = True, **agencies: Agency
) -> None:
    CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        kind=kind,
        note=note,
        public=public,
        by=person(by),
        **agencies,
    )
