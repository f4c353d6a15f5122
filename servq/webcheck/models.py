"""Sites agencies register, the checks run on them, and what each check found."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import Agency
from servq.webcheck import rules


class Schedule(models.TextChoices):
    WEEKLY = rules.WEEKLY, _("每週")
    MONTHLY = rules.MONTHLY, _("每月")


class Site(models.Model):
    agency = models.ForeignKey(Agency, verbose_name=_("機關"), on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(_("網站名稱"), max_length=120)
    start_url = models.URLField(_("起始網址"), max_length=500)
    # Weekly by default: 002 checks its site every week (「每週定期檢查本府網站」).
    schedule = models.CharField(
        _("檢測頻率"), max_length=10, choices=Schedule.choices, default=Schedule.WEEKLY
    )
    max_pages = models.PositiveIntegerField(_("最多讀取頁數"), default=2000)
    stale_after_days = models.PositiveIntegerField(_("逾期未更新天數"), default=rules.DEFAULT_STALE_DAYS)
    # Kinds of page with their own limit, 「網址含｜天數」 a line (see rules.DEFAULT_FRESHNESS_RULES).
    freshness_rules = models.TextField(
        _("頁面類型的更新期限"), blank=True, default=rules.DEFAULT_FRESHNESS_RULES
    )
    excludes = models.TextField(_("排除網址（正規表示式，每列一個）"), blank=True)
    allow_private = models.BooleanField(_("允許內部網址"), default=False)
    active = models.BooleanField(_("定期檢測"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("網站")
        verbose_name_plural = _("網站")
        ordering = ["agency__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "start_url"], name="site_once_per_agency"),
            models.CheckConstraint(condition=Q(schedule__in=Schedule.values), name="site_schedule_valid"),
            models.CheckConstraint(
                condition=Q(max_pages__gte=1) & Q(max_pages__lte=50000), name="site_pages_bounded"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def exclude_patterns(self) -> list[str]:
        return [line.strip() for line in self.excludes.splitlines() if line.strip()]


class PathOwner(models.Model):
    """Pages under a path prefix belong to a unit, which answers for their broken links."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="owners")
    prefix = models.CharField(_("路徑開頭"), max_length=300)
    unit = models.ForeignKey(Agency, verbose_name=_("負責單位"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "prefix"], name="owner_once_per_prefix")]

    def __str__(self) -> str:
        return f"{self.prefix} → {self.unit.name}"


class CheckStatus(models.TextChoices):
    QUEUED = "queued", _("排隊中")
    RUNNING = "running", _("檢測中")
    DONE = "done", _("完成")
    FAILED = "failed", _("失敗")


class SiteCheck(models.Model):
    """One run of the checker over a site."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="checks")
    status = models.CharField(max_length=10, choices=CheckStatus.choices, default=CheckStatus.QUEUED)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("完成時間"), null=True, blank=True)
    pages = models.PositiveIntegerField(default=0)
    links = models.PositiveIntegerField(_("連結數"), default=0)
    broken = models.PositiveIntegerField(_("失效連結數"), default=0)
    stale_pages = models.PositiveIntegerField(_("逾期未更新網頁數"), default=0)
    a11y_violations = models.PositiveIntegerField(_("無障礙違規數"), null=True, blank=True)
    seconds = models.FloatField(default=0)
    notes = models.JSONField(default=list, blank=True)
    # Hosts whose certificate is wrong or expiring soon: {host: what is wrong}; warnings only.
    certificates = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        constraints = [
            # At most one run waiting or running per site: scheduling twice queues one run.
            models.UniqueConstraint(
                fields=["site"],
                condition=Q(status__in=["queued", "running"]),
                name="check_one_pending_per_site",
            ),
            models.CheckConstraint(condition=Q(status__in=CheckStatus.values), name="check_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.queued_at:%Y-%m-%d} {self.status}"

    @property
    def valid_link_rate(self) -> object:
        return rules.valid_link_rate(self.links, self.broken)


class BrokenLink(models.Model):
    check_run = models.ForeignKey(SiteCheck, on_delete=models.CASCADE, related_name="broken_links")
    url = models.TextField()
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # [{"page": url, "line": n, "unit": agency id or null}, …]
    sources = models.JSONField(default=list)
    is_new = models.BooleanField(default=False)
    # Could not be verified (login, bot challenge, rate limit, slow host): shown apart, never counted
    # as broken, so no unit is told to fix a link that works for people.
    unverified = models.BooleanField(default=False)

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.url


class PageFreshness(models.Model):
    check_run = models.ForeignKey(SiteCheck, on_delete=models.CASCADE, related_name="pages_seen")
    url = models.TextField()
    updated_on = models.DateField(null=True, blank=True)
    from_page = models.BooleanField(default=False)  # the date is the page's own 「更新日期」
    stale = models.BooleanField(default=False)

    class Meta:
        ordering = ["updated_on", "url"]

    def __str__(self) -> str:
        return self.url


class A11yFinding(models.Model):
    """An axe-core rule a checked page violates."""

    check_run = models.ForeignKey(SiteCheck, on_delete=models.CASCADE, related_name="a11y_findings")
    page = models.TextField()
    rule = models.CharField(max_length=80)
    level = models.CharField(max_length=3)
    impact = models.CharField(max_length=20, blank=True)
    nodes = models.PositiveIntegerField(default=0)
    help = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["level", "rule", "page"]

    def __str__(self) -> str:
        return f"{self.rule} on {self.page}"
