"""The service catalogue (服務項目): each service with its legal basis, documents, fees, time limit,
SOP and online level; its versions; the simplifications and outreach visits recorded for it; and
the application figures agencies' own systems send (records and monthly counts).

Applications taken in servq itself are cases: each service owns a case category of kind
「申辦」, so the case engine's clock, pauses, extension, states and public query serve them unchanged."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import Agency
from servq.cases.models import CaseCategory
from servq.core.rules import format_roc_date
from servq.services import rules


class OnlineLevel(models.IntegerChoices):
    INFO = rules.INFO, _("資訊提供")
    FORM = rules.FORM, _("表單下載")
    APPLY = rules.APPLY, _("線上申辦")
    FULL = rules.FULL, _("全程線上（含繳費與通知）")


class Service(models.Model):
    agency = models.ForeignKey(
        Agency, verbose_name=_("受理機關"), on_delete=models.PROTECT, related_name="services"
    )
    unit = models.ForeignKey(
        Agency,
        verbose_name=_("承辦單位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="unit_services",
    )
    code = models.SlugField(_("代碼"), max_length=30)
    name = models.CharField(_("服務名稱"), max_length=120)
    summary = models.TextField(_("服務說明"), blank=True)
    legal_basis = models.TextField(_("法令依據"), blank=True)
    eligibility = models.TextField(_("申請資格"), blank=True)
    channels = models.JSONField(_("申辦方式"), default=list)
    fees = models.CharField(_("規費"), max_length=200, blank=True)
    limit_days = models.PositiveSmallIntegerField(_("處理期限（日）"))
    working_days = models.BooleanField(_("以工作日計"), default=True)
    limit_months = models.PositiveSmallIntegerField(_("處理期限（月）"), default=0)
    online_level = models.PositiveSmallIntegerField(
        _("線上服務程度"), choices=OnlineLevel.choices, default=OnlineLevel.INFO
    )
    # Where the agency's own system takes online applications; none means servq's form takes them.
    apply_url = models.URLField(_("線上申辦網址"), blank=True)
    form_languages = models.JSONField(_("表單語言"), default=list)
    alternatives = models.TextField(_("數位落差替代方式"), blank=True)
    bundled_with = models.ManyToManyField("self", verbose_name=_("併同申辦服務"), blank=True)
    published = models.BooleanField(_("公開"), default=False)
    version = models.PositiveIntegerField(_("版本"), default=1)
    # The SOP and forms are read again at least this often (002, 003, 004: 定期檢視作業流程及申請表單);
    # saving a new version counts as a review.
    reviewed_on = models.DateField(_("最近檢視日期"), null=True, blank=True)
    review_months = models.PositiveSmallIntegerField(_("檢視週期（月）"), default=12)
    category = models.OneToOneField(
        CaseCategory, on_delete=models.PROTECT, related_name="service", editable=False
    )
    updated_at = models.DateTimeField(_("更新時間"), auto_now=True)

    class Meta:
        verbose_name = _("服務項目")
        verbose_name_plural = _("服務項目")
        ordering = ["agency__path", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="service_code_per_agency"),
            models.CheckConstraint(
                condition=Q(limit_days__gte=1) & Q(limit_days__lte=365), name="service_limit_sane"
            ),
            models.CheckConstraint(
                condition=Q(online_level__gte=1) & Q(online_level__lte=4), name="service_level_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def time_limit(self) -> rules.TimeLimit:
        """The processing limit as the catalogue states it (days, working days or civil months)."""
        return rules.TimeLimit(self.limit_days, self.working_days, self.limit_months)

    @property
    def takes_online_applications_here(self) -> bool:
        """Applied for online with no system of the agency's own: servq's form takes them."""
        return self.published and self.online_level >= rules.APPLY and not self.apply_url


class RequiredDocument(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("應備文件"), max_length=200)
    # Replaceable by an electronic check of another agency's data (e.g. 戶役政 for a household record).
    e_check = models.BooleanField(_("可電子查驗免附"), default=False)
    e_source = models.CharField(_("查驗資料來源"), max_length=200, blank=True)

    class Meta:
        ordering = ["service", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(e_check=True) | Q(e_source=""), name="document_source_only_when_checked"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SopStep(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(_("角色"), max_length=40)
    action = models.CharField(_("作業內容"), max_length=200)
    limit_days = models.PositiveSmallIntegerField(_("期限（日）"), null=True, blank=True)

    class Meta:
        ordering = ["service", "position", "id"]
        constraints = [models.CheckConstraint(condition=~Q(role=""), name="step_has_role")]

    def __str__(self) -> str:
        return f"{self.role}：{self.action}"

    def as_rule(self) -> rules.Step:
        return rules.Step(self.role, self.action, self.limit_days)


class ServiceVersion(models.Model):
    """What the service said at each version: the public page names its version and date."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField()

    class Meta:
        ordering = ["service", "-number"]
        constraints = [models.UniqueConstraint(fields=["service", "number"], name="service_version_once")]

    def __str__(self) -> str:
        return f"{self.service}（第{self.number}版）"


