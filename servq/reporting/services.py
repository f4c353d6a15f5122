"""Every write of the reporting cycle: atomic, audited, refusing with a message the user can act on."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from servq.agencies.models import Agency
from servq.agencies.rules import Role
from servq.agencies.selectors import users_holding
from servq.core import audit, measures, notices, outbox
from servq.core.actors import Actor, person
from servq.core.errors import ServiceError
from servq.core.permissions import has_perm
from servq.core.rules import format_roc_year
from servq.core.selectors import office_calendar
from servq.plans.models import Indicator, Plan, PlanCycle, PlanItem
from servq.reporting import evidence as evidence_rules
from servq.reporting import rules, selectors
from servq.reporting.models import (
    Evidence,
    Grade,
    IndicatorActual,
    ItemGrade,
    ItemProgress,
    Notice,
    ProgressStatus,
    ReportingPeriod,
    ScheduleStep,
    SelfEvaluation,
    YearEndReport,
)


class ReportingError(ServiceError):
    """A reporting write refused for a reason the user can act on; the message says which."""


def _require_supervisor(by: Actor, cycle: PlanCycle) -> None:
    ReportingError.require(
        has_perm(by, "reporting.supervise_cycle", cycle), "只有主辦機關的研考人員可以設定填報期間。"
    )


# --- periods ------------------------------------------------------------------------------------


@transaction.atomic
def set_up_periods(*, by: Actor, cycle: PlanCycle, frequency: str, due_rule: str) -> list[ReportingPeriod]:
    """Create the cycle's periods at one frequency, each due by the rule (office calendar)."""
    _require_supervisor(by, cycle)
    calendar = office_calendar((cycle.year, cycle.year + 1))
    try:
        spans = rules.periods_of_year(frequency, cycle.year)
        dues = [rules.due_date(due_rule, span.end, calendar) for span in spans]
    except ValueError as error:
        raise ReportingError(str(error)) from None
    existing = set(cycle.periods.filter(frequency=frequency).values_list("start", flat=True))
    ReportingError.require(not existing, "這個頻率的填報期間已經設定過了。")
    periods = ReportingPeriod.objects.bulk_create(
        ReportingPeriod(
            cycle=cycle,
            frequency=frequency,
            label=span.label,
            start=span.start,
            end=span.end,
            opens_on=span.start,
            due_rule=due_rule,
            due_on=due,
        )
        for span, due in zip(spans, dues, strict=True)
    )
    audit.record(
        by=by,
        action="period.set_up",
        obj=cycle,
        agency=cycle.agency,
        extra={"frequency": frequency, "due_rule": due_rule, "periods": [p.label for p in periods]},
    )
    return periods


@transaction.atomic
def close_period(*, by: Actor, period: ReportingPeriod) -> ReportingPeriod:
    _require_supervisor(by, period.cycle)
    ReportingError.require(not period.is_closed, "這個填報期間已經關閉。")
    period.closed_at = timezone.now()
    period.save(update_fields=["closed_at"])
    audit.record(by=by, action="period.close", obj=period, agency=period.cycle.agency)
    return period


@transaction.atomic
def reopen_period(*, by: Actor, period: ReportingPeriod, reason: str) -> ReportingPeriod:
    _require_supervisor(by, period.cycle)
    ReportingError.require(period.is_closed, "這個填報期間沒有關閉。")
    ReportingError.require(bool(reason.strip()), "重新開放須說明理由。")
    period.closed_at = None
    period.save(update_fields=["closed_at"])
    audit.record(
        by=by, action="period.reopen", obj=period, agency=period.cycle.agency, extra={"reason": reason}
    )
    return period


# --- progress -----------------------------------------------------------------------------------


def _require_open(period: ReportingPeriod) -> None:
    ReportingError.require(
        not period.is_closed, f"「{period.label}」已關閉填報；如需補報，請洽研考人員重新開放。"
    )


