"""The Government Service Award (政府服務獎) as a body runs it: editions with categories, criteria and
stages; the entrant survey; entries with their answers, evidence and people; reviewers, conflicts and
scores; each stage's results; and rewards proposed by the body's rulebook."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import Agency
from servq.awards import rules
from servq.reporting.models import Grade

SELF_GRADES = Grade.choices


class Edition(models.Model):
    body = models.ForeignKey(
        Agency, verbose_name=_("辦理機關"), on_delete=models.PROTECT, related_name="award_editions"
    )
    name = models.CharField(_("名稱"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    survey_due = models.DateField(_("參獎意願調查截止"), null=True, blank=True)
    apply_from = models.DateField(_("報名開始"), null=True, blank=True)
    apply_to = models.DateField(_("報名截止"), null=True, blank=True)
    # Grade thresholds on the final ranking's raw mean: {"優等": "85", "甲等": "75"}.
    thresholds = models.JSONField(_("等第門檻"), default=dict)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published = models.BooleanField(_("公布結果"), default=False)

    class Meta:
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["body", "name"], name="edition_name_per_body")]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="categories")
    code = models.SlugField(_("代碼"), max_length=30)
    name = models.CharField(_("類別"), max_length=60)
    eligibility = models.TextField(_("參獎資格"), blank=True)

    class Meta:
        ordering = ["edition", "code"]
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="category_code_per_edition")]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="subcriteria"
    )
    position = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("代號"), max_length=20)
    name = models.CharField(_("評審構面"), max_length=200)
    weight = models.DecimalField(_("權重"), max_digits=5, decimal_places=2, default=1)
    max_score = models.PositiveSmallIntegerField(_("滿分"), default=10)

    class Meta:
        ordering = ["category", "position"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="award_criterion_code_once"),
            models.CheckConstraint(
                condition=Q(max_score__gte=1) & Q(weight__gt=0), name="award_criterion_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StageKind(models.TextChoices):
    REVIEW = "review", _("書面審查")
    SITE_VISIT = "site_visit", _("實地訪查")
    RECOMMEND = "recommend", _("推薦")


class Stage(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("階段"), max_length=60)
    kind = models.CharField(_("方式"), max_length=12, choices=StageKind.choices, default=StageKind.REVIEW)
    advance = models.PositiveIntegerField(_("晉級數"), null=True, blank=True)  # None: all move on
    method = models.CharField(
        _("計分方式"),
        max_length=10,
        choices=[(k, v) for k, v in rules.METHOD_NAMES.items()],
        default=rules.MEAN,
    )
    opens_on = models.DateField(null=True, blank=True)
    closes_on = models.DateField(null=True, blank=True)
    closed = models.BooleanField(_("已結束"), default=False)

    class Meta:
        ordering = ["edition", "position"]

    def __str__(self) -> str:
        return self.name


class Intention(models.Model):
    """The entrant survey (參獎意願調查): who will enter which category, or was designated by the body."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="intentions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    will_enter = models.BooleanField(_("參獎"))
    designated = models.BooleanField(_("由機關指定參選"), default=False)
    note = models.CharField(_("說明"), max_length=300, blank=True)

    class Meta:
        constraints = [
            # One line per category an agency enters (001 lists 各地區國稅局 under both categories),
            # or one line saying it will not enter (no category).
            models.UniqueConstraint(
                fields=["edition", "agency", "category"],
                name="intention_once_per_category",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.name}（{self.edition}）"


class Entry(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="entries")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="entries")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="award_entries_made")
    title = models.CharField(_("參獎主題"), max_length=200)
    number = models.PositiveIntegerField(_("報名序號"))
    year_end_report = models.BooleanField(_("以參獎申請書替代年度執行成果"), default=False)
    reached = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    grade = models.CharField(_("等第"), max_length=4, blank=True)
    nominated = models.BooleanField(_("推薦參加政府服務獎"), default=False)
    national = models.CharField(
        _("政府服務獎結果"),
        max_length=14,
        blank=True,
        choices=[(k, v) for k, v in rules.NATIONAL_NAMES.items()],
    )
    prizes = models.JSONField(_("獎項"), default=list)
    practice = models.TextField(_("績優作法（成果發表）"), blank=True)

    class Meta:
        ordering = ["edition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "agency", "category"], name="entry_once_per_category"),
            models.UniqueConstraint(fields=["edition", "number"], name="entry_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.name}：{self.title}"

    def facts(self) -> dict[str, str]:
        """What the rulebook's conditions read."""
        return {
            "grade": self.grade,
            "nominated": "yes" if self.nominated else "no",
            "national": self.national,
        }


class Answer(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("說明"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "criterion"], name="answer_once")]

    def __str__(self) -> str:
        return f"{self.entry}，{self.criterion}"


class Evidence(models.Model):
    """Evidence linked from servq itself: a measure's live value for the entry's agency and year, kept
    as it read when linked (indicators, case on-time rates, services, inspections)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="evidence")
    measure = models.CharField(max_length=60)
    label = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=10, blank=True)
    read_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"


class PersonRole(models.TextChoices):
    HEAD = rules.HEAD, _("首長（主管）")
    MAIN = rules.MAIN, _("主要承辦人員")
    OTHER = rules.OTHER, _("其他有功人員")
    COACH = rules.COACH, _("輔導有功人員")
    ASSISTING = rules.ASSISTING, _("協辦人員")


class EntryPerson(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(_("姓名"), max_length=60)
    title = models.CharField(_("職稱"), max_length=60, blank=True)
    role = models.CharField(_("角色"), max_length=10, choices=PersonRole.choices)

    class Meta:
        ordering = ["entry", "role", "id"]

    def __str__(self) -> str:
        return self.name


class Reviewer(models.Model):
    """A member of the edition's panel (初評小組), outside experts included."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="reviewers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="award_panels")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # their own
    conflicts = models.ManyToManyField(Agency, blank=True, related_name="+")  # declared

    class Meta:
        constraints = [models.UniqueConstraint(fields=["edition", "user"], name="reviewer_once")]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()}（{self.edition}）"


