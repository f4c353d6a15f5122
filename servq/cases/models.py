"""Citizen cases (陳情, 1999, 民意信箱, 報修 …): categories with time limits, routing, the case and its
timeline, the roll-ups analytics read, and the API clients of the Open311 endpoint."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import Agency
from servq.cases import rules
from servq.core.models import OutboxMessage


class Channel(models.TextChoices):
    WEB = "web", _("網路表單")
    PHONE = "phone", _("電話")
    HOTLINE = "1999", _("1999 專線")
    MAILBOX = "mailbox", _("民意信箱")
    WALK_IN = "walk_in", _("臨櫃")
    API = "api", _("API（Open311）")


class State(models.TextChoices):
    RECEIVED = rules.RECEIVED, _("已收件")
    ASSIGNED = rules.ASSIGNED, _("已分派")
    IN_PROGRESS = rules.IN_PROGRESS, _("處理中")
    WAITING = rules.WAITING, _("待民眾補充")
    CLOSED = rules.CLOSED, _("已回覆結案")
    REOPENED = rules.REOPENED, _("重新處理")


class ReplyMethod(models.TextChoices):
    """How the citizen wants the answer (the query page shows it whichever they choose)."""

    EMAIL = "email", _("電子郵件")
    PHONE = "phone", _("電話")
    NONE = "none", _("不需另行回覆，我會上網查詢")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("已處理完成")
    EXPLAINED = "explained", _("已說明")
    NOT_COMPETENT = "not_competent", _("非本機關權責")
    DUPLICATE = "duplicate", _("重複案件")
    CANNOT = "cannot", _("礙難辦理")
    REFERRED = "referred", _("已轉介")
    # The decisions an application ends with (rules.DECISIONS).
    APPROVED = rules.APPROVED, _("核准")
    REJECTED = rules.REJECTED, _("駁回")


class CategoryKind(models.TextChoices):
    PETITION = "petition", _("陳情類")
    # One per service of the catalogue (servq.services): an application for it runs on this engine.
    APPLICATION = "application", _("申辦案件")


class CaseCategory(models.Model):
    """A kind of case (陳情, 諮詢, 報修, 檢舉 …) with its time limit, defined by a body for its tree;
    or the applications for one service (kind 申辦), which the service catalogue keeps."""

    body = models.ForeignKey(
        Agency, verbose_name=_("訂定機關"), on_delete=models.PROTECT, related_name="case_categories"
    )
    code = models.SlugField(_("代碼"), max_length=40)
    name = models.CharField(_("類別"), max_length=60)
    description = models.CharField(_("說明"), max_length=300, blank=True)
    limit_days = models.PositiveSmallIntegerField(_("處理期限（日）"))
    working_days = models.BooleanField(_("以工作日計"), default=True)
    # A limit of months (「1個月」) runs to the same day of a later month (民法第121條); 0: days.
    limit_months = models.PositiveSmallIntegerField(_("處理期限（月）"), default=0)
    # Where the limit comes from: a regulation's point, servq's suggestion, or the body's own choice.
    limit_source = models.CharField(_("期限依據"), max_length=300, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("預設承辦機關"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    unit = models.ForeignKey(
        Agency,
        verbose_name=_("預設承辦單位"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    active = models.BooleanField(default=True)
    kind = models.CharField(
        _("性質"), max_length=12, choices=CategoryKind.choices, default=CategoryKind.PETITION
    )

    class Meta:
        verbose_name = _("案件類別")
        verbose_name_plural = _("案件類別")
        ordering = ["body", "code"]
        constraints = [
            models.UniqueConstraint(fields=["body", "code"], name="category_code_per_body"),
            models.CheckConstraint(
                condition=Q(limit_days__gte=1) & Q(limit_days__lte=365), name="category_limit_sane"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Cases of a category (or any) whose address mentions ``area`` go to this agency and unit."""

    body = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="routing_rules")
    category = models.ForeignKey(
        CaseCategory, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    area = models.CharField(_("地區"), max_length=60, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    priority = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return f"{self.category_id} {self.area} → {self.agency_id}"


class Case(models.Model):
    number = models.CharField(_("案號"), max_length=24, unique=True)
    token_hash = models.CharField(max_length=64)
    channel = models.CharField(_("來源"), max_length=10, choices=Channel.choices)
    body = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        CaseCategory, verbose_name=_("類別"), on_delete=models.PROTECT, related_name="cases"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("承辦機關"), on_delete=models.PROTECT, related_name="cases"
    )
    unit = models.ForeignKey(
        Agency,
        verbose_name=_("承辦單位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unit_cases",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承辦人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(_("狀態"), max_length=12, choices=State.choices, default=State.RECEIVED)
    outcome = models.CharField(_("結果"), max_length=16, choices=Outcome.choices, blank=True)
    subject = models.CharField(_("主旨"), max_length=120, blank=True)
    description = models.TextField(_("內容"))
    # The district the address names (rules.district_of), for counts by district without reading addresses.
    district = models.CharField(_("行政區"), max_length=20, blank=True)
    address = models.CharField(_("地點"), max_length=200, blank=True)
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # Personal data: read only by the handling unit and its supervisors, every read logged.
    citizen_name = models.CharField(_("姓名"), max_length=60, blank=True)
    citizen_email = models.EmailField(_("電子郵件"), max_length=254, blank=True)
    citizen_phone = models.CharField(_("電話"), max_length=20, blank=True)
    reply_by = models.CharField(
        _("回覆方式"), max_length=10, choices=ReplyMethod.choices, default=ReplyMethod.NONE
    )
    received_at = models.DateTimeField(_("收件時間"))
    due_on = models.DateField(_("處理期限"))
    paused_since = models.DateField(null=True, blank=True)
    extended_days = models.PositiveSmallIntegerField(default=0)
    closed_at = models.DateTimeField(_("結案時間"), null=True, blank=True)
    closed_on_time = models.BooleanField(_("如期結案"), null=True)
    reply = models.TextField(_("回覆"), blank=True)
    # How to contest a 駁回 (救濟方法、期間及受理機關), told with the decision.
    remedy = models.TextField(_("救濟方法"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("滿意度"), null=True, blank=True)
    satisfaction_note = models.CharField(_("滿意度說明"), max_length=300, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=State.values), name="case_state_valid"),
            models.CheckConstraint(
                condition=Q(state=rules.CLOSED, closed_at__isnull=False)
                | (~Q(state=rules.CLOSED) & Q(closed_at__isnull=True)),
                name="case_closed_iff_closed_at",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | (Q(satisfaction__gte=1) & Q(satisfaction__lte=5)),
                name="case_satisfaction_1_to_5",
            ),
            models.CheckConstraint(condition=~Q(duplicate_of=F("id")), name="case_not_own_duplicate"),
        ]
        indexes = [
            # The overdue count and the unit queues read open cases by due date.
            models.Index(
                fields=["agency", "due_on"], name="case_open_due", condition=Q(closed_at__isnull=True)
            ),
            models.Index(
                fields=["unit", "due_on"], name="case_unit_queue", condition=Q(closed_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def headline(self) -> str:
        """What the case is about, to tell cases apart in a list: its subject, else its first line."""
        lines = self.description.strip().splitlines()
        text = self.subject.strip() or (lines[0].strip() if lines else "")
        return text[:40] + ("…" if len(text) > 40 else "")


class CaseEvent(models.Model):
    """The case's timeline; ``public`` events (and their note) are what the citizen's query shows."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=20)
    public = models.BooleanField(default=True)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


STATS_SHARDS = 4


class CaseStats(models.Model):
    """Monthly roll-up kept current by the case services, so analytics never scan the cases."""

    month = models.DateField()
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(CaseCategory, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10)
    # Each key's counts are spread over a few rows (shard = case id mod STATS_SHARDS): every intake of
    # the month updates its key's row inside its transaction, and one row would make them queue on its lock.
    shard = models.PositiveSmallIntegerField(default=0)
    received = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # Every reader sums these rows, so shards and a duplicate row (possible where NULLs count as
            # distinct, i.e. not on PostgreSQL) cost space, never correctness.
            models.UniqueConstraint(
                fields=["month", "agency", "unit", "category", "channel", "shard"],
                name="stats_one_per_key",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_id} {self.category_id} {self.channel}"


class CloseTime(models.Model):
    """How many cases closed after how many days, per month, agency and category: medians and p90."""

    month = models.DateField()
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(CaseCategory, on_delete=models.CASCADE, related_name="+")
    days = models.PositiveIntegerField()
    cases = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency", "category", "days"], name="closetime_one_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.days} d: {self.cases}"


class ApiClient(models.Model):
    """A system that calls servq's APIs with a key: a name, the hashed key, the body it works for, and
    what the key may do. A key shipped inside a public app (a 市民 App) can be read out of it, so
    each key gets only the scopes it needs: filing cases through Open311, or pushing one agency's
    monthly application counts (that agency and its units only)."""

    name = models.CharField(max_length=120)
    body = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)
    files_cases = models.BooleanField(_("可送陳情案件（Open311）"), default=True)
    pushes_counts = models.BooleanField(_("可傳送申辦件數"), default=False)
    counts_agency = models.ForeignKey(
        Agency,
        verbose_name=_("件數所屬機關"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pushes_counts=False) | models.Q(counts_agency__isnull=False),
                name="apiclient_counts_name_their_agency",
            )
        ]

    def __str__(self) -> str:
        return self.name


class TermCount(models.Model):
    """How often a segmented term appears in a month's cases of a body (for top and rising topics)."""

    month = models.DateField()
    body = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "body", "term"], name="term_once_per_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.term}: {self.count}"


def attachment_storage() -> Storage:
    return storages["attachments"]


class CaseAttachment(models.Model):
    """A photo or file the citizen sent with the case: images re-encoded without their metadata
    (a phone's photo carries where it was taken), stored outside the web root, shown to staff."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("檔名"), max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField(_("大小"))
    file = models.FileField(storage=attachment_storage, upload_to="cases/%Y/%m/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.name


class CitizenMail(OutboxMessage):
    """Mail to a citizen, written in the transaction of the change it reports and sent by the worker:
    nothing is sent for a change that rolled back, nothing is lost when the mail server is down."""

    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["id"], condition=Q(sent_at__isnull=True), name="citizenmail_unsent")]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
