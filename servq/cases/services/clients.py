"""Cases services: query passwords and API clients."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction

from servq.agencies.models import Agency
from servq.cases import rules
from servq.cases.models import (
    ApiClient,
    Case,
)
from servq.cases.services._common import TOKEN_ALPHABET, TOKEN_LENGTH, CaseError
from servq.core import audit
from servq.core.actors import Actor

# --- tokens -------------------------------------------------------------------------------------


def token_hash(number: str, token: str) -> str:
    """Keyed hash of the query password: a random 40-bit token needs no slow hash, the key keeps a
    leaked table from being checked offline, and rate limits keep guessing online hopeless."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{number}:{token.strip().upper()}".encode(), hashlib.sha256).hexdigest()


def new_query_password() -> str:
    """Eight characters of the 32-letter alphabet from one read of the system's random source (256 is
    a multiple of 32, so every letter is equally likely); one read, not one per letter, because
    each is a system call and intake is the hottest path there is."""
    return "".join(TOKEN_ALPHABET[byte % len(TOKEN_ALPHABET)] for byte in secrets.token_bytes(TOKEN_LENGTH))


def token_matches(case: Case, token: str) -> bool:
    return hmac.compare_digest(case.token_hash, token_hash(case.number, token))


@transaction.atomic
def create_api_client(
    *, by: Actor, name: str, body: Agency, files_cases: bool = True, counts_agency: Agency | None = None
) -> tuple[ApiClient, str]:
    """A key for a system (shown once). Open311 intake for ``body`` when ``files_cases``; pushing
    monthly application counts of ``counts_agency`` (and its units) when one is named."""
    CaseError.require(files_cases or counts_agency is not None, "金鑰至少要有一種用途。")
    if counts_agency is not None:
        CaseError.require(
            counts_agency.path.startswith(body.path),
            f"{counts_agency.name} 不屬於 {body.name}。",
            "counts_agency",
        )
    key = secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        name=name,
        body=body,
        key_hash=rules.api_key_hash(key),
        files_cases=files_cases,
        pushes_counts=counts_agency is not None,
        counts_agency=counts_agency,
    )
    audit.record(
        by=by,
        action="apiclient.create",
        obj=client,
        agency=body,
        after={
            "name": name,
            "files_cases": files_cases,
            "counts_agency": counts_agency.code if counts_agency is not None else "",
        },
    )
    return client, key
