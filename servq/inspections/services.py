"""Every write of inspections: criteria, criticism and award facts, plans with their priority list
and draw, visits with panels, scores, spot-check records and findings, the approval chain, replies
(by the agency or its 主管機關) and the inspecting body's decisions, and the findings' notices.
Each audited in its transaction; notices through the outbox, each sent once."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from servq.agencies.models import Agency
from servq.agencies.rules import Role, in_conflict
from servq.agencies.selectors import grants_of, ties_of, users_holding
from servq.cases import rules as case_rules
from servq.cases.services import Upload, clean_uploads
from servq.cases.services.attachments import CleanFile
from servq.core import audit, notices, outbox
from servq.core.actors import Actor, person
from servq.core.errors import ServiceError
from servq.core.locking import locked
from servq.core.permissions import has_perm
from servq.core.rules import format_roc_date
from servq.core.selectors import office_calendar
from servq.core.workflow import TransitionRefused
from servq.inspections import rules, selectors
from servq.inspections.models import (
    AwardEntry,
    CriteriaSet,
    Criterion,
    Criticism,
    Finding,
    FindingNotice,
    FindingSource,
    InspectionPlan,
    Panelist,
    PanelRole,
    RecordFile,
    Reply,
    Score,
    SpotRecord,
    Visit,
    VisitKind,
)
from servq.plans.models import PlanItem
from servq.reporting import rules as reporting_rules
from servq.services.models import Service


class InspectionError(ServiceError):
    pass


def _require_inspector(by: Actor, body: Agency) -> None:
    InspectionError.require(has_perm(by, "inspections.inspect", body), f"您不是{body.name}的考核人員。")


def _someone(by: Actor) -> Any:
    """The person acting: scores, records and replies are signed by someone, never by the system."""
    user = person(by)
    if user is None:
        raise InspectionError("請先登入。")
    return user


def _within(body: Agency, agency: Agency, *, own: bool = False) -> None:
    """An agency below the body; with ``own``, the body itself too — its own units spot-checked (000:
    綜合規劃處不定期抽查作成紀錄，並將考核結果送受查單位檢討改進), each finding naming the unit."""
    if own and agency.pk == body.pk:
        return
    InspectionError.require(
        agency.pk != body.pk,
        f"{body.name}本身只能以「抽查」檢查自己的各單位，發現事項請註明單位。",
        "agencies",
    )
    InspectionError.require(
        agency.path.startswith(body.path) and agency.pk != body.pk and agency.kind != "unit",
        f"{agency.name} 不在{body.name}所屬範圍內。",
        "agencies",
    )


# --- criteria, and the facts the priority rules read ---------------------------------------------


@transaction.atomic
def save_criteria(*, by: Actor, body: Agency, name: str, lines: str) -> CriteriaSet:
    """A new version of a named criteria set from lines 「代號｜評核項目｜滿分｜權重」 (the last two
    optional: 10 and 1); the visits that used an earlier version keep it."""
    _require_inspector(by, body)
    InspectionError.require(
        bool(name.strip()) and len(name) <= 120, "請填寫評核項目名稱（120 字內）。", "name"
    )
    parsed = []
    for number, line in enumerate((x for x in lines.splitlines() if x.strip()), start=1):
        cells = [c.strip() for c in line.replace("|", "｜").split("｜")]
        InspectionError.require(
            len(cells) >= 2 and bool(cells[0]) and bool(cells[1]),
            f"第 {number} 列須寫成「代號｜評核項目｜滿分｜權重」。",
            "lines",
        )
        try:
            max_score = int(cells[2]) if len(cells) > 2 and cells[2] else 10
            weight = Decimal(cells[3]) if len(cells) > 3 and cells[3] else Decimal(1)
        except (ValueError, InvalidOperation):
            raise InspectionError(f"第 {number} 列的滿分或權重不是數字。", "lines") from None
        InspectionError.require(
            1 <= max_score <= 1000 and 0 < weight <= 100, f"第 {number} 列的滿分或權重超出範圍。", "lines"
        )
        parsed.append((cells[0][:20], cells[1][:200], max_score, weight))
    InspectionError.require(bool(parsed), "請至少列一個評核項目。", "lines")
    codes = [p[0] for p in parsed]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    InspectionError.require(not repeated, f"代號「{'、'.join(repeated)}」重複。", "lines")
    latest = CriteriaSet.objects.filter(body=body, name=name.strip()).order_by("-version").first()
    criteria = CriteriaSet.objects.create(
        body=body, name=name.strip(), version=(latest.version + 1) if latest else 1
    )
    Criterion.objects.bulk_create(
        Criterion(criteria=criteria, position=i, code=c, name=n, max_score=m, weight=w)
        for i, (c, n, m, w) in enumerate(parsed)
    )
    audit.record(
        by=by,
        action="inspection.criteria",
        obj=criteria,
        agency=body,
        after={"criteria": [list(map(str, p)) for p in parsed]},
    )
    return criteria


@transaction.atomic
def note_criticism(
    *, by: Actor, body: Agency, agency: Agency, noted_on: dt.date, source: str, note: str
) -> Criticism:
    _require_inspector(by, body)
    _within(body, agency)
    InspectionError.require(bool(source.strip()) and bool(note.strip()), "請寫明來源與摘要。", "source")
    criticism = Criticism.objects.create(
        agency=agency, noted_on=noted_on, source=source.strip()[:200], note=note.strip()[:500]
    )
    audit.record(
        by=by, action="inspection.criticism", obj=criticism, agency=agency, after={"source": criticism.source}
    )
    return criticism


@transaction.atomic
def record_award_entry(*, by: Actor, body: Agency, agency: Agency, year: int) -> AwardEntry:
    _require_inspector(by, body)
    _within(body, agency)
    entry, _ = AwardEntry.objects.get_or_create(agency=agency, year=year)
    audit.record(by=by, action="inspection.award_entry", obj=entry, agency=agency, after={"year": year})
    return entry


def note_award_entered(*, by: Actor, agency: Agency, year: int) -> AwardEntry:
    """An application made in the award module counts as the agency's entry that year, so the
    inspection plan's 「連續3年未參選」 rule (003) reads it without anyone typing it again. Called
    inside the award service's transaction; the entry itself was the permission."""
    entry, created = AwardEntry.objects.get_or_create(agency=agency, year=year)
    if created:
        audit.record(
            by=by,
            action="inspection.award_entry",
            obj=entry,
            agency=agency,
            after={"year": year, "from": "awards"},
        )
    return entry


