"""What every cases service shares: the refusal type, guards and helpers."""

from __future__ import annotations

from servq.core.errors import ServiceError

MAX_DESCRIPTION = 5000
TOKEN_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # noqa: S105 — an alphabet; no 0/O, 1/I: read over the phone
TOKEN_LENGTH = 8


class CaseError(ServiceError):
    """A case write refused; ``field`` names the input at fault where there is one."""
