"""Inspections (考核、查核、抽查、輔導): criteria sets, inspection plans with their priority list, visits
with panels, scores and spot-check records, findings with replies tracked to closure, and the
facts the priority rules read (criticism noted, award entries)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import Agency
from servq.cases.models import attachment_storage
from servq.core.models import OutboxMessage
from servq.core.rules import format_roc_date, format_roc_year
from servq.inspections import rules
from servq.plans.models import PlanItem
from servq.services.models import Service


class CriteriaSet(models.Model):
    """A body's criteria (評核項目) in one version; a change is a new version, visits keep theirs."""

    body = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="criteria_sets")
    name = models.CharField(_("評核項目名稱"), max_length=120)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["body", "name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["body", "name", "version"], name="criteria_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class Criterion(models.Model):
    criteria = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("代號"), max_length=20)
    name = models.CharField(_("評核項目"), max_length=200)
    max_score = models.PositiveSmallIntegerField(_("滿分"), default=10)
    weight = models.DecimalField(_("權重"), max_digits=5, decimal_places=2, default=1)

    class Meta:
        ordering = ["criteria", "position"]
        constraints = [
            models.UniqueConstraint(fields=["criteria", "code"], name="criterion_code_once"),
            models.CheckConstraint(
                condition=Q(max_score__gte=1) & Q(weight__gt=0), name="criterion_scale_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def scale(self) -> rules.CriterionScale:
        return rules.CriterionScale(self.code, self.max_score, self.weight)


class Criticism(models.Model):
    """Public criticism of an agency's service, with its source (a priority rule reads these)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="criticisms")
    noted_on = models.DateField(_("日期"))
    source = models.CharField(_("來源"), max_length=200)
    note = models.CharField(_("摘要"), max_length=500)

    class Meta:
        ordering = ["-noted_on"]

    def __str__(self) -> str:
        return f"{self.agency.name} {format_roc_date(self.noted_on)} {self.source}"


class AwardEntry(models.Model):
    """That an agency entered the Government Service Award in a year (the award module keeps the
    entries themselves once it lands; the priority rules read only agency and year)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="award_entries")
    year = models.PositiveSmallIntegerField(_("年度"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="award_entry_once")]

    def __str__(self) -> str:
        return f"{self.agency.name} {format_roc_year(self.year)}"


class InspectionPlan(models.Model):
    """A body's plan of visits for a year: the rules it chose, the priority list with its reasons, and
    the draw's seed, stored so the order can be shown and the draw repeated by anyone."""

    body = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="inspection_plans")
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名稱"), max_length=200)
    chosen_rules = models.JSONField(default=list)
    no_award_years = models.PositiveSmallIntegerField(default=3)
    priority = models.JSONField(
        default=list
    )  # [{"agency": id, "name": ..., "reasons": [...], "drawn": bool}]
    places = models.PositiveSmallIntegerField(null=True, blank=True)
    seed = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class VisitKind(models.TextChoices):
    REGULAR = rules.REGULAR, _("定期考核")
    UNANNOUNCED = rules.UNANNOUNCED, _("不定期考核")
    SPOT = rules.SPOT, _("抽查")
    THEMATIC = rules.THEMATIC, _("專案查核")
    COACHING = rules.COACHING, _("輔導訪視")


class VisitState(models.TextChoices):
    DRAFT = rules.DRAFT, _("草稿")
    IN_REVIEW = rules.IN_REVIEW, _("陳核中")
    APPROVED = rules.APPROVED, _("已核定")
    SENT = rules.SENT, _("已函送")
    PUBLISHED = rules.PUBLISHED, _("已公布")


class Visit(models.Model):
    body = models.ForeignKey(
        Agency, verbose_name=_("考核機關"), on_delete=models.PROTECT, related_name="visits_made"
    )
    plan = models.ForeignKey(
        InspectionPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    kind = models.CharField(_("方式"), max_length=12, choices=VisitKind.choices)
    theme = models.CharField(_("主題"), max_length=200, blank=True)
    on = models.DateField(_("訪查日期"))
    agencies = models.ManyToManyField(Agency, verbose_name=_("受訪機關"), related_name="visits")
    criteria = models.ForeignKey(
        CriteriaSet, null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    reply_rule = models.CharField(_("回復期限"), max_length=40, default="1個月")
    state = models.CharField(_("狀態"), max_length=12, choices=VisitState.choices, default=VisitState.DRAFT)
    summary = models.TextField(_("綜合意見"), blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=VisitState.values), name="visit_state_valid")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_roc_date(self.on)}"

    @property
    def scored(self) -> bool:
        return self.kind in rules.SCORED_KINDS


