"""The FAQ knowledge base (常見問題集): entries per agency and service with their owner unit, legal
basis and the date last confirmed, their versions, citizens' 「有幫助嗎」 votes, and the proposals
made from what citizens keep asking in cases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import Agency
from servq.services.models import Service


class Entry(models.Model):
    agency = models.ForeignKey(
        Agency, verbose_name=_("機關"), on_delete=models.PROTECT, related_name="faq_entries"
    )
    unit = models.ForeignKey(
        Agency, verbose_name=_("承辦單位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("服務項目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="faq",
    )
    question = models.CharField(_("問題"), max_length=300)
    answer = models.TextField(_("回答"))
    legal_basis = models.CharField(_("法令依據"), max_length=300, blank=True)
    review_days = models.PositiveSmallIntegerField(_("檢視週期（日）"), default=365)
    confirmed_on = models.DateField(_("最近確認日期"))
    version = models.PositiveIntegerField(default=1)
    published = models.BooleanField(_("公開"), default=False)
    helpful = models.PositiveIntegerField(default=0)
    not_helpful = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["agency__path", "question"]

    def __str__(self) -> str:
        return self.question


class EntryVersion(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    question = models.CharField(max_length=300)
    answer = models.TextField()
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["entry", "-number"]
        constraints = [models.UniqueConstraint(fields=["entry", "number"], name="faq_version_once")]

    def __str__(self) -> str:
        return f"{self.entry}（第{self.number}版）"


class Proposal(models.Model):
    """A frequent case topic no entry covers, proposed to the agency (「整理後回饋轉化為常見問題集」)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="faq_proposals")
    term = models.CharField(_("主題詞"), max_length=40)
    count = models.PositiveIntegerField(_("案件數"))
    month = models.DateField()
    state = models.CharField(max_length=10, default="proposed")  # proposed, accepted, dismissed
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "term", "month"], name="faq_proposal_once")]

    def __str__(self) -> str:
        return f"{self.term} ({self.count})"