def parse_actual(raw: str, indicator: Indicator) -> Decimal:
    """An actual value as typed: a number, optionally with the indicator's own unit; anything else is refused."""
    text = raw.replace(",", "").strip()
    if indicator.unit and text.endswith(indicator.unit):
        text = text[: -len(indicator.unit)].strip()
    try:
        value = Decimal(text)
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        unit = f"（單位：{indicator.unit}）" if indicator.unit else ""
        raise ReportingError(f"指標「{indicator.name}」的實際值「{raw}」不是數字{unit}。") from None
    if indicator.unit == "%" and not Decimal(0) <= value <= Decimal(100):
        raise ReportingError(f"指標「{indicator.name}」是百分比，實際值須介於 0 到 100。")
    if abs(value) >= Decimal("1e12"):
        raise ReportingError(f"指標「{indicator.name}」的實際值「{raw}」太大。")
    return value


class ProgressConflict(ReportingError):
    """Someone saved this item after the page was opened: nothing of this save is stored, and the
    page shows their saved report beside what this person typed."""

    def __init__(self, saved: ItemProgress) -> None:
        super().__init__(
            f"第{saved.item.position + 1}項：有人在您開啟本頁後儲存了這個項目；您的修改沒有存入。"
            "兩份內容並列於該項目，請確認後再按「儲存全部」。"
        )
        self.saved = saved


@transaction.atomic
def save_progress(
    *,
    by: Actor,
    item: PlanItem,
    period: ReportingPeriod,
    status: str,
    narrative: str,
    actuals: Mapping[int, str] | None = None,
    expected_lock: int | None = None,
) -> ItemProgress:
    """Record 辦理情形及成效 for one item and period, with typed indicator values; all or nothing."""
    ReportingError.require(period.cycle_id == item.plan.cycle_id, "這個填報期間不屬於這份計畫的年度作業。")
    _require_open(period)
    ReportingError.require(has_perm(by, "reporting.report_on_item", item), "您沒有填報這個項目的權限。")
    ReportingError.require(status in ProgressStatus.values, f"執行狀態「{status}」不存在。")
    progress, created = ItemProgress.objects.select_for_update().get_or_create(
        item=item, period=period, defaults={"agency_id": item.plan.agency_id}
    )
    ReportingError.require(
        progress.submitted_at is None,
        f"第{item.position + 1}項的辦理情形已送出；如需修正，請機關聯絡人先「撤回修正」。",
    )
    if expected_lock is not None and not created and progress.lock_version != expected_lock:
        # 0 means the page showed no entry: one saved since is someone else's work, not to be blanked.
        raise ProgressConflict(progress)
    before = None if created else audit.snapshot(progress, ["status", "narrative"])
    progress.status, progress.narrative = status, narrative
    progress.lock_version = F("lock_version") + 1
    progress.save()
    progress.refresh_from_db(fields=["lock_version"])
    changed_actuals = _save_typed_actuals(item, period, actuals or {})
    audit.record(
        by=by,
        action="progress.save",
        obj=progress,
        agency=item.plan.agency,
        within=item.plan,
        before=before,
        after=audit.snapshot(progress, ["status", "narrative"]),
        extra={"actuals": changed_actuals} if changed_actuals else None,
    )
    return progress


def _save_typed_actuals(
    item: PlanItem, period: ReportingPeriod, actuals: Mapping[int, str]
) -> dict[str, str]:
    indicators = {ind.pk: ind for ind in Indicator.objects.filter(plan=item.plan, pk__in=list(actuals))}
    changed = {}
    for indicator_id, raw in actuals.items():
        indicator = indicators.get(indicator_id)
        ReportingError.require(indicator is not None, f"指標 {indicator_id} 不屬於這份計畫。")
        assert indicator is not None
        if not raw.strip():
            continue
        ReportingError.require(
            not indicator.measure_key, f"指標「{indicator.name}」由系統自動量測，不能手動填寫。"
        )
        value = parse_actual(raw, indicator)
        IndicatorActual.objects.update_or_create(
            indicator=indicator, period=period, defaults={"value": value, "measured": False}
        )
        changed[indicator.name] = str(value)
    return changed


