"""The check part of the cycle: reporting periods, progress per item, evidence, self-evaluation,
the year-end report, the calendar (作業時程) and the notice outbox."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import Agency
from servq.core.models import OutboxMessage
from servq.plans.models import Indicator, Plan, PlanCycle, PlanItem
from servq.reporting import rules


class Frequency(models.TextChoices):
    MONTHLY = rules.MONTHLY, _("每月")
    QUARTERLY = rules.QUARTERLY, _("每季")
    HALF_YEARLY = rules.HALF_YEARLY, _("每半年")
    YEARLY = rules.YEARLY, _("每年")


class ReportingPeriod(models.Model):
    """A period agencies report progress for, with the dates the supervisor set."""

    cycle = models.ForeignKey(
        PlanCycle, verbose_name=_("年度作業"), on_delete=models.CASCADE, related_name="periods"
    )
    frequency = models.CharField(_("頻率"), max_length=20, choices=Frequency.choices)
    label = models.CharField(_("名稱"), max_length=60)
    start = models.DateField(_("期間起"))
    end = models.DateField(_("期間迄"))
    opens_on = models.DateField(_("開放填報"))
    due_rule = models.CharField(_("填報期限規則"), max_length=100, blank=True)
    due_on = models.DateField(_("填報期限"))
    closed_at = models.DateTimeField(_("關閉時間"), null=True, blank=True)

    class Meta:
        verbose_name = _("填報期間")
        verbose_name_plural = _("填報期間")
        ordering = ["cycle", "end", "frequency"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "frequency", "start"], name="period_unique_start"),
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="period_dates_ordered"),
            models.CheckConstraint(condition=Q(opens_on__lte=F("due_on")), name="period_opens_before_due"),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="period_frequency_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("尚未開始")
    ON_TRACK = "on_track", _("依進度辦理")
    AT_RISK = "at_risk", _("進度落後風險")
    LATE = "late", _("落後")
    DONE = "done", _("已完成")
    NOT_APPLICABLE = "not_applicable", _("不適用")


class ItemProgress(models.Model):
    """辦理情形及成效: how one plan item stands in one period."""

    item = models.ForeignKey(
        PlanItem, verbose_name=_("計畫項目"), on_delete=models.CASCADE, related_name="progress"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("填報期間"), on_delete=models.PROTECT, related_name="progress"
    )
    # Denormalised from the item's plan so roll-ups group by agency without joining through plans.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("執行狀態"), max_length=20, choices=ProgressStatus.choices, default=ProgressStatus.NOT_STARTED
    )
    narrative = models.TextField(_("辦理情形及成效"), blank=True)
    submitted_at = models.DateTimeField(_("送出時間"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lock_version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("辦理情形")
        verbose_name_plural = _("辦理情形")
        ordering = ["period", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "period"], name="progress_one_per_item_period"),
            models.CheckConstraint(
                condition=Q(status__in=ProgressStatus.values), name="progress_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["period", "agency"], name="progress_period_agency")]

    def __str__(self) -> str:
        return f"{self.item_id}@{self.period_id}: {self.status}"


class IndicatorActual(models.Model):
    """The actual value of an indicator in a period: typed in, or read from a registered measure."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="actuals")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="actuals")
    value = models.DecimalField(_("實際值"), max_digits=14, decimal_places=2)
    measured = models.BooleanField(_("自動量測"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("實際值")
        verbose_name_plural = _("實際值")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="actual_one_per_indicator_period")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.period_id}: {self.value}"


def evidence_storage() -> Storage:
    return storages["evidence"]