class Assignment(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="assignments")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="assignments")
    coaching = models.TextField(_("輔導意見"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stage", "entry", "reviewer"], name="assignment_once")]

    def __str__(self) -> str:
        return f"{self.stage}：{self.entry}，{self.reviewer}"


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=5, decimal_places=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="award_score_once")]

    def __str__(self) -> str:
        return f"{self.assignment}，{self.criterion}：{self.score} 分"


class Result(models.Model):
    """An entry's place in a closed stage, by the stage's method; stored with the method's name."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="results")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="results")
    rank = models.PositiveIntegerField()
    score = models.DecimalField(max_digits=8, decimal_places=2)
    raw_mean = models.DecimalField(max_digits=8, decimal_places=2)
    reviewers = models.PositiveSmallIntegerField()
    moved_on = models.BooleanField()

    class Meta:
        ordering = ["stage", "rank"]
        constraints = [models.UniqueConstraint(fields=["stage", "entry"], name="result_once")]

    def __str__(self) -> str:
        return f"{self.stage}第 {self.rank} 名：{self.entry}"


class Rulebook(models.Model):
    """A body's reward rules as lines (rules.parse_rulebook); a change is a new version."""

    body = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="rulebooks")
    name = models.CharField(_("名稱"), max_length=200)
    version = models.PositiveIntegerField(default=1)
    text = models.TextField(_("敘獎規定"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["body", "-version"]
        constraints = [models.UniqueConstraint(fields=["body", "version"], name="rulebook_version_once")]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class Reward(models.Model):
    """One person's reward for an edition: what the rulebook proposed and what the supervisor chose.
    One per person and edition: 「以最高額度辦理敘獎，不得重複敘獎」."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="rewards")
    rulebook = models.ForeignKey(Rulebook, on_delete=models.PROTECT, related_name="+")
    line = models.PositiveSmallIntegerField(null=True)  # the rulebook's line that proposed it
    person = models.CharField(_("姓名"), max_length=60)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("角色"), max_length=10)
    basis = models.CharField(_("依據"), max_length=200, blank=True)
    proposed = models.CharField(_("建議"), max_length=40, blank=True)
    chosen = models.CharField(_("核定"), max_length=40, blank=True)
    reason = models.CharField(_("調整理由"), max_length=300, blank=True)

    class Meta:
        ordering = ["edition", "agency__path", "person"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "agency", "person"], name="reward_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.chosen or self.proposed}"


class CriterionGrade(models.Model):
    """A half-year self-evaluation graded on the award's criteria (003: 配合「政府服務獎評獎實施計畫」
    評核項目及標準，於上、下半年度自行實施考核各1次)."""

    evaluation = models.ForeignKey(
        "reporting.SelfEvaluation", on_delete=models.CASCADE, related_name="criterion_grades"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("評審構面"), on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField(_("評等"), max_length=20, choices=SELF_GRADES)
    remark = models.TextField(_("說明"), blank=True)

    class Meta:
        verbose_name = _("評獎項目自評")
        ordering = ["evaluation", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="criterion_grade_once")
        ]

    def __str__(self) -> str:
        return f"{self.evaluation}，{self.criterion}：{self.grade}"