@dataclass(frozen=True)
class ProgressEntry:
    """What the page sent for one item: its report, and evidence to attach to it."""

    item: PlanItem
    status: str
    narrative: str
    actuals: Mapping[int, str] = field(default_factory=dict)
    expected_lock: int | None = None
    file_name: str = ""
    file_content: bytes = b""
    link_url: str = ""
    link_title: str = ""


@transaction.atomic
def save_report(
    *,
    by: Actor,
    plan: Plan,
    period: ReportingPeriod,
    entries: Sequence[ProgressEntry],
    remove: Sequence[int] = (),
) -> int:
    """Save every item the page changed, attach the evidence chosen, remove the evidence asked for:
    all or nothing. A conflict or a bad value on one item stores nothing, and names the item."""
    for entry in entries:
        ReportingError.require(entry.item.plan_id == plan.pk, f"項目 {entry.item.pk} 不屬於這份計畫。")
        label = f"第{entry.item.position + 1}項"
        try:
            progress = save_progress(
                by=by,
                item=entry.item,
                period=period,
                status=entry.status,
                narrative=entry.narrative,
                actuals=entry.actuals,
                expected_lock=entry.expected_lock,
            )
            if entry.file_content:
                add_evidence_file(by=by, progress=progress, name=entry.file_name, content=entry.file_content)
            if entry.link_url:
                add_evidence_link(by=by, progress=progress, url=entry.link_url, title=entry.link_title)
        except ProgressConflict:
            raise
        except ReportingError as error:
            message = str(error)
            raise ReportingError(message if message.startswith(label) else f"{label}：{message}") from None
    for evidence in Evidence.objects.filter(
        pk__in=list(remove), progress__item__plan=plan, progress__period=period
    ):
        delete_evidence(by=by, evidence=evidence)
    return len(entries)


@transaction.atomic
def withdraw_report(*, by: Actor, plan: Plan, period: ReportingPeriod) -> int:
    """Take a sent report back for correction while the period is open (audited); it must be sent again."""
    _require_open(period)
    ReportingError.require(has_perm(by, "plans.author_plan", plan), "只有機關聯絡人可以撤回已送出的填報。")
    count = ItemProgress.objects.filter(period=period, item__plan=plan, submitted_at__isnull=False).update(
        submitted_at=None, submitted_by=None
    )
    ReportingError.require(count > 0, "這一期的辦理情形尚未送出，無須撤回。")
    audit.record(
        by=by,
        action="report.withdraw",
        obj=plan,
        agency=plan.agency,
        extra={"period": period.label, "items": count},
    )
    return count


@transaction.atomic
def submit_report(*, by: Actor, plan: Plan, period: ReportingPeriod) -> int:
    """Send the plan's report for the period: every item must have its status and narrative."""
    _require_open(period)
    ReportingError.require(has_perm(by, "plans.author_plan", plan), "只有機關聯絡人可以送出填報。")
    items = list(plan.items.order_by("position"))
    reported = {
        p.item_id: p for p in ItemProgress.objects.select_for_update().filter(period=period, item__plan=plan)
    }
    missing = [
        item
        for item in items
        if item.pk not in reported
        or (
            not reported[item.pk].narrative.strip()
            and reported[item.pk].status != ProgressStatus.NOT_APPLICABLE
        )
    ]
    if missing:
        names = "、".join(f"第{item.position + 1}項" for item in missing[:10])
        more = f"等 {len(missing)} 項" if len(missing) > 10 else ""
        raise ReportingError(f"尚未填寫辦理情形：{names}{more}。")
    now = timezone.now()
    count = ItemProgress.objects.filter(period=period, item__plan=plan, submitted_at__isnull=True).update(
        submitted_at=now, submitted_by=person(by)
    )
    audit.record(
        by=by,
        action="report.submit",
        obj=plan,
        agency=plan.agency,
        extra={"period": period.label, "items": count},
    )
    return count


# --- evidence -----------------------------------------------------------------------------------


