from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who changed what, when, with the values before and after. Written by services only."""

    at = models.DateTimeField(_("時間"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作者"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(_("操作者名稱"), max_length=150, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("機關"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agency_path = models.CharField(max_length=800, blank=True, db_index=True)
    action = models.CharField(_("動作"), max_length=40)
    object_type = models.CharField(_("物件類型"), max_length=100)
    object_id = models.CharField(_("物件編號"), max_length=64)
    object_repr = models.CharField(_("物件"), max_length=300)
    changes = models.JSONField(_("變更內容"), default=dict, blank=True)
    # The object this one lives in (the plan of an item), so a plan's history includes its items'.
    within_type = models.CharField(max_length=100, blank=True)
    within_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("稽核紀錄")
        verbose_name_plural = _("稽核紀錄")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["within_type", "within_id"], name="audit_within_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"


class OfficeDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假日")
    TYPHOON = "typhoon", _("停止上班（天然災害）")
    MAKEUP_WORKDAY = "makeup_workday", _("補行上班日")


class OfficeDay(models.Model):
    """A day on which the government office calendar differs from 'weekdays work, weekends rest'."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("類別"), max_length=20, choices=OfficeDayKind.choices)
    name = models.CharField(_("說明"), max_length=120, blank=True)
    source = models.CharField(_("來源"), max_length=40, default="holidays")

    class Meta:
        verbose_name = _("行政機關辦公日曆")
        verbose_name_plural = _("行政機關辦公日曆")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OfficeDayKind.values), name="officeday_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class SchedulerTick(models.Model):
    """A claimed run of a scheduled job: the unique slot keeps two schedulers from enqueuing it twice."""

    job = models.CharField(max_length=80)
    slot = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="tick_once_per_slot")]

    def __str__(self) -> str:
        return f"{self.job}@{self.slot}"


class DemoLoaded(models.Model):
    """A part of the demo that has been loaded into this database. Each part runs once: run again,
    the loader would find the demo body's newer work (a cycle opened since, a draft begun) and fill
    it in as if it were its own."""

    part = models.CharField(max_length=80, unique=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.part


class OutboxMessage(models.Model):
    """A message written in the transaction of the change it reports, delivered later by a worker.

    Each row is delivered on its own: a failure counts an attempt, keeps the error and waits a
    growing back-off before the next try; after the last attempt the row is dead (``failed_at``) and
    an operator sees it (``manage.py outbox``) instead of it blocking every message behind it."""

    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    # Which rows the outbox delivers at all (a notice someone wants only in servq never goes out).
    DELIVERED: ClassVar[dict[str, object]] = {}

    class Meta:
        abstract = True

    @property
    def delivery_state(self) -> str:
        if self.sent_at is not None:
            return "sent"
        return "dead" if self.failed_at is not None else "pending"


class Lease(models.Model):
    """A long task's claim on its work: held by one worker, kept alive by a heartbeat.

    A worker that dies (kill -9, a lost machine) stops beating; once ``expires_at`` passes, the
    reaper hands the work back (its app's recovery marks it failed and queues it again)."""

    name = models.CharField(max_length=200, unique=True)
    holder = models.CharField(max_length=100)
    acquired_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.name} by {self.holder} until {self.expires_at:%H:%M:%S}"


class Notification(OutboxMessage):
    """A notice to one person about one event (a plan returned, a case transferred to them): shown in
    servq at once, and e-mailed through the outbox when their preference allows. One per event and
    person: the event is the audit entry that recorded it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(AuditEntry, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("類型"), max_length=40)
    subject = models.CharField(_("主旨"), max_length=200)
    body = models.TextField(_("內容"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    # Whether this one goes by e-mail too (the preference as it stood when the event happened).
    email = models.BooleanField(default=True)
    DELIVERED: ClassVar[dict[str, object]] = {"email": True}
    read_at = models.DateTimeField(_("已讀時間"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["event", "recipient"], name="notification_once")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.subject


class NotificationPreference(models.Model):
    """Which kinds of notice a person does not want by e-mail (they still see them in servq)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    no_email = models.JSONField(_("不寄電子郵件的通知類型"), default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.no_email}"