# --- plans: who is visited first -----------------------------------------------------------------


@transaction.atomic
def make_plan(
    *,
    by: Actor,
    body: Agency,
    year: int,
    title: str,
    chosen_rules: Sequence[str],
    no_award_years: int = 3,
    places: int | None = None,
    seed: int | None = None,
) -> InspectionPlan:
    """The priority list from the rules the body chose, with each agency's reasons; with ``places``,
    the visits drawn among equals from a seed kept with the plan (given, or drawn here)."""
    _require_inspector(by, body)
    unknown = [r for r in chosen_rules if r not in rules.PRIORITY_RULES]
    InspectionError.require(not unknown, f"沒有「{'、'.join(unknown)[:40]}」這種優先規則。", "chosen_rules")
    InspectionError.require(bool(title.strip()), "請填寫名稱。", "title")
    InspectionError.require(1 <= no_award_years <= 20, "未參獎年數須介於 1 與 20。", "no_award_years")
    ranked = rules.priority(
        selectors.agency_facts(body, year), chosen_rules, year=year, no_award_years=no_award_years
    )
    if places is not None:
        seed = secrets.randbelow(2**31) if seed is None else seed
        try:
            ranked = rules.draw(ranked, places, seed)
        except rules.BadDraw as error:
            raise InspectionError(str(error), "places") from None
    plan = InspectionPlan.objects.create(
        body=body,
        year=year,
        title=title.strip()[:200],
        chosen_rules=list(chosen_rules),
        no_award_years=no_award_years,
        priority=[
            {"agency": r.agency_id, "name": r.name, "reasons": list(r.reasons), "drawn": r.drawn}
            for r in ranked
        ],
        places=places,
        seed=seed if places is not None else None,
    )
    audit.record(
        by=by,
        action="inspection.plan",
        obj=plan,
        agency=body,
        after={
            "rules": list(chosen_rules),
            "places": places,
            "seed": plan.seed,
            "order": [r.agency_id for r in ranked],
        },
    )
    return plan


