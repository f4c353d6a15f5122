"""WebAuthn passkeys as a second factor (issue 34.6), on the `webauthn` package (py_webauthn).

A person who has given their second factor this session (or has none yet) adds a passkey; signing
in later, the passkey answers a challenge instead of a typed code. Challenges live in the session,
one at a time; the relying party is the host the browser is on (the origin must match it exactly).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import PublicKeyCredentialDescriptor

from servq.agencies.access import access
from servq.agencies.models import Passkey
from servq.core import audit
from servq.core.inputs import parse_json

CHALLENGE = "servq.passkey.challenge"
MAX_CREDENTIAL_BYTES = 64_000


def _relying_party(request: HttpRequest) -> tuple[str, str]:
    """The relying party's id (the host, no port) and the exact origin the browser must report."""
    host = request.get_host()
    return host.rsplit(":", 1)[0] if not host.startswith("[") else host, f"{request.scheme}://{host}"


def _refuse(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"ok": False, "message": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _credential(request: HttpRequest) -> dict[str, Any] | None:
    if len(request.body) > MAX_CREDENTIAL_BYTES:
        return None
    try:
        data = parse_json(request.body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


@access(signed_in=True)
@require_POST
def register_options(request: HttpRequest) -> HttpResponse:
    user: Any = request.user  # signed in: @access says so; django-otp adds is_verified
    if user_has_device(user) and not user.is_verified():
        return _refuse("請先以現有的雙重驗證登入，再新增通行金鑰。", 403)
    rp_id, _origin = _relying_party(request)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name="servq",
        user_name=user.get_username(),
        user_id=str(user.pk).encode(),
        user_display_name=user.get_full_name() or user.get_username(),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id))
            for p in Passkey.objects.filter(user=user)
        ],
    )
    request.session[CHALLENGE] = bytes_to_base64url(options.challenge)
    return HttpResponse(options_to_json(options), content_type="application/json")


@access(signed_in=True)
@require_POST
def register(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user_has_device(user) and not user.is_verified():
        return _refuse("請先以現有的雙重驗證登入，再新增通行金鑰。", 403)
    challenge, credential = request.session.pop(CHALLENGE, None), _credential(request)
    if challenge is None or credential is None:
        return _refuse("通行金鑰的要求已失效，請再按一次「新增通行金鑰」。")
    rp_id, origin = _relying_party(request)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError):
        return _refuse("無法驗證這把通行金鑰，請再試一次。")
    with transaction.atomic():
        passkey = Passkey.objects.create(
            user=user,
            name=str(credential.get("name") or "通行金鑰")[:64],
            confirmed=True,
            credential_id=bytes_to_base64url(verified.credential_id),
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
        )
        audit.record(by=user, action="person.passkey", obj=user, extra={"passkey": passkey.pk})
    otp_login(request, passkey)
    return JsonResponse({"ok": True})


@access(signed_in=True)
@require_POST
def sign_in_options(request: HttpRequest) -> HttpResponse:
    passkeys = list(Passkey.objects.filter(user=request.user, confirmed=True))
    if not passkeys:
        return _refuse("您還沒有通行金鑰。")
    rp_id, _origin = _relying_party(request)
    options = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id)) for p in passkeys
        ],
    )
    request.session[CHALLENGE] = bytes_to_base64url(options.challenge)
    return HttpResponse(options_to_json(options), content_type="application/json")


@access(signed_in=True)
@require_POST
def sign_in(request: HttpRequest) -> HttpResponse:
    """The second step of signing in, answered by a passkey of this person's."""
    challenge, credential = request.session.pop(CHALLENGE, None), _credential(request)
    if challenge is None or credential is None:
        return _refuse("登入要求已失效，請再按一次「使用通行金鑰」。")
    passkey = Passkey.objects.filter(
        user=request.user, credential_id=str(credential.get("id", ""))[:1400]
    ).first()
    if passkey is None:
        return _refuse("這把通行金鑰不屬於您的帳號。")
    rp_id, origin = _relying_party(request)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
        )
    except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError):
        return _refuse("通行金鑰驗證失敗，請再試一次，或改用驗證碼。")
    passkey.sign_count, passkey.last_used_at = verified.new_sign_count, timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])
    otp_login(request, passkey)
    return JsonResponse({"ok": True})


__all__ = ["register", "register_options", "sign_in", "sign_in_options"]