def _require_progress_editable(by: Actor, progress: ItemProgress) -> None:
    _require_open(progress.period)
    ReportingError.require(
        has_perm(by, "reporting.report_on_item", progress.item), "您沒有填報這個項目的權限。"
    )
    ReportingError.require(
        progress.submitted_at is None, "這一期的辦理情形已送出；如需修正，請先「撤回修正」。"
    )


@transaction.atomic
def add_evidence_file(*, by: Actor, progress: ItemProgress, name: str, content: bytes) -> Evidence:
    """Store an uploaded file after checking its size and what its bytes say it is."""
    _require_progress_editable(by, progress)
    limit = settings.SERVQ_EVIDENCE_MAX_BYTES
    ReportingError.require(
        len(content) <= limit, f"「{name}」有 {len(content):,} 位元組，超過上限 {limit:,} 位元組。"
    )
    try:
        kind = evidence_rules.identify(content, name)
    except evidence_rules.EvidenceError as error:
        raise ReportingError(str(error)) from None
    clean_name = evidence_rules.safe_name(name, kind)
    digest = hashlib.sha256(content).hexdigest()
    item = Evidence(
        progress=progress,
        name=clean_name,
        content_type=kind.content_type,
        size=len(content),
        sha256=digest,
        uploaded_by=person(by),
    )
    # The stored name is the digest, never the user's: no path tricks, and the same file twice is one file.
    stored_name = f"{digest[:2]}/{digest}{kind.extension}"
    storage = item.file.storage
    if storage.exists(stored_name):
        item.file.name = stored_name
    else:
        item.file.name = storage.save(stored_name, ContentFile(content))
    item.save()
    audit.record(
        by=by,
        action="evidence.add",
        obj=item,
        agency=progress.agency,
        within=progress.item.plan,
        after={"name": clean_name, "size": len(content), "sha256": digest},
    )
    return item


@transaction.atomic
def add_evidence_link(*, by: Actor, progress: ItemProgress, url: str, title: str = "") -> Evidence:
    _require_progress_editable(by, progress)
    ReportingError.require(
        url.lower().startswith(("https://", "http://")), f"連結「{url[:80]}」須以 http:// 或 https:// 開頭。"
    )
    ReportingError.require(len(url) <= 1000, "連結太長（上限 1000 字元）。")
    item = Evidence.objects.create(progress=progress, url=url, name=title[:200], uploaded_by=person(by))
    audit.record(
        by=by,
        action="evidence.add",
        obj=item,
        agency=progress.agency,
        within=progress.item.plan,
        after={"url": url},
    )
    return item


@transaction.atomic
def delete_evidence(*, by: Actor, evidence: Evidence) -> None:
    _require_progress_editable(by, evidence.progress)
    audit.record(
        by=by,
        action="evidence.delete",
        obj=evidence,
        agency=evidence.progress.agency,
        within=evidence.progress.item.plan,
        before={"name": evidence.name, "url": evidence.url, "sha256": evidence.sha256},
    )
    stored = evidence.file.name if evidence.file else ""
    shared = stored and Evidence.objects.filter(file=stored).exclude(pk=evidence.pk).exists()
    evidence.delete()
    if stored and not shared:
        storage = Evidence._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(stored))


# --- measured actuals ---------------------------------------------------------------------------


@transaction.atomic
def refresh_measured_actuals(*, period: ReportingPeriod) -> int:
    """Read every measure-bound indicator of the cycle's plans for the period; the count stored."""
    indicators = (
        Indicator.objects.filter(plan__cycle=period.cycle)
        .exclude(measure_key="")
        .select_related("plan__agency")
    )
    stored = 0
    for indicator in indicators:
        scope = measures.Scope(indicator.plan.agency.path, period.start, period.end)
        try:
            value = measures.get(indicator.measure_key).value(scope)
        except measures.UnknownMeasure:
            continue
        if value is None:
            continue
        IndicatorActual.objects.update_or_create(
            indicator=indicator, period=period, defaults={"value": value, "measured": True}
        )
        stored += 1
    return stored


# --- self-evaluation ----------------------------------------------------------------------------


