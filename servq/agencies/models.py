from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from servq.agencies.rules import Role
from servq.core.models import OutboxMessage

__all__ = [
    "ROLE_CHOICES",
    "Affiliation",
    "Agency",
    "AgencyKind",
    "AgencyLevel",
    "Invitation",
    "Membership",
    "Passkey",
    "Role",
]


class AgencyKind(models.TextChoices):
    """The structure servq relies on: the body at the root, agencies below it, units inside them.
    What an agency is called at its level (一級機關, 區公所, 稽徵所, 事業機構…) is the body's data:
    see AgencyLevel."""

    PARENT_BODY = "parent_body", _("上級機關")
    AGENCY = "agency", _("機關")
    UNIT = "unit", _("單位（科/課/室/處）")


class AgencyLevel(models.Model):
    """A level or kind of agency as a body names it: 一級機關, 二級機關, 區公所 (004); 分局, 稽徵所,
    事業機構 (001, 003). Any number, any depth; ``rank`` orders them (1 = directly under the body)."""

    body = models.ForeignKey(
        "Agency", verbose_name=_("上級機關"), on_delete=models.CASCADE, related_name="levels"
    )
    name = models.CharField(_("層級名稱"), max_length=40)
    rank = models.PositiveSmallIntegerField(_("層次"), default=1)

    class Meta:
        verbose_name = _("機關層級")
        verbose_name_plural = _("機關層級")
        ordering = ["body", "rank", "name"]
        constraints = [models.UniqueConstraint(fields=["body", "name"], name="level_name_per_body")]

    def __str__(self) -> str:
        return self.name


# The roles themselves are defined once, in rules.py (pure); here only their labels.
ROLE_LABELS = {
    Role.SUPERVISOR: _("研考督導"),
    Role.COORDINATOR: _("機關聯絡人"),
    Role.UNIT_STAFF: _("承辦人員"),
    Role.REVIEWER: _("評審委員"),
    Role.HEAD: _("機關首長"),
}
ROLE_CHOICES = [(role.value, label) for role, label in ROLE_LABELS.items()]


class Agency(models.Model):
    """A node of the agency tree. ``path`` is the materialised chain of codes, for subtree queries."""

    code = models.SlugField(_("代碼"), max_length=40, unique=True)
    name = models.CharField(_("名稱"), max_length=120)
    name_en = models.CharField(_("英文名稱"), max_length=200, blank=True)
    kind = models.CharField(_("類型"), max_length=20, choices=AgencyKind.choices)
    level = models.ForeignKey(
        AgencyLevel,
        verbose_name=_("層級"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上級"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=800, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    position = models.PositiveIntegerField(default=0)
    # A body's rule for its supervisors and coordinators: sign in with a second factor (TOTP).
    requires_second_factor = models.BooleanField(_("研考督導與機關聯絡人須使用雙重驗證"), default=False)

    class Meta:
        verbose_name = _("機關")
        verbose_name_plural = _("機關")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=False) | Q(kind=AgencyKind.PARENT_BODY),
                name="agency_only_parent_body_is_root",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="agency_not_own_parent"),
            models.CheckConstraint(condition=Q(kind__in=AgencyKind.values), name="agency_kind_valid"),
            models.UniqueConstraint(fields=["parent", "name"], name="agency_name_unique_under_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_unit(self) -> bool:
        return self.kind == AgencyKind.UNIT

    @property
    def level_label(self) -> str:
        """What the body calls this agency's level, else its structural kind."""
        return self.level.name if self.level_id and self.level else str(self.get_kind_display())


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> MembershipQuerySet:
        """Roles in force today: those with no end date or ending today or later."""
        from django.utils import timezone

        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=timezone.localdate()))


class Membership(models.Model):
    """A user's role in one agency; supervisors' rights reach the agency's whole subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=20, choices=ROLE_CHOICES)
    # A role can end on a date (a 借調, a yearly panel): from the day after, it grants nothing.
    ends_on = models.DateField(_("角色結束日"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授予者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("授予時間"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("機關角色")
        verbose_name_plural = _("機關角色")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=[role.value for role in Role]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.agency} · {self.get_role_display()}"


class Invitation(OutboxMessage):
    """An e-mail invitation to take a role at an agency: one-time, expiring, resendable, revocable.

    The link carries a signed (pk, nonce); only the nonce is stored, and a resend draws a new one,
    so an earlier link stops working. The row is its own outbox message: the worker mails it."""

    email = models.EmailField(_("電子郵件"))
    name = models.CharField(_("姓名"), max_length=150, blank=True)
    agency = models.ForeignKey(Agency, verbose_name=_("機關"), on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("角色"), max_length=20, choices=ROLE_CHOICES)
    ends_on = models.DateField(_("角色結束日"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nonce = models.CharField(max_length=64)
    expires_at = models.DateTimeField(_("邀請到期時間"))
    accepted_at = models.DateTimeField(_("接受時間"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("撤回時間"), null=True, blank=True)
    DELIVERED: ClassVar[dict[str, object]] = {"accepted_at__isnull": True, "revoked_at__isnull": True}

    class Meta:
        verbose_name = _("邀請")
        verbose_name_plural = _("邀請")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[role.value for role in Role]), name="invitation_role_valid"
            ),
        ]
        # The people page lists the newest pending invitations of 50,000: read in this order, not sorted.
        indexes = [
            models.Index(
                fields=["-created_at"],
                name="invitation_pending_newest",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} · {self.agency} · {self.get_role_display()}"


class Affiliation(models.Model):
    """A tie a person declares to an agency other than their roles (an outside expert's adviser
    post, a former employer, a spouse's agency): with their memberships, what makes them conflicted
    in reviews of that agency (award panels, inspections). Never typed by an organiser per review."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affiliations")
    agency = models.ForeignKey(Agency, verbose_name=_("機關"), on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("關係說明"), max_length=200, blank=True)
    declared_at = models.DateTimeField(_("申報時間"), auto_now_add=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("申報的關係機關")
        verbose_name_plural = _("申報的關係機關")
        constraints = [models.UniqueConstraint(fields=["user", "agency"], name="affiliation_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.agency}"


class Passkey(Device):
    """A WebAuthn passkey (a security key, a phone, the computer's own authenticator) as a second
    factor: a django-otp device, so "has a second factor" and "gave it" mean one thing for TOTP and
    passkeys alike. It is proved by a signed challenge, never by a typed token."""

    # Annotated: django-otp's Device is untyped, so the type checker cannot infer them.
    credential_id: models.CharField[str, str] = models.CharField(max_length=1400, unique=True)  # base64url
    public_key: models.BinaryField[bytes, bytes] = models.BinaryField()
    sign_count: models.PositiveBigIntegerField[int, int] = models.PositiveBigIntegerField(default=0)
    created_at: models.DateTimeField[Any, Any] = models.DateTimeField(auto_now_add=True)
    last_used_at: models.DateTimeField[Any, Any] = models.DateTimeField(null=True, blank=True)

    class Meta(Device.Meta):
        verbose_name = _("通行金鑰")
        verbose_name_plural = _("通行金鑰")

    def verify_token(self, token: object) -> bool:
        return False  # a passkey answers a challenge (servq.portal.passkeys), not a code
