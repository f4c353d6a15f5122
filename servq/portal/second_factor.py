"""A second factor for staff (issue 34.6): TOTP from an authenticator app, with ten one-time recovery
codes, on django-otp.

Whoever has set one up is asked for a code after signing in (a password alone, or a session taken
over, reaches nothing else); a body can require it of its supervisors and coordinators, who are
then sent to set one up before anything else. Wrong codes are throttled by django-otp itself.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from servq.agencies.access import access
from servq.agencies.models import Agency, AgencyKind, Passkey
from servq.agencies.rules import needs_second_factor
from servq.agencies.selectors import grants_of
from servq.core import audit
from servq.core.http import next_on_this_site

RECOVERY_CODES = 10
NOTHING_OWED = "servq.second_factor.nothing_owed"
# What a signed-in person who still owes a second factor may open: the factor's own pages, leaving,
# the language switch, static files and the health checks.
OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/i18n/", "/static/", "/healthz", "/readyz")


def must_set_up(user: Any) -> bool:
    strict = Agency.objects.filter(kind=AgencyKind.PARENT_BODY, requires_second_factor=True).values_list(
        "path", flat=True
    )
    return needs_second_factor(grants_of(user), strict)


class SecondFactorMiddleware:
    """Sends a signed-in person who owes a second factor to give it (or set one up) first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and request.session.get(NOTHING_OWED) != user.pk
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            if user_has_device(user):
                return HttpResponseRedirect(
                    f"{reverse('second_factor_verify')}?next={request.get_full_path()}"
                )
            if must_set_up(user):
                messages.warning(request, "貴機關規定研考督導與機關聯絡人須使用雙重驗證，請先完成設定。")
                return HttpResponseRedirect(reverse("second_factor"))
            # Checked once a session: a rule turned on later applies from the next sign-in (as the
            # page that turns it on says), and every page is spared three queries.
            request.session[NOTHING_OWED] = user.pk
        return self.get_response(request)


@receiver(user_logged_in)
def _note_nothing_owed(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At sign-in, note a person who owes no second factor, so their pages need no check at all."""
    if (
        request is not None
        and hasattr(request, "session")
        and not user_has_device(user)
        and not must_set_up(user)
    ):
        request.session[NOTHING_OWED] = user.pk


def _qr_svg(device: TOTPDevice) -> str:
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(out, kind="svg", xmldecl=False, scale=4, border=2)
    return mark_safe(out.getvalue().decode())  # noqa: S308  (segno's own SVG: paths and numbers only)


@access(signed_in=True)
def set_up(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the QR code (or type the key), give the code it shows; the
    recovery codes are shown once, right after."""
    user = request.user
    passkeys = Passkey.objects.filter(user=user, confirmed=True)
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).exists() or passkeys.exists()
    if confirmed:
        return render(request, "portal/second_factor.html", {"confirmed": True, "passkeys": passkeys})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name="authenticator", confirmed=False
    )
    if request.method == "POST":
        code = "".join(request.POST.get("code", "").split())[:8]
        if code.isdigit() and device.verify_token(code):
            codes = _confirm(request, device)
            return render(request, "portal/second_factor.html", {"confirmed": True, "codes": codes})
        messages.error(request, "驗證碼不正確或已過期，請輸入驗證器 App 目前顯示的 6 位數字。")
    return render(
        request,
        "portal/second_factor.html",
        {
            "qr": _qr_svg(device),
            "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
            "passkeys": passkeys,
        },
        status=400 if request.method == "POST" else 200,
    )


@transaction.atomic
def _confirm(request: HttpRequest, device: TOTPDevice) -> list[str]:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=device.user).delete()
    recovery = StaticDevice.objects.create(user=device.user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    audit.record(
        by=request.user, action="person.second_factor", obj=device.user, extra={"recovery_codes": len(codes)}
    )
    otp_login(request, device)
    return codes


@access(signed_in=True)
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or one of the recovery codes."""
    target = next_on_this_site(request, reverse("portal:home"))
    if request.method == "POST":
        token = "".join(request.POST.get("code", "").split())[:16]
        device = match_token(request.user, token) if token else None
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(request, f"已使用一組復原碼，還剩 {left} 組。")
            return redirect(target)
        messages.error(request, "驗證碼不正確或已過期（連續錯誤會暫停一段時間）。")
    return render(
        request,
        "portal/second_factor_verify.html",
        {"next": target, "has_passkey": Passkey.objects.filter(user=request.user, confirmed=True).exists()},
        status=400 if request.method == "POST" else 200,
    )