class Evidence(models.Model):
    """A file or a link that shows what a progress report says."""

    progress = models.ForeignKey(ItemProgress, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("檔案"), storage=evidence_storage, blank=True, max_length=300)
    name = models.CharField(_("檔名"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    url = models.URLField(_("連結"), max_length=1000, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("佐證資料")
        verbose_name_plural = _("佐證資料")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")), name="evidence_file_xor_link"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.url


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("優")
    GOOD = "good", _("甲")
    FAIR = "fair", _("乙")
    POOR = "poor", _("丙")


class SelfEvaluation(models.Model):
    """自行考核: an agency grades its plan's items and the whole plan, twice a year, and publishes it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="self_evaluations")
    year = models.PositiveSmallIntegerField(_("年度（西元）"))
    half = models.PositiveSmallIntegerField(_("半年"), choices=[(1, _("上半年")), (2, _("下半年"))])
    overall = models.CharField(_("整體評等"), max_length=20, choices=Grade.choices, blank=True)
    summary = models.TextField(_("整體說明"), blank=True)
    # What is graded: each plan item, or the Government Service Award's criteria (003: 依「政府服務獎
    # 評獎實施計畫」評核項目及標準…自行實施考核), set by the award module once every criterion is graded.
    on_award_criteria = models.BooleanField(_("依政府服務獎評獎項目自評"), default=False)
    submitted_at = models.DateTimeField(_("送出時間"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("自行考核")
        verbose_name_plural = _("自行考核")
        ordering = ["-year", "-half"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "half"], name="selfeval_one_per_half"),
            models.CheckConstraint(condition=Q(half__in=[1, 2]), name="selfeval_half_valid"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | ~Q(overall=""), name="selfeval_submitted_has_grade"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.year}-{self.half}"


class ItemGrade(models.Model):
    evaluation = models.ForeignKey(SelfEvaluation, on_delete=models.CASCADE, related_name="grades")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="+")
    grade = models.CharField(_("評等"), max_length=20, choices=Grade.choices)
    remark = models.TextField(_("說明"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["evaluation", "item"], name="grade_one_per_item")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.grade}"


class YearEndReport(models.Model):
    """年度執行成果: an agency's year compiled from its items and those below it, signed off by its head."""

    cycle = models.ForeignKey(PlanCycle, on_delete=models.CASCADE, related_name="year_end_reports")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="year_end_reports")
    summary = models.TextField(_("綜合說明"), blank=True)
    compiled_at = models.DateTimeField(_("彙整時間"), null=True, blank=True)
    totals = models.JSONField(_("彙整數字"), default=dict, blank=True)
    signed_at = models.DateTimeField(_("核定時間"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why the head signed before the year ended, or with items not reported (rules.sign_off_refusal).
    sign_reason = models.CharField(_("提前或未完整核定的理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("年度執行成果")
        verbose_name_plural = _("年度執行成果")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "agency"], name="yearend_one_per_agency"),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | Q(compiled_at__isnull=False),
                name="yearend_signed_after_compiled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.cycle_id}"


class ScheduleStep(models.Model):
    """One dated step of a cycle's calendar (作業時程): who does what, by when."""

    cycle = models.ForeignKey(PlanCycle, on_delete=models.CASCADE, related_name="schedule")
    position = models.PositiveSmallIntegerField(_("序號"))
    action = models.CharField(_("作業項目"), max_length=300)
    actor = models.CharField(_("辦理單位"), max_length=120, blank=True)
    when_text = models.CharField(_("時程"), max_length=60)
    starts_on = models.DateField(_("開始"))
    ends_on = models.DateField(_("結束"))

    class Meta:
        verbose_name = _("作業時程")
        verbose_name_plural = _("作業時程")
        ordering = ["cycle", "position"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "position"], name="step_position_unique"),
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="step_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.action


class Notice(OutboxMessage):
    """The notice outbox: one row per notice that is due, sent once.

    The unique constraint makes planning idempotent (a second run finds the row); sending marks the row
    in the same transaction that claims it, so a restarted worker neither resends nor skips.
    """

    KINDS = [(rules.REMINDER, _("提醒")), (rules.OVERDUE, _("逾期通知")), (rules.ESCALATION, _("陳報上級"))]

    kind = models.CharField(max_length=20, choices=KINDS)
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="notices")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "period", "agency", "recipient"], name="notice_once"),
        ]
        indexes = [models.Index(fields=["sent_at"], name="notice_unsent")]

    def __str__(self) -> str:
        return f"{self.kind} {self.agency_id} → {self.recipient_id}"
