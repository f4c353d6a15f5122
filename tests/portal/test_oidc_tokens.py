"""The ID token checks servq adds to mozilla-django-oidc's signature and nonce check (issue 34.5):
a token from another issuer, for another client, or expired is refused. Signed for real (HS256
with the client secret, as a provider configured so would sign), verified by the real backend."""

from __future__ import annotations

import time

import jwt
import pytest
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation

ISSUER = "https://login.example.gov.tw"
SECRET = "a-client-secret-long-enough-for-hs256-signing"


@pytest.fixture
def backend(settings):
    settings.SERVQ_OIDC_ISSUER = ISSUER
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "servq", SECRET
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    # The issuer's discovery document, as servq caches it after fetching it once.
    cache.set(
        f"servq.oidc.discovery:{ISSUER}",
        {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/auth",
            "token_endpoint": f"{ISSUER}/token",
            "userinfo_endpoint": f"{ISSUER}/me",
            "jwks_uri": f"{ISSUER}/jwks",
        },
    )
    from servq.portal.oidc import GovernmentAccountBackend

    return GovernmentAccountBackend()


def token(**claims) -> str:
    payload = {"iss": ISSUER, "aud": "servq", "sub": "u1", "nonce": "n1", "exp": time.time() + 300} | claims
    return jwt.encode(payload, SECRET, algorithm="HS256")


def test_a_token_from_the_issuer_for_servq_passes(backend):
    assert backend.verify_token(token(), nonce="n1")["sub"] == "u1"


@pytest.mark.parametrize(
    ("claims", "nonce", "refused_for"),
    [
        ({"iss": "https://evil.example.com"}, "n1", "another issuer"),
        ({"aud": "another-app"}, "n1", "another client"),
        ({"exp": time.time() - 10}, "n1", "expired"),
        ({}, "replayed-nonce", "Nonce"),
    ],
)
def test_a_token_from_elsewhere_for_someone_else_expired_or_replayed_is_refused(
    backend, claims, nonce, refused_for
):
    with pytest.raises((SuspiciousOperation, jwt.PyJWTError), match=refused_for):
        backend.verify_token(token(**claims), nonce=nonce)