@transaction.atomic
def save_self_evaluation(
    *,
    by: Actor,
    plan: Plan,
    year: int,
    half: int,
    overall: str,
    summary: str,
    grades: Mapping[int, tuple[str, str]],
) -> SelfEvaluation:
    """Grade each item and the whole plan for one half-year; a submitted evaluation is final."""
    ReportingError.require(has_perm(by, "plans.author_plan", plan), "只有機關聯絡人可以填寫自行考核。")
    ReportingError.require(half in (1, 2), "請選擇上半年或下半年。")
    ReportingError.require(
        plan.first_year <= year <= plan.last_year, f"{format_roc_year(year)}不在計畫期程內。"
    )
    ReportingError.require(not overall or overall in Grade.values, f"整體評等「{overall}」不存在。")
    evaluation, _ = SelfEvaluation.objects.select_for_update().get_or_create(plan=plan, year=year, half=half)
    ReportingError.require(evaluation.submitted_at is None, "這份自行考核已送出公告，不能再修改。")
    item_ids = set(plan.items.values_list("pk", flat=True))
    for item_id, (grade, _remark) in grades.items():
        ReportingError.require(item_id in item_ids, f"項目 {item_id} 不屬於這份計畫。")
        ReportingError.require(grade in Grade.values, f"評等「{grade}」不存在；請選 優、甲、乙 或 丙。")
    before = audit.snapshot(evaluation, ["overall", "summary"])
    evaluation.overall, evaluation.summary = overall, summary
    evaluation.save()
    for item_id, (grade, remark) in grades.items():
        ItemGrade.objects.update_or_create(
            evaluation=evaluation, item_id=item_id, defaults={"grade": grade, "remark": remark}
        )
    audit.record(
        by=by,
        action="selfeval.save",
        obj=evaluation,
        agency=plan.agency,
        within=plan,
        before=before,
        after=audit.snapshot(evaluation, ["overall", "summary"]),
        extra={"grades": {str(k): v[0] for k, v in grades.items()}},
    )
    return evaluation


@transaction.atomic
def open_self_evaluation(*, by: Actor, plan: Plan, year: int, half: int) -> SelfEvaluation:
    """The half-year's self-evaluation to grade, made if there is none yet; a submitted one is final."""
    ReportingError.require(has_perm(by, "plans.author_plan", plan), "只有機關聯絡人可以填寫自行考核。")
    ReportingError.require(half in (1, 2), "請選擇上半年或下半年。")
    ReportingError.require(
        plan.first_year <= year <= plan.last_year, f"{format_roc_year(year)}不在計畫期程內。"
    )
    evaluation, _ = SelfEvaluation.objects.select_for_update().get_or_create(plan=plan, year=year, half=half)
    ReportingError.require(evaluation.submitted_at is None, "這份自行考核已送出公告，不能再修改。")
    return evaluation


def grade_on_award_criteria(*, evaluation: SelfEvaluation, complete: bool) -> None:
    """Called by the award module inside its write: the evaluation is graded on the award's criteria
    (every one graded) rather than item by item, so submitting it asks for no item grades."""
    if evaluation.on_award_criteria != complete:
        evaluation.on_award_criteria = complete
        evaluation.save(update_fields=["on_award_criteria"])


@transaction.atomic
def submit_self_evaluation(*, by: Actor, evaluation: SelfEvaluation) -> SelfEvaluation:
    """Submit and publish: the public page shows it from now on."""
    plan = evaluation.plan
    ReportingError.require(has_perm(by, "plans.author_plan", plan), "只有機關聯絡人可以送出自行考核。")
    ReportingError.require(evaluation.submitted_at is None, "這份自行考核已經送出。")
    ReportingError.require(bool(evaluation.overall), "請先填寫整體評等。")
    if not evaluation.on_award_criteria:
        graded = set(evaluation.grades.values_list("item_id", flat=True))
        ungraded = plan.items.exclude(pk__in=graded).count()
        ReportingError.require(
            ungraded == 0, f"還有 {ungraded} 個項目沒有評等（或改依政府服務獎評獎項目自評）。"
        )
    evaluation.submitted_at, evaluation.submitted_by = timezone.now(), person(by)
    evaluation.save(update_fields=["submitted_at", "submitted_by"])
    audit.record(by=by, action="selfeval.submit", obj=evaluation, agency=plan.agency, within=plan)
    return evaluation