# --- visits --------------------------------------------------------------------------------------


@transaction.atomic
def schedule_visit(
    *,
    by: Actor,
    body: Agency,
    kind: str,
    on: dt.date,
    agencies: Sequence[Agency],
    criteria: CriteriaSet | None = None,
    theme: str = "",
    reply_rule: str = "1個月",
    plan: InspectionPlan | None = None,
) -> Visit:
    _require_inspector(by, body)
    InspectionError.require(kind in VisitKind.values, f"沒有「{kind[:20]}」這種訪查方式。", "kind")
    InspectionError.require(bool(agencies), "請選擇受訪機關。", "agencies")
    for agency in agencies:
        _within(body, agency, own=kind == rules.SPOT)
    scored = kind in rules.SCORED_KINDS
    InspectionError.require(
        not scored or criteria is not None, "定期、不定期與專案查核須選擇評核項目。", "criteria"
    )
    InspectionError.require(
        criteria is None or criteria.body_id == body.pk, "評核項目不屬於這個機關。", "criteria"
    )
    InspectionError.require(
        kind != rules.THEMATIC or bool(theme.strip()), "專案查核請寫明主題（服務或議題）。", "theme"
    )
    try:
        rules.parse_reply_rule(reply_rule)
    except rules.BadReplyRule as error:
        raise InspectionError(str(error), "reply_rule") from None
    visit = Visit.objects.create(
        body=body,
        kind=kind,
        on=on,
        criteria=criteria if scored else None,
        theme=theme.strip()[:200],
        reply_rule=reply_rule.strip(),
        plan=plan,
    )
    visit.agencies.set(agencies)
    if (planner := person(by)) is not None:
        Panelist.objects.create(visit=visit, user=planner, role=PanelRole.STAFF)
    audit.record(
        by=by,
        action="inspection.visit",
        obj=visit,
        agency=body,
        after={"kind": kind, "on": on.isoformat(), "agencies": [a.code for a in agencies]},
    )
    return visit


@transaction.atomic
def add_panelist(*, by: Actor, visit: Visit, user: Any, role: str) -> Panelist:
    _require_inspector(by, visit.body)
    InspectionError.require(role in PanelRole.values, f"沒有「{role[:20]}」這種身分。", "role")
    InspectionError.require(visit.state == rules.DRAFT, "訪查已送陳核，不能再變更委員。")
    tied = [a.name for a in visit.agencies.all() if in_conflict(ties_of(user), a.path, visit.body.path)]
    InspectionError.require(
        not tied,
        f"{user.get_full_name() or user.get_username()}與受訪的{'、'.join(tied)}有關係（任職或申報），應迴避。",
        "user",
    )
    panelist, created = Panelist.objects.get_or_create(visit=visit, user=user, defaults={"role": role})
    entry = audit.record(
        by=by,
        action="inspection.panelist",
        obj=visit,
        agency=visit.body,
        after={"user": user.get_username(), "role": role},
    )
    if created:  # issue 33.10: a member added to a panel was told nothing
        notices.notify(
            event=entry,
            recipients=[user],
            subject=f"邀請您擔任訪查委員：{visit}",
            body=f"{visit.body.name}請您擔任{visit}的{panelist.get_role_display()}。",
            url=reverse("inspections:visit", args=[visit.pk]),
        )
    return panelist


def _require_panelist(by: Actor, visit: Visit) -> None:
    InspectionError.require(
        person(by) is not None and Panelist.objects.filter(visit=visit, user=person(by)).exists(),
        "您不是這次訪查的委員。",
    )


