from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import Agency


class Program(models.Model):
    """A program (方案) such as 政府服務躍升方案, running over a span of years."""

    slug = models.SlugField(_("代碼"), max_length=60, unique=True)
    name = models.CharField(_("名稱"), max_length=200)
    first_year = models.PositiveSmallIntegerField(_("起始年度（西元）"))
    last_year = models.PositiveSmallIntegerField(_("結束年度（西元）"))
    # The letter that issued the program: plans cite it, sometimes under another name (issue 24.4).
    letter_date = models.DateField(_("函頒日期"), null=True, blank=True)
    letter_number = models.CharField(_("函頒文號"), max_length=40, blank=True)
    # The edition's award and calendar: data of the program, never constants in code.
    award_name = models.CharField(_("獎項名稱"), max_length=60, blank=True)
    schedule = models.TextField(
        _("作業時程範本"), blank=True, help_text=_("每列一項：作業項目｜時程，或 作業項目｜辦理單位｜時程")
    )
    schedule_source = models.CharField(_("時程出處"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("方案")
        verbose_name_plural = _("方案")
        ordering = ["-first_year", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(first_year__lte=F("last_year")), name="program_years_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class PlanKind(models.TextChoices):
    IMPLEMENTATION = "implementation", _("實施計畫")
    EXECUTION = "execution", _("執行計畫")
    WORK = "work", _("工作計畫")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已送審")
    RETURNED = "returned", _("退回修正")
    APPROVED = "approved", _("已核定")
    PUBLISHED = "published", _("已公告")
    SUPERSEDED = "superseded", _("已由新版取代")


class PlanCycle(models.Model):
    """One year of a program at a supervising body: its framework, who takes part, and the due dates."""

    program = models.ForeignKey(
        Program, verbose_name=_("方案"), on_delete=models.PROTECT, related_name="cycles"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("主辦機關"), on_delete=models.PROTECT, related_name="cycles_run"
    )
    year = models.PositiveSmallIntegerField(_("年度（西元）"))
    title = models.CharField(_("名稱"), max_length=200)
    framework = models.ForeignKey(
        "Plan",
        verbose_name=_("實施計畫（架構）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="framework_of_cycles",
    )
    participants = models.ManyToManyField(
        Agency, verbose_name=_("參與機關"), related_name="cycles", blank=True
    )
    submit_by = models.DateField(_("計畫送審期限"))
    review_by = models.DateField(_("審查期限"))
    approve_by = models.DateField(_("核定期限"))
    # By the end of January the plan is public: on the website (001), on the website and at the
    # premises once approved (003).
    publish_by = models.DateField(_("公告期限"), null=True, blank=True)
    # The year-end 附表's layout: 000's has no 承辦單位 column; a body that wants one turns it on.
    year_end_units = models.BooleanField(_("年度成果列出承辦單位"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("年度作業")
        verbose_name_plural = _("年度作業")
        ordering = ["-year", "program"]
        constraints = [
            models.UniqueConstraint(fields=["program", "agency", "year"], name="cycle_one_per_program_year"),
            models.CheckConstraint(
                condition=Q(submit_by__lte=F("review_by")) & Q(review_by__lte=F("approve_by")),
                name="cycle_due_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(publish_by__isnull=True) | Q(publish_by__gte=F("approve_by")),
                name="cycle_publish_after_approval",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Plan(models.Model):
    program = models.ForeignKey(
        Program, verbose_name=_("方案"), on_delete=models.PROTECT, related_name="plans"
    )
    agency = models.ForeignKey(Agency, verbose_name=_("機關"), on_delete=models.PROTECT, related_name="plans")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上位計畫"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("執行計畫或工作計畫所依循的實施計畫"),
    )
    kind = models.CharField(_("計畫類別"), max_length=20, choices=PlanKind.choices)
    title = models.CharField(_("計畫名稱"), max_length=300)
    first_year = models.PositiveSmallIntegerField(_("起始年度（西元）"))
    last_year = models.PositiveSmallIntegerField(_("結束年度（西元）"))
    basis = models.TextField(_("計畫依據"), blank=True)
    goals = models.TextField(_("計畫目標"), blank=True)
    scope = models.TextField(_("實施對象"), blank=True)
    steps = models.TextField(_("實施步驟"), blank=True)
    oversight = models.TextField(_("管制考核"), blank=True)
    rewards = models.TextField(_("獎勵方式"), blank=True)
    status = models.CharField(_("狀態"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    cycle = models.ForeignKey(
        PlanCycle,
        verbose_name=_("年度作業"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
    )
    # Every version of one plan points at its first version; the first points at nothing.
    first_version = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="later_versions"
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    revision_note = models.CharField(_("修正說明"), max_length=300, blank=True)
    # Bumped by every saved edit; a form saved against an older value is refused (no lost edits).
    lock_version = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(_("送審時間"), null=True, blank=True)
    # Who sent it for review: the one person who may not decide on it (separation of duties).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("送審人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("審查時間"), null=True, blank=True)
    published_at = models.DateTimeField(_("公告時間"), null=True, blank=True)
    # An implementation plan's word on what each execution plan under it must have before it is
    # submitted (plans.rules.Requirements); None: 003's full list.
    requirements = models.JSONField(_("執行計畫應具備"), null=True, blank=True)
    # 003 and 004: the approved plan is also posted at the service premises (公告於服務場所).
    posted_on = models.DateField(_("張貼於服務場所日期"), null=True, blank=True)
    posted_where = models.CharField(_("張貼地點"), max_length=200, blank=True)
    source_name = models.CharField(_("來源檔案"), max_length=255, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("計畫")
        verbose_name_plural = _("計畫")
        ordering = ["-first_year", "agency__path", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(first_year__lte=F("last_year")), name="plan_years_ordered"),
            models.CheckConstraint(condition=Q(kind__in=PlanKind.values), name="plan_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="plan_status_valid"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="plan_not_own_parent"),
            models.UniqueConstraint(
                fields=["program", "agency", "title", "first_year", "version"],
                name="plan_unique_per_agency_year",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PlanRevision(models.Model):
    """A line of the plan's history as the document states it: 「101年11月12日訂定」, 「104年9月24日修訂」."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    date = models.DateField(_("日期"))
    label = models.CharField(_("說明"), max_length=300)

    class Meta:
        verbose_name = _("訂定與修訂")
        verbose_name_plural = _("訂定與修訂")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return self.label


class ConsultedParty(models.TextChoices):
    CITIZENS = "citizens", _("民眾")
    EXPERTS = "experts", _("專家學者")
    NGOS = "ngos", _("民間團體")
    STAFF = "staff", _("機關同仁")
    AGENCIES = "agencies", _("其他機關")


class PlanConsultation(models.Model):
    """Who was consulted on the draft, when, what they said and what changed (004 伍、二、(二): 「執行計畫
    訂定及修訂，應先確認民眾之期望與需求，廣納專家、學界、民間團體等各方意見」)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="consultations")
    held_on = models.DateField(_("日期"))
    parties = models.JSONField(_("對象"), default=list)  # ConsultedParty values
    how = models.CharField(_("方式"), max_length=100)  # 座談會、問卷、線上意見徵集…
    said = models.TextField(_("主要意見"))
    changed = models.TextField(_("計畫因此修正之處"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("意見徵詢")
        verbose_name_plural = _("意見徵詢")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.plan}：{self.how}"


class FrameworkNode(models.Model):
    """A node of a plan's framework: 面向 / 計畫要項 → 執行策略 → 執行方法, any depth."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level_name = models.CharField(_("層級名稱"), max_length=40, blank=True)
    title = models.TextField(_("標題"))
    position = models.PositiveIntegerField(_("順序"))
    depth = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("計畫架構")
        verbose_name_plural = _("計畫架構")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="node_position_unique"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="node_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.title


class DeadlineKind(models.TextChoices):
    DATE = "date", _("日期")
    RANGE = "range", _("期間")
    RECURRING = "recurring", _("定期")
    CONTINUOUS = "continuous", _("經常辦理")
    MILESTONES = "milestones", _("分年目標")
    TEXT = "text", _("文字")


class PlanItem(models.Model):
    """One row of the plan: what will be done, by when, by whom, to what effect."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    node = models.ForeignKey(
        FrameworkNode,
        verbose_name=_("架構"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    position = models.PositiveIntegerField(_("順序"))
    text = models.TextField(_("項目內容"))
    actions = models.TextField(_("推動作法"), blank=True)
    deadline_raw = models.CharField(_("完成期限"), max_length=500, blank=True)
    deadline_kind = models.CharField(
        _("期限類別"), max_length=20, choices=DeadlineKind.choices, default=DeadlineKind.TEXT
    )
    deadline_due = models.DateField(_("到期日"), null=True, blank=True)
    deadline_data = models.JSONField(default=dict, blank=True)
    expected_benefit = models.TextField(_("預期效益"), blank=True)
    source_line = models.PositiveIntegerField(_("來源行號"), null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("計畫項目")
        verbose_name_plural = _("計畫項目")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="item_position_unique"),
            models.CheckConstraint(
                condition=Q(deadline_kind__in=DeadlineKind.values), name="item_deadline_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(deadline_kind__in=["continuous", "text"]) | Q(deadline_due__isnull=True),
                name="item_open_deadline_has_no_due_date",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ItemUnit(models.Model):
    """A responsible unit (承辦單位) as written, linked to the agency's unit where the name matches."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("承辦單位"), max_length=200)
    unit = models.ForeignKey(
        Agency, verbose_name=_("對應單位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("承辦單位")
        verbose_name_plural = _("承辦單位")
        ordering = ["item", "position"]
        constraints = [models.UniqueConstraint(fields=["item", "name"], name="itemunit_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def matched(self) -> bool:
        return self.unit_id is not None


class IndicatorDirection(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class Indicator(models.Model):
    """A quantified indicator (KPI) with a target per year; cumulative targets count from the start."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    item = models.ForeignKey(
        PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="indicators"
    )
    name = models.CharField(_("指標名稱"), max_length=300)
    unit = models.CharField(_("單位"), max_length=40, blank=True)
    direction = models.CharField(
        _("方向"), max_length=10, choices=IndicatorDirection.choices, default=IndicatorDirection.HIGHER
    )
    cumulative = models.BooleanField(_("累計"), default=False)
    baseline = models.DecimalField(_("基準值"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("基準年度"), null=True, blank=True)
    # The key of a registered measure (servq.core.measures) the actual value is read from; blank = typed in.
    measure_key = models.CharField(_("自動量測來源"), max_length=80, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("指標")
        verbose_name_plural = _("指標")
        ordering = ["plan", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=IndicatorDirection.values), name="indicator_direction_valid"
            ),
            models.UniqueConstraint(fields=["plan", "name"], name="indicator_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("年度（西元）"))
    value = models.DecimalField(_("目標值"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("目標值")
        verbose_name_plural = _("目標值")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_one_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=1912) & Q(year__lte=2200), name="target_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class IndicatorOverride(models.Model):
    """A year's value of a measured indicator set by hand, with the reason: the measure is wrong or
    incomplete for this body (a counter outside servq, figures from another system). Shown beside
    the measured value, never in place of it silently."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="overrides")
    year = models.PositiveSmallIntegerField(_("年度（西元）"))
    value = models.DecimalField(_("更正值"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("更正理由"), max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更正人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("更正時間"), auto_now=True)

    class Meta:
        verbose_name = _("指標人工更正")
        verbose_name_plural = _("指標人工更正")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="override_one_per_year"),
            models.CheckConstraint(condition=~Q(reason=""), name="override_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.year}: {self.value}"


class ReviewComment(models.Model):
    """A reviewer's comment on a plan as a whole or on one item, kept with the version it was made on."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="comments")
    item = models.ForeignKey(
        PlanItem, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("審查人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("意見"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("審查意見")
        verbose_name_plural = _("審查意見")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class ServiceCategory(models.TextChoices):
    """001 and 003: a participant takes part in one or both categories, each with its dimensions."""

    OVERALL = "overall", _("整體服務類")
    PROJECT = "project", _("專案規劃類")


class ParticipantCategory(models.Model):
    """A category an agency takes part in for a cycle (「由機關依業務屬性及服務項目自行設定或調整類別」,
    003); one or both (001 lists 各地區國稅局 and 各事業機構 under 整體服務類 and 專案規劃類)."""

    cycle = models.ForeignKey(PlanCycle, on_delete=models.CASCADE, related_name="categories")
    agency = models.ForeignKey(Agency, verbose_name=_("機關"), on_delete=models.CASCADE, related_name="+")
    category = models.CharField(_("類別"), max_length=20, choices=ServiceCategory.choices)
    chosen_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("參與類別")
        verbose_name_plural = _("參與類別")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "agency", "category"], name="category_once_per_participant"
            ),
            models.CheckConstraint(
                condition=Q(category__in=ServiceCategory.values), name="participant_category_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} · {self.category}"


class CommentPeriod(models.Model):
    """A public comment period on a draft plan, opened by its agency (one way of 004's 「廣納…各方
    意見」 and its 公共論壇、公民參與…「並即時予以回應」): the public reads the draft beside the
    comments, and every comment gets a visible answer."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="comment_periods")
    opens_on = models.DateField(_("開始日期"))
    closes_on = models.DateField(_("截止日期"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("公開徵詢意見")
        verbose_name_plural = _("公開徵詢意見")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="comment_period_ordered")
        ]

    def __str__(self) -> str:
        return f"{self.plan}：公開徵詢意見"

    def open_on(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.closes_on


class PublicComment(models.Model):
    """A citizen's comment on a draft plan, shown with the agency's answer; one held back (offensive
    or personal) shows only that it was, and why."""

    period = models.ForeignKey(CommentPeriod, on_delete=models.CASCADE, related_name="comments")
    at = models.DateTimeField(auto_now_add=True)
    name = models.CharField(_("署名"), max_length=60, blank=True)
    text = models.TextField(_("意見"))
    answer = models.TextField(_("機關回應"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    held_back = models.CharField(_("不公開理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("民眾意見")
        verbose_name_plural = _("民眾意見")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:40]
