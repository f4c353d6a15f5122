"""Sign-in with the government's accounts through OpenID Connect (issue 34.5), on
mozilla-django-oidc: the authorization code flow with PKCE, state and nonce.

What servq adds: the provider's endpoints come from its discovery document (only the issuer is
configured); the ID token must come from that issuer, for this client, unexpired; a person is found
by a *verified* e-mail, or is someone with an open invitation to that address (the invitation is
accepted and its role granted, as its inviter did); anyone else is refused with a clear message and
nothing is created. A forged or replayed state is refused the same way, never a server error.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from servq.agencies import services
from servq.agencies.access import access

logger = logging.getLogger(__name__)

DISCOVERY_CACHE_SECONDS = 3600
# The discovery document's names for the endpoints mozilla-django-oidc reads from settings.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
REFUSAL_KEY = "servq_oidc_refusal"


def enabled() -> bool:
    return bool(getattr(settings, "SERVQ_OIDC_ISSUER", ""))


def discovery() -> dict[str, Any]:
    """The issuer's /.well-known/openid-configuration, cached for an hour; its issuer must be the
    one configured (a document naming another issuer is refused)."""
    issuer = settings.SERVQ_OIDC_ISSUER
    key = f"servq.oidc.discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
        if document.get("issuer", "").rstrip("/") != issuer:
            raise ImproperlyConfigured(f"the discovery document of {issuer} names {document.get('issuer')!r}")
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def setting(attr: str, *args: Any) -> Any:
    """mozilla-django-oidc's settings, with the endpoints taken from discovery."""
    if attr in ENDPOINTS and enabled():
        return discovery()[ENDPOINTS[attr]]
    return import_from_settings(attr, *args)


class GovernmentAccountBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(setting)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The signature and nonce (mozilla-django-oidc), then the claims it leaves unchecked: this
        issuer, this client, not expired."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if str(payload.get("iss", "")).rstrip("/") != settings.SERVQ_OIDC_ISSUER:
            raise SuspiciousOperation(f"ID token from another issuer: {payload.get('iss')!r}")
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        if float(payload.get("exp", 0)) < time.time():
            raise SuspiciousOperation("ID token expired")
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("email"))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        """The one account with this verified e-mail; an unverified e-mail matches no one."""
        User = get_user_model()
        if claims.get("email_verified") is not True:
            self._refuse("您的公務帳號未驗證電子郵件，servq 無法確認您是誰；請洽帳號管理單位。")
            return User.objects.none()
        return User.objects.filter(email__iexact=str(claims["email"]).strip())

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        """The account of this verified e-mail; else the person an open invitation to it is for;
        else no one, and the refusal says why."""
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            self._refuse("公務帳號沒有提供電子郵件，servq 無法確認您是誰；請洽帳號管理單位。")
            return None
        email = str(claims["email"]).strip().lower()
        users = list(self.filter_users_by_claims(claims))
        if len(users) > 1:
            self._refuse(f"{email} 對應到多個 servq 帳號，請洽研考督導處理。")
            return None
        if users:
            if not users[0].is_active:
                self._refuse("您的 servq 帳號已停用，請洽機關聯絡人或研考督導。")
            return users[0]
        if claims.get("email_verified") is not True:
            return None  # refused in filter_users_by_claims
        user = services.accept_invitation_by_identity(email=email, name=str(claims.get("name") or ""))
        if user is None:
            self._refuse(
                f"{email} 在 servq 沒有帳號，也沒有待接受的邀請。請機關聯絡人或研考督導寄邀請給這個信箱。"
            )
        return user

    def _refuse(self, message: str) -> None:
        if self.request is not None and not getattr(self.request, REFUSAL_KEY, None):
            setattr(self.request, REFUSAL_KEY, message)


class SignInRequest(OIDCAuthenticationRequestView):
    get_settings = staticmethod(setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The parent reads the authorization endpoint here: only once servq knows the provider.
        if enabled():
            super().__init__(*args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            messages.error(request, "本站尚未設定公務帳號登入，請以帳號密碼登入。")
            return HttpResponseRedirect(reverse("login"))
        try:
            return super().get(request)
        except (requests.RequestException, ImproperlyConfigured, KeyError, ValueError) as error:
            logger.warning("OpenID Connect provider unreachable: %s", error)
            messages.error(request, "暫時無法連線到公務帳號登入服務，請稍後再試或以帳號密碼登入。")
            return HttpResponseRedirect(reverse("login"))


class SignInCallback(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            return HttpResponseRedirect(reverse("login"))
        try:
            return super().get(request)
        except SuspiciousOperation as error:
            # A state not issued to this browser, a nonce or token that does not match: refused.
            logger.warning("OpenID Connect sign-in refused: %s", error)
            messages.error(request, "登入驗證失敗（登入要求已失效或不符），請重新按「以公務帳號登入」。")
            return HttpResponseRedirect(reverse("login"))

    def login_failure(self) -> HttpResponse:
        refusal = getattr(self.request, REFUSAL_KEY, None)
        messages.error(self.request, refusal or "公務帳號登入未完成，請再試一次或以帳號密碼登入。")
        return super().login_failure()


sign_in = access(public=True)(SignInRequest.as_view())
callback = access(public=True)(SignInCallback.as_view())