def _visited(visit: Visit, agency: Agency) -> None:
    InspectionError.require(
        visit.agencies.filter(pk=agency.pk).exists(), f"{agency.name} 不是這次訪查的受訪機關。", "agency"
    )


@transaction.atomic
def save_score(
    *,
    by: Actor,
    visit: Visit,
    agency: Agency,
    criterion: Criterion,
    score: str | Decimal | None,
    comment: str = "",
) -> Score:
    """A reviewer's score and comment on one criterion, saved as they type (every save audited)."""
    _require_panelist(by, visit)
    _visited(visit, agency)
    InspectionError.require(
        visit.scored and criterion.criteria_id == visit.criteria_id, "這個評核項目不屬於這次訪查。"
    )
    # Checked again at every score: a tie declared after the panel was set counts from then on.
    InspectionError.require(
        not in_conflict(ties_of(by), agency.path, visit.body.path),
        f"您與{agency.name}有關係（任職或申報），應迴避，不能評分。",
        "score",
    )
    InspectionError.require(visit.state == rules.DRAFT, "訪查已送陳核，分數不能再改。")
    value: Decimal | None = None
    if score not in (None, ""):
        try:
            value = rules.check_score(Decimal(str(score)), criterion.scale())
        except (InvalidOperation, rules.BadScore):
            raise InspectionError(
                f"「{criterion.code}」的分數須介於 0 與 {criterion.max_score}，最多一位小數。", "score"
            ) from None
    InspectionError.require(len(comment) <= 5000, "意見最多 5000 字。", "comment")
    row, _ = Score.objects.select_for_update().get_or_create(
        visit=visit, agency=agency, reviewer=_someone(by), criterion=criterion
    )
    before = {"score": str(row.score) if row.score is not None else None, "comment": row.comment}
    row.score, row.comment = value, comment.strip()
    row.save()
    audit.record(
        by=by,
        action="inspection.score",
        obj=row,
        agency=agency,
        within=visit,
        before=before,
        after={"score": str(value) if value is not None else None, "comment": row.comment},
    )
    return row


def _save_files(files: Sequence[CleanFile], **owner: Any) -> None:
    for file in files:
        kind = case_rules.ATTACHMENT_KINDS[file.kind]
        saved = RecordFile(name=file.name, content_type=kind[2], size=len(file.data), **owner)
        saved.file.save(f"{uuid.uuid4().hex}.{file.kind}", ContentFile(file.data), save=False)
        saved.save()


@transaction.atomic
def record_spot_check(
    *, by: Actor, visit: Visit, agency: Agency, at: dt.datetime, seen: str, files: Sequence[Upload] = ()
) -> SpotRecord:
    """The written record of a spot check: who (the signed-in panelist), when, what was seen, photos."""
    _require_panelist(by, visit)
    _visited(visit, agency)
    InspectionError.require(visit.kind == rules.SPOT, "只有抽查需要查核紀錄。")
    InspectionError.require(
        bool(seen.strip()) and len(seen) <= 10000, "請寫下查核情形（10000 字內）。", "seen"
    )
    InspectionError.require(at <= timezone.now(), "查核時間不能在未來。", "at")
    cleaned = clean_uploads(files)
    record = SpotRecord.objects.create(visit=visit, agency=agency, by=_someone(by), at=at, seen=seen.strip())
    _save_files(cleaned, record=record)
    audit.record(
        by=by,
        action="inspection.spot_record",
        obj=record,
        agency=agency,
        within=visit,
        after={"files": len(cleaned)},
    )
    return record


@transaction.atomic
def add_finding(
    *,
    by: Actor,
    visit: Visit,
    agency: Agency,
    text: str,
    recommendation: bool = False,
    unit: Agency | None = None,
    item: PlanItem | None = None,
    service: Service | None = None,
) -> Finding:
    _require_panelist(by, visit)
    _visited(visit, agency)
    InspectionError.require(visit.state == rules.DRAFT, "訪查已送陳核，不能再增加缺失。")
    return _new_finding(
        by,
        body=visit.body,
        agency=agency,
        text=text,
        recommendation=recommendation,
        unit=unit,
        item=item,
        service=service,
        visit=visit,
    )