# --- year-end report ----------------------------------------------------------------------------


@transaction.atomic
def compile_year_end(*, by: Actor, cycle: PlanCycle, agency: Agency, summary: str = "") -> YearEndReport:
    """Compile the agency's year from its items and every agency below it; signing comes after."""
    ReportingError.require(
        has_perm(by, "reporting.compile_year_end", agency),
        "只有該機關的聯絡人或上級研考人員可以彙整年度成果。",
    )
    report, _ = YearEndReport.objects.select_for_update().get_or_create(cycle=cycle, agency=agency)
    ReportingError.require(report.signed_at is None, "年度執行成果已經首長核定，不能再重新彙整。")
    rollup = selectors.year_end_rollup(cycle, root=agency)
    before = {"totals": report.totals, "summary": report.summary}
    report.totals = {
        **rollup.totals_of(agency.path),
        # The indicators as they stood when compiled: a signed report keeps them, whatever the
        # measures read later.
        "indicators": [_frozen(row.figure()) for row in selectors.year_end_figures(cycle, agency)],
    }
    report.summary = summary or report.summary or selectors.draft_summary(cycle, agency)
    report.compiled_at = timezone.now()
    report.save()
    entry = audit.record(
        by=by,
        action="yearend.compile",
        obj=report,
        agency=agency,
        before=before,
        after={"totals": report.totals, "summary": report.summary},
    )
    notices.notify(
        event=entry,
        recipients=users_holding(Role.HEAD, agency),
        subject=f"{agency.name}的年度執行成果已彙整，待您核定",
        body=f"{agency.name}的年度執行成果已彙整，請檢視後核定（簽署）。",
        url=reverse("reporting:year_end", args=[cycle.pk, agency.pk]),
    )
    return report


def _frozen(figure: rules.IndicatorFigure) -> dict[str, Any]:
    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "name": figure.name,
        "unit": figure.unit,
        "target": text(figure.target),
        "value": text(figure.value),
        "met": figure.met,
        "source": figure.source,
    }


@transaction.atomic
def sign_year_end(*, by: Actor, report: YearEndReport, reason: str = "") -> YearEndReport:
    """The agency head signs the compiled report off: once the year has ended and its items are
    reported, or earlier (or with gaps) with a stated reason, which the report then carries."""
    ReportingError.require(
        has_perm(by, "reporting.sign_year_end", report.agency), "只有機關首長可以核定年度執行成果。"
    )
    ReportingError.require(report.compiled_at is not None, "請先彙整年度執行成果。")
    ReportingError.require(report.signed_at is None, "已經核定過了。")
    refusal = rules.sign_off_refusal(
        year_ends=dt.date(report.cycle.year, 12, 31),
        today=timezone.localdate(),
        items=int(report.totals.get("items", 0)),
        unreported=int(report.totals.get("unreported", 0)),
        reason=reason,
    )
    ReportingError.require(not refusal, refusal, "reason")
    report.signed_at, report.signed_by, report.sign_reason = timezone.now(), person(by), reason.strip()[:500]
    report.save(update_fields=["signed_at", "signed_by", "sign_reason"])
    audit.record(
        by=by, action="yearend.sign", obj=report, agency=report.agency, extra={"reason": report.sign_reason}
    )
    return report


# --- the year-end 附表's layout ------------------------------------------------------------------


@transaction.atomic
def set_year_end_layout(*, by: Actor, cycle: PlanCycle, units: bool) -> PlanCycle:
    """The body's 附表: 000's columns by default, with 承辦單位 where the body asks for it."""
    _require_supervisor(by, cycle)
    audit.change(
        by=by, action="cycle.layout", obj=cycle, agency=cycle.agency, values={"year_end_units": units}
    )
    return cycle


