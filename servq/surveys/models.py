"""Satisfaction surveys (滿意度調查), courtesy tests (電話禮貌測試、臨櫃服務) and premises checks
(洽公環境): questionnaires in versions, surveys with their sample and invitations, responses, score
sheets and tests, and the yearly checklist of each service location."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import Agency
from servq.core.rules import format_roc_date
from servq.surveys import rules


class Audience(models.TextChoices):
    CITIZENS = "citizens", _("民眾（分眾）")
    STAFF = "staff", _("內部同仁")
    CASE = "case", _("隨案問卷")
    POLICY = "policy", _("施政滿意度")


class Questionnaire(models.Model):
    agency = models.ForeignKey(
        Agency, verbose_name=_("機關"), on_delete=models.PROTECT, related_name="questionnaires"
    )
    name = models.CharField(_("問卷名稱"), max_length=200)
    version = models.PositiveIntegerField(_("版本"), default=1)
    audience = models.CharField(_("對象"), max_length=10, choices=Audience.choices)
    # Staff surveys cannot be tied to a person: no link from a response to an invitation, dates only.
    anonymous = models.BooleanField(_("匿名"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency", "name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name", "version"], name="questionnaire_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class Item(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    section = models.CharField(_("構面"), max_length=60)
    code = models.CharField(_("代號"), max_length=20)
    kind = models.CharField(_("題型"), max_length=10, choices=list(rules.KINDS.items()))
    text = models.CharField(_("題目"), max_length=300)
    text_en = models.CharField(_("英文題目"), max_length=300, blank=True)
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["questionnaire", "position"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "code"], name="item_code_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class Survey(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="surveys")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="surveys")
    title = models.CharField(_("調查名稱"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    # Invitations only (one response per token), or open to anyone (rate-limited).
    by_invitation = models.BooleanField(_("僅限受邀者"), default=True)
    closes_on = models.DateField(_("截止日"))
    closed = models.BooleanField(_("已結束"), default=False)
    seed = models.BigIntegerField(null=True, blank=True)
    frame_size = models.PositiveIntegerField(null=True, blank=True)
    population = models.JSONField(default=dict, blank=True)  # stratum → population size, for weights

    class Meta:
        verbose_name = _("滿意度調查")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    stratum = models.CharField(max_length=60, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    frame_key = models.CharField(max_length=60, blank=True)  # the frame's own number (case number, list id)
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.survey}：{self.stratum}"


class Channel(models.TextChoices):
    WEB = "web", _("網路")
    PHONE = "phone", _("電話訪問")
    PAPER = "paper", _("紙本")


class Response(models.Model):
    """One questionnaire answered. No link to the invitation or the person, and only the day it came:
    the invitation is marked used in the same transaction, which is all that is kept of it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    on = models.DateField(_("日期"))
    channel = models.CharField(_("方式"), max_length=6, choices=Channel.choices, default=Channel.WEB)
    stratum = models.CharField(max_length=60, blank=True)
    # The answers by item code: a scale point, a choice, a list of choices, or text.
    answers = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["survey", "on"], name="response_survey_day")]

    def __str__(self) -> str:
        return f"{self.survey} {format_roc_date(self.on)}"


class ScoreSheet(models.Model):
    """A body's courtesy-test sheet: items with points, and bands (優良 / 良好 / 合格 / 待改善)."""

    body = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="score_sheets")
    name = models.CharField(_("評分表"), max_length=120)
    kind = models.CharField(
        _("方式"), max_length=8, choices=[("phone", _("電話禮貌測試")), ("counter", _("臨櫃服務測試"))]
    )
    items = models.TextField(_("評分項目"))
    bands = models.TextField(_("等第"))
    pass_mark = models.DecimalField(_("合格分數"), max_digits=5, decimal_places=1, default=70)
    every_months = models.PositiveSmallIntegerField(_("每幾個月至少一次"), default=4)

    def __str__(self) -> str:
        return self.name


class CourtesyTest(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="tests")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="courtesy_tests")
    unit = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("測試日期"), null=True, blank=True)
    due_on = models.DateField(_("應測日期"))
    scores = models.JSONField(default=dict, blank=True)
    total = models.DecimalField(_("總分"), max_digits=6, decimal_places=2, null=True, blank=True)
    band = models.CharField(_("等第"), max_length=20, blank=True)
    note = models.TextField(_("說明"), blank=True)
    improvement = models.TextField(_("改善情形"), blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(on__isnull=True) | Q(total__isnull=False), name="test_done_has_total"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency.name} {format_roc_date(self.due_on)}"


class PremisesCheck(models.Model):
    """The yearly check of a service location's premises and facilities (洽公環境設備)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="premises_checks")
    location = models.CharField(_("服務據點"), max_length=200)
    on = models.DateField(_("檢查日期"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    results = models.JSONField(default=dict)  # checklist item → "ok" | "fix" | "na"
    note = models.TextField(_("說明"), blank=True)

    class Meta:
        ordering = ["-on"]

    def __str__(self) -> str:
        return f"{self.agency.name} {self.location} {format_roc_date(self.on)}"