@transaction.atomic
def finding_from_year_end(
    *, by: Actor, body: Agency, agency: Agency, text: str, unit: Agency | None = None
) -> Finding:
    """「影送各單位檢討改進」: a finding from the year-end results, notified at once."""
    _require_inspector(by, body)
    _within(body, agency)
    return finding_from_module(by=by, body=body, agency=agency, text=text, unit=unit, source="year_end")


@transaction.atomic
def finding_from_module(
    *, by: Actor, body: Agency, agency: Agency, text: str, source: str, unit: Agency | None = None
) -> Finding:
    """A finding another module raises (year-end results, a survey, a website check), notified at
    once with the default reply rule; the calling module has checked that ``by`` may raise it."""
    InspectionError.require(source in FindingSource.values, f"沒有「{source[:20]}」這種來源。", "source")
    finding = _new_finding(
        by, body=body, agency=agency, text=text, recommendation=False, unit=unit, source=source
    )
    _notify_finding(finding, timezone.localdate(), rules.parse_reply_rule("1個月"))
    return finding


def _new_finding(
    by: Actor,
    *,
    body: Agency,
    agency: Agency,
    text: str,
    recommendation: bool,
    unit: Agency | None = None,
    item: PlanItem | None = None,
    service: Service | None = None,
    visit: Visit | None = None,
    source: str = "visit",
) -> Finding:
    InspectionError.require(
        bool(text.strip()) and len(text) <= 5000, "請寫明缺失或建議事項（5000 字內）。", "text"
    )
    InspectionError.require(
        unit is None or (unit.kind == "unit" and unit.parent_id == agency.pk),
        f"{unit.name if unit else ''} 不是 {agency.name} 的單位。",
        "unit",
    )
    InspectionError.require(
        item is None or item.plan.agency_id == agency.pk, "計畫項目不屬於這個機關。", "item"
    )
    InspectionError.require(
        service is None or service.agency_id == agency.pk, "服務項目不屬於這個機關。", "service"
    )
    finding = Finding.objects.create(
        body=body,
        visit=visit,
        source=source,
        agency=agency,
        unit=unit,
        item=item,
        service=service,
        recommendation=recommendation,
        text=text.strip(),
    )
    audit.record(
        by=by,
        action="inspection.finding",
        obj=finding,
        agency=agency,
        within=visit,
        after={"text": finding.text[:200]},
    )
    return finding


def _notify_finding(finding: Finding, today: dt.date, rule: rules.ReplyRule) -> None:
    finding.notified_on = today
    finding.reply_due = rule.due(today, office_calendar((today.year, today.year + 2)))
    finding.save(update_fields=["notified_on", "reply_due", "updated_at"])


@transaction.atomic
def advance_visit(
    *, by: Actor, visit: Visit, action: str, approver: Any = None, summary: str | None = None
) -> Visit:
    """The visit report's way: submitted to an approver in the body's chain, approved (by them only)
    or returned, sent to the visited agencies (their findings' clocks start), published."""
    fresh = locked(Visit.objects.select_related("body"), visit.pk)
    try:
        transition = rules.VISIT_WORKFLOW.check(action, fresh.state)
    except TransitionRefused as error:
        raise InspectionError(str(error), "state") from None
    before = fresh.state
    if action == rules.APPROVE:
        InspectionError.require(fresh.approver_id == _someone(by).pk, "只有指定的核定人可以核定。")
        fresh.approved_at = timezone.now()
    else:
        _require_inspector(by, fresh.body)
    if action == rules.SUBMIT:
        InspectionError.require(approver is not None, "請指定核定人。", "approver")
        InspectionError.require(
            rules.may_approve(grants_of(approver), fresh.body.path),
            f"{approver.get_full_name() or approver.get_username()} 不在{fresh.body.name}的核定層級內。",
            "approver",
        )
        if summary is not None:
            fresh.summary = summary.strip()
        fresh.approver = approver
    if action == rules.SEND:
        today = timezone.localdate()
        fresh.sent_on = today
        rule = rules.parse_reply_rule(fresh.reply_rule)
        for finding in Finding.objects.filter(visit=fresh):
            _notify_finding(finding, today, rule)
    fresh.state = transition.target
    fresh.save()
    entry = audit.record(
        by=by,
        action=f"inspection.{action}",
        obj=fresh,
        agency=fresh.body,
        before={"state": before},
        after={"state": fresh.state},
    )
    if action == rules.SUBMIT:
        notices.notify(
            event=entry,
            recipients=[approver],
            subject=f"訪查報告待核定：{fresh}",
            body=f"{fresh.body.name}{fresh}的報告已送請您核定。",
            url=reverse("inspections:visit", args=[fresh.pk]),
        )
    return fresh