# --- the calendar (作業時程) --------------------------------------------------------------------


@transaction.atomic
def set_schedule(*, by: Actor, cycle: PlanCycle, steps: Sequence[tuple[str, str, str]]) -> list[ScheduleStep]:
    """Replace the cycle's calendar with (action, actor, when) rows; a row that cannot be read names its line."""
    _require_supervisor(by, cycle)
    built = []
    for line, (action, actor, when) in enumerate(steps, start=1):
        ReportingError.require(bool(action.strip()), f"第 {line} 列沒有作業項目。")
        try:
            starts_on, ends_on = rules.schedule_window(when, cycle.year)
        except ValueError as error:
            raise ReportingError(f"第 {line} 列：{error}") from None
        built.append(
            ScheduleStep(
                cycle=cycle,
                position=line,
                action=action.strip()[:300],
                actor=actor.strip()[:120],
                when_text=when.strip()[:60],
                starts_on=starts_on,
                ends_on=ends_on,
            )
        )
    before = list(cycle.schedule.values_list("action", "when_text"))
    cycle.schedule.all().delete()
    ScheduleStep.objects.bulk_create(built)
    audit.record(
        by=by,
        action="schedule.set",
        obj=cycle,
        agency=cycle.agency,
        before={"steps": before},
        after={"steps": [[s.action, s.when_text] for s in built]},
    )
    return built


# --- notices ------------------------------------------------------------------------------------


def plan_notices(*, today: dt.date) -> int:
    """Queue every reminder, overdue notice and escalation due today for unsubmitted reports (idempotent)."""
    calendar = office_calendar((today.year - 1, today.year + 1))
    wanted: list[Notice] = []
    for period in ReportingPeriod.objects.filter(closed_at__isnull=True, opens_on__lte=today).select_related(
        "cycle"
    ):
        kinds = rules.notices_due(
            period.due_on,
            today,
            calendar,
            remind_days=settings.SERVQ_REMIND_DAYS,
            escalate_days=settings.SERVQ_ESCALATE_DAYS,
        )
        if not kinds:
            continue
        late_agencies = selectors.unsubmitted_agencies(period)
        if not late_agencies:
            continue
        recipients = selectors.notice_recipients(late_agencies, period.cycle)
        for kind in kinds:
            for agency in late_agencies:
                for user_id in recipients.get((kind, agency.pk), ()):
                    wanted.append(Notice(kind=kind, period=period, agency=agency, recipient_id=user_id))
    # Rows already queued by an earlier run are skipped by the unique constraint; count only new ones.
    before = Notice.objects.count()
    Notice.objects.bulk_create(wanted, ignore_conflicts=True, batch_size=1000)
    return Notice.objects.count() - before


NOTICE_SUBJECTS = {
    rules.REMINDER: "[servq] 提醒：「{period}」辦理情形將於 {due} 截止",
    rules.OVERDUE: "[servq] 逾期：「{period}」辦理情形已於 {due} 截止，尚未送出",
    rules.ESCALATION: "[servq] 陳報：{agency}「{period}」辦理情形逾期未送",
}


def send_notices() -> int:
    """Send due notices through the outbox: one at a time, a failing one retried later on its own."""
    notices = Notice.objects.select_related("period__cycle__agency", "agency", "recipient")
    return outbox.deliver(notices, _send_one).sent


def _send_one(notice: Notice) -> None:
    from servq.core.rules import format_roc_date

    period, agency, user = notice.period, notice.agency, notice.recipient
    due = format_roc_date(period.due_on)
    subject = NOTICE_SUBJECTS[notice.kind].format(period=period.label, due=due, agency=agency.name)
    body = (
        f"{user.get_full_name() or user.get_username()} 您好：\n\n"
        f"{agency.name}「{period.cycle.title}」{period.label}的辦理情形，填報期限為 {due}，目前尚未送出。\n"
        f"請登入 servq 填報並送出。\n\n{period.cycle.agency.name}"
    )
    if user.email:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
