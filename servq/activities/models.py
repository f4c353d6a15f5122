"""The smallest records a unit keeps so that an indicator counts records, not a typed total (#35.1):
training sessions held, service points and free Wi-Fi hotspots, the named staff's monthly review of
the website's sections (000), social-media posts, and the month's 公文 e-exchange figures as the
document system reports them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import Agency


class Kept(models.Model):
    """What every record has: the agency it belongs to, who recorded it and when."""

    agency = models.ForeignKey(Agency, verbose_name=_("機關"), on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class TrainingSession(Kept):
    title = models.CharField(_("研習名稱"), max_length=200)
    held_on = models.DateField(_("辦理日期"))
    hours = models.DecimalField(_("時數"), max_digits=5, decimal_places=1)
    attendees = models.PositiveIntegerField(_("參加人數"))
    note = models.CharField(_("說明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("研習")
        ordering = ["-held_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive")]

    def __str__(self) -> str:
        return self.title


class PointKind(models.TextChoices):
    COUNTER = "counter", _("服務據點")
    OUTREACH = "outreach", _("延伸服務據點")
    WIFI = "wifi", _("免費無線上網熱點")


class ServicePoint(Kept):
    kind = models.CharField(_("類別"), max_length=10, choices=PointKind.choices)
    name = models.CharField(_("名稱"), max_length=200)
    district = models.CharField(_("鄉鎮市區"), max_length=20)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    # What a citizen needs before going (001, 003, 004: 服務據點): when it is open, what it does,
    # and how a wheelchair user, a parent with a pram or a blind visitor gets in and is served.
    hours = models.CharField(_("服務時間"), max_length=200, blank=True)
    offers = models.CharField(_("提供的服務"), max_length=500, blank=True)
    accessibility = models.CharField(_("無障礙設施"), max_length=300, blank=True)
    opened_on = models.DateField(_("啟用日期"))
    closed_on = models.DateField(_("停用日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("服務據點與熱點")
        ordering = ["kind", "district", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=PointKind.values), name="point_kind_valid"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="point_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.name}"


class WebsiteSection(Kept):
    """A section of the agency's website with the staff member named to review it (000: 各單位應指派
    專人 … 定期（至少每月1次）檢視)."""

    name = models.CharField(_("網站專區"), max_length=200)
    unit = models.ForeignKey(
        Agency, verbose_name=_("負責單位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("專人"), on_delete=models.PROTECT, related_name="+"
    )
    since = models.DateField(_("列管起始日"))

    class Meta:
        verbose_name = _("網站專區")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WebsiteReview(Kept):
    section = models.ForeignKey(
        WebsiteSection, verbose_name=_("網站專區"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewed_on = models.DateField(_("檢視日期"))
    all_correct = models.BooleanField(_("連結正確、資訊最新"), default=True)
    note = models.CharField(_("發現與處理"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("網站檢視紀錄")
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.section} {self.reviewed_on}"


class Platform(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    YOUTUBE = "youtube", "YouTube"
    FLICKR = "flickr", "Flickr"
    INSTAGRAM = "instagram", "Instagram"
    LINE = "line", "LINE"
    OTHER = "other", _("其他")


class SocialPost(Kept):
    platform = models.CharField(_("平臺"), max_length=10, choices=Platform.choices)
    posted_on = models.DateField(_("發布日期"))
    title = models.CharField(_("主題"), max_length=200)
    url = models.URLField(_("網址"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("社群貼文")
        ordering = ["-posted_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(platform__in=Platform.values), name="post_platform_valid")
        ]

    def __str__(self) -> str:
        return self.title


class DocumentExchangeMonth(Kept):
    """One month's outgoing 公文 as the document system counts them (002: 提昇公文電子交換率)."""

    month = models.DateField(_("月份"))  # the first day of the month
    electronic = models.PositiveIntegerField(_("電子交換件數"))
    total = models.PositiveIntegerField(_("發文總件數"))

    class Meta:
        verbose_name = _("公文電子交換月報")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "month"], name="exchange_one_per_month"),
            models.CheckConstraint(condition=Q(electronic__lte=F("total")), name="exchange_part_of_total"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