class PanelRole(models.TextChoices):
    STAFF = "staff", _("考核機關人員")
    COMPETENT = "competent", _("主管機關人員")
    EXPERT = "expert", _("外聘委員")


class Panelist(models.Model):
    """A member of a visit's panel; outside experts sign in and see only the visits they sit on."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panels")
    role = models.CharField(_("身分"), max_length=10, choices=PanelRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "user"], name="panelist_once")]

    def __str__(self) -> str:
        return f"{self.visit}：{self.user.get_full_name() or self.user.get_username()}"


class Score(models.Model):
    """One reviewer's score and comment on one criterion for one visited agency (saved as they type)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="scores")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit", "agency", "reviewer", "criterion"], name="score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.visit}，{self.agency.name}，{self.criterion}：{self.score} 分"


class SpotRecord(models.Model):
    """The written record of a spot check (不定期抽查作成紀錄): who, when, what was seen."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="records")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("查核時間"))
    seen = models.TextField(_("查核情形"))

    class Meta:
        ordering = ["visit", "at"]

    def __str__(self) -> str:
        return f"{self.visit}，{self.agency.name}"


class RecordFile(models.Model):
    """A photo or file kept with a spot-check record or a reply (stored outside the web root)."""

    record = models.ForeignKey(
        SpotRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    reply = models.ForeignKey("Reply", null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    file = models.FileField(storage=attachment_storage, upload_to="inspections/%Y/%m/")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(record__isnull=False, reply__isnull=True)
                | Q(record__isnull=True, reply__isnull=False),
                name="recordfile_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name


class FindingSource(models.TextChoices):
    VISIT = "visit", _("訪查")
    YEAR_END = "year_end", _("年度執行成果")
    WEBSITE = "website", _("網站檢測")
    SURVEY = "survey", _("滿意度調查")
    COURTESY = "courtesy", _("電話禮貌測試")
    PREMISES = "premises", _("洽公環境檢查")


class FindingState(models.TextChoices):
    OPEN = rules.OPEN, _("待改善")
    REPLIED = rules.REPLIED, _("已回復")
    CLOSED = rules.CLOSED, _("已解除列管")


class Finding(models.Model):
    """A shortcoming or recommendation (缺失 / 建議事項) an agency must answer by its deadline."""

    body = models.ForeignKey(Agency, verbose_name=_("列管機關"), on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="findings")
    source = models.CharField(
        _("來源"), max_length=10, choices=FindingSource.choices, default=FindingSource.VISIT
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("受考核機關"), on_delete=models.PROTECT, related_name="findings"
    )
    unit = models.ForeignKey(
        Agency,
        verbose_name=_("承辦單位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unit_findings",
    )
    item = models.ForeignKey(
        PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    recommendation = models.BooleanField(_("建議事項"), default=False)  # else a 缺失
    text = models.TextField(_("內容"))
    state = models.CharField(
        _("狀態"), max_length=10, choices=FindingState.choices, default=FindingState.OPEN
    )
    tracked = models.BooleanField(_("繼續列管"), default=False)
    notified_on = models.DateField(_("通知日期"), null=True, blank=True)
    reply_due = models.DateField(_("回復期限"), null=True, blank=True)
    first_replied_on = models.DateField(_("首次回復日期"), null=True, blank=True)
    closed_on = models.DateField(_("解除列管日期"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reply_due", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=FindingState.values), name="finding_state_valid"),
            models.CheckConstraint(
                condition=Q(state=rules.CLOSED, closed_on__isnull=False)
                | (~Q(state=rules.CLOSED) & Q(closed_on__isnull=True)),
                name="finding_closed_iff_closed_on",
            ),
        ]
        indexes = [models.Index(fields=["agency", "state"], name="finding_agency_state")]

    def __str__(self) -> str:
        return self.text[:40]


class Reply(models.Model):
    """What the agency did (回復改善情形), and the inspecting body's decision on it."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="replies")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf = models.BooleanField(_("由主管機關代為回復"), default=False)
    at = models.DateTimeField()
    text = models.TextField(_("改善情形"))
    decision = models.CharField(_("審查結果"), max_length=12, blank=True)
    decision_note = models.TextField(_("審查意見"), blank=True)

    class Meta:
        ordering = ["finding", "at"]

    def __str__(self) -> str:
        return f"「{self.finding}」的回復"


class FindingNotice(OutboxMessage):
    """Reminders, overdue notices and escalations of findings: one row per notice, sent once."""

    kind = models.CharField(max_length=20)
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "finding", "recipient"], name="finding_notice_once")
        ]
        indexes = [
            models.Index(fields=["id"], condition=Q(sent_at__isnull=True), name="finding_notice_unsent")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.finding_id} → {self.recipient_id}"