# --- findings: replies through the tree and decisions --------------------------------------------


def _locked(finding: Finding) -> Finding:
    return locked(Finding.objects.select_related("agency", "unit", "body"), finding.pk)


@transaction.atomic
def assign_finding(*, by: Actor, finding: Finding, unit: Agency) -> Finding:
    fresh = _locked(finding)
    InspectionError.require(has_perm(by, "inspections.answer_finding", fresh), "您不能分派這項缺失。")
    InspectionError.require(
        unit.kind == "unit" and unit.parent_id == fresh.agency_id,
        f"{unit.name} 不是 {fresh.agency.name} 的單位。",
        "unit",
    )
    before = fresh.unit.code if fresh.unit else ""
    fresh.unit = unit
    fresh.save(update_fields=["unit", "updated_at"])
    audit.record(
        by=by,
        action="inspection.assign",
        obj=fresh,
        agency=fresh.agency,
        before={"unit": before},
        after={"unit": unit.code},
    )
    return fresh


@transaction.atomic
def answer(*, by: Actor, finding: Finding, text: str, files: Sequence[Upload] = ()) -> Reply:
    """The agency (or its 主管機關, for it) says what was done, with evidence."""
    fresh = _locked(finding)
    InspectionError.require(has_perm(by, "inspections.answer_finding", fresh), "您不能回復這項缺失。")
    InspectionError.require(fresh.notified_on is not None, "這項缺失尚未函送。")
    try:
        rules.FINDING_WORKFLOW.check(rules.ANSWER, fresh.state)
    except TransitionRefused as error:
        raise InspectionError(str(error), "state") from None
    InspectionError.require(
        bool(text.strip()) and len(text) <= 10000, "請寫明改善情形（10000 字內）。", "text"
    )
    cleaned = clean_uploads(files)
    own_paths = {fresh.agency.path, fresh.unit.path if fresh.unit else fresh.agency.path}
    on_behalf = not any(g.path in own_paths for g in grants_of(by))  # answered by the 主管機關
    reply = Reply.objects.create(
        finding=fresh, by=_someone(by), on_behalf=on_behalf, at=timezone.now(), text=text.strip()
    )
    _save_files(cleaned, reply=reply)
    before = fresh.state
    fresh.state = rules.REPLIED
    fresh.first_replied_on = fresh.first_replied_on or timezone.localdate()
    fresh.save(update_fields=["state", "first_replied_on", "updated_at"])
    entry = audit.record(
        by=by,
        action="inspection.answer",
        obj=fresh,
        agency=fresh.agency,
        before={"state": before},
        after={"state": fresh.state, "on_behalf": reply.on_behalf},
    )
    notices.notify(
        event=entry,
        recipients=users_holding(Role.SUPERVISOR, fresh.body),
        subject=f"{fresh.agency.name}回復了缺失，待審查",
        body=f"{fresh.agency.name}已回復「{fresh.text[:60]}」的改善情形，請審查後解除列管、退回或繼續列管。",
        url=reverse("inspections:finding", args=[fresh.pk]),
    )
    return reply