class SimplificationKind(models.TextChoices):
    FORMS = "forms", _("表單")
    DOCUMENTS = "documents", _("應備文件")
    STAMPS = "stamps", _("核章數")
    STEPS = "steps", _("作業步驟")
    TIME_LIMIT = "time_limit", _("處理期限（日）")


class Simplification(models.Model):
    """One simplification (簡化): what was counted before and after, when and why."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="simplifications")
    kind = models.CharField(_("簡化項目"), max_length=12, choices=SimplificationKind.choices)
    before = models.PositiveSmallIntegerField(_("簡化前"))
    after = models.PositiveSmallIntegerField(_("簡化後"))
    on = models.DateField(_("實施日期"))
    reason = models.CharField(_("簡化方式及理由"), max_length=300)
    # Cross-agency data that replaces a document, named with its source (e.g. 地政電子謄本，內政部).
    data_source = models.CharField(_("以跨機關資料取代"), max_length=200, blank=True)

    class Meta:
        ordering = ["service", "-on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(after__lt=models.F("before")), name="simplification_reduces")
        ]

    def __str__(self) -> str:
        return f"{self.service}：{self.get_kind_display()} {self.before}→{self.after}"


class VisitKind(models.TextChoices):
    HOME = "home", _("到府服務")
    SITE = "site", _("定點服務")
    ROAMING = "roaming", _("行動櫃檯")


class OutreachVisit(models.Model):
    """A visit that brought a service to people who cannot come or cannot go online (走動式服務)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="visits")
    kind = models.CharField(_("方式"), max_length=10, choices=VisitKind.choices)
    on = models.DateField(_("日期"))
    place = models.CharField(_("地點"), max_length=200)
    served = models.PositiveIntegerField(_("服務人次"), default=0)
    note = models.CharField(_("備註"), max_length=300, blank=True)

    class Meta:
        ordering = ["service", "-on", "id"]

    def __str__(self) -> str:
        return f"{self.service} {format_roc_date(self.on)} {self.place}"


class ApplicationRecord(models.Model):
    """An application handled in an agency's own business system, sent to servq (import or API)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="records")
    external_id = models.CharField(max_length=60)
    channel = models.CharField(max_length=12)
    received_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    due_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "external_id"], name="record_once_per_service"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.external_id}"


class ApplicationCount(models.Model):
    """Applications of a service per month and channel, from imported records or counts sent as such.
    The board reads these and the cases' own roll-ups, never the records."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="counts")
    month = models.DateField()
    channel = models.CharField(max_length=12)
    # "records" (tallied from imported records) or "counts" (sent as monthly counts, replaced when resent).
    source = models.CharField(max_length=8, default="records")
    received = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    closed_on_time = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "month", "channel", "source"], name="count_once_per_key"
            ),
            models.CheckConstraint(
                condition=Q(closed_on_time__lte=models.F("closed")), name="count_on_time_within_closed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.month:%Y-%m} {self.channel}"


class ProcessingDays(models.Model):
    """How many applications of a service closed after how many days, per year (for the median)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    days = models.PositiveIntegerField()
    applications = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "year", "days"], name="days_once_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.year} {self.days} d"