@transaction.atomic
def decide(*, by: Actor, finding: Finding, action: str, note: str = "") -> Finding:
    """The inspecting body accepts the reply (the finding closes), returns it, or keeps it open (列管)."""
    fresh = _locked(finding)
    _require_inspector(by, fresh.body)
    try:
        transition = rules.FINDING_WORKFLOW.check(action, fresh.state)
    except TransitionRefused as error:
        raise InspectionError(str(error), "state") from None
    InspectionError.require(
        action in (rules.ACCEPT, rules.SEND_BACK, rules.KEEP_OPEN), "請選擇審查結果。", "action"
    )
    InspectionError.require(
        action == rules.ACCEPT or bool(note.strip()), "退回或繼續列管請寫明理由。", "note"
    )
    last = fresh.replies.order_by("-at").first()
    if last is not None:
        last.decision, last.decision_note = action, note.strip()
        last.save(update_fields=["decision", "decision_note"])
    before = fresh.state
    fresh.state = transition.target
    fresh.tracked = action == rules.KEEP_OPEN or (fresh.tracked and action != rules.ACCEPT)
    fresh.closed_on = timezone.localdate() if action == rules.ACCEPT else None
    if action == rules.SEND_BACK:
        # Returned: a new deadline by the same rule, from today.
        rule = rules.parse_reply_rule(fresh.visit.reply_rule if fresh.visit else "1個月")
        _notify_finding(fresh, timezone.localdate(), rule)
    fresh.save()
    audit.record(
        by=by,
        action=f"inspection.{action}",
        obj=fresh,
        agency=fresh.agency,
        before={"state": before},
        after={"state": fresh.state},
        extra={"note": note.strip()[:500]} if note.strip() else None,
    )
    return fresh


# --- notices: reminders, overdue, escalation (through the outbox, each once) ----------------------


def plan_finding_notices(*, today: dt.date) -> int:
    """Queue every notice due today for findings not yet answered (idempotent: each kind once per
    finding and person). Reminders and overdue notices go to the agency (and its assigned unit);
    escalation to its 主管機關 and to the inspecting body's supervisors."""
    calendar = office_calendar((today.year - 1, today.year + 1))
    wanted: list[FindingNotice] = []
    findings = Finding.objects.filter(state=rules.OPEN, reply_due__isnull=False).select_related(
        "agency", "unit", "body"
    )
    recipients = selectors.notice_recipients(findings)
    for finding in findings:
        assert finding.reply_due is not None  # selected for having one
        kinds = reporting_rules.notices_due(
            finding.reply_due,
            today,
            calendar,
            remind_days=settings.SERVQ_REMIND_DAYS,
            escalate_days=settings.SERVQ_ESCALATE_DAYS,
        )
        for kind in kinds:
            for user_id in recipients.get((kind, finding.pk), ()):
                wanted.append(FindingNotice(kind=kind, finding=finding, recipient_id=user_id))
    before = FindingNotice.objects.count()
    FindingNotice.objects.bulk_create(wanted, ignore_conflicts=True, batch_size=1000)
    return FindingNotice.objects.count() - before


SUBJECTS = {
    reporting_rules.REMINDER: "[servq] 提醒：缺失改善情形將於 {due} 到期",
    reporting_rules.OVERDUE: "[servq] 逾期：缺失改善情形已於 {due} 到期，尚未回復",
    reporting_rules.ESCALATION: "[servq] 陳報：{agency}的缺失逾期未回復",
}


def send_finding_notices() -> int:
    notices_due = FindingNotice.objects.select_related("finding__agency", "finding__body", "recipient")
    return outbox.deliver(notices_due, _send_one).sent


def _send_one(notice: FindingNotice) -> None:
    finding, user = notice.finding, notice.recipient
    assert finding.reply_due is not None  # planned only for findings with a deadline
    due = format_roc_date(finding.reply_due)
    subject = SUBJECTS[notice.kind].format(due=due, agency=finding.agency.name)
    body = (
        f"{user.get_full_name() or user.get_username()} 您好：\n\n{finding.body.name}列管的缺失「{finding.text[:80]}」"
        f"（{finding.agency.name}），回復期限 {due}，目前尚未回復改善情形。\n請登入 servq 回復。"
    )
    if user.email:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
