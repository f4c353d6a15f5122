"""An uploaded file held between its preview and its confirmation, for its uploader alone.

A bulk import is shown before it is written (what it would add, change, refuse); the file waits in
storage, named in the uploader's session, until they confirm or upload another. Applying takes it
once: a second confirmation finds nothing to apply."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest

HELD_DIR = "held"


def hold(request: HttpRequest, purpose: str, data: bytes, name: str, **meta: Any) -> str:
    """Keep the file for ``purpose`` (one per purpose and session); the key the confirm form sends."""
    drop(request, purpose)
    key = secrets.token_urlsafe(16)
    stored = default_storage.save(f"{HELD_DIR}/{purpose}/{key}{Path(name).suffix.lower()}", ContentFile(data))
    request.session[_session_key(purpose)] = {"key": key, "path": stored, "name": name, **meta}
    return key


def take(request: HttpRequest, purpose: str, key: str) -> tuple[bytes, dict[str, Any]] | None:
    """The held file's bytes and what was kept with it, if ``key`` names it; it is then gone."""
    held = request.session.get(_session_key(purpose))
    if not held or not key or not secrets.compare_digest(str(held.get("key")), key):
        return None
    try:
        with default_storage.open(held["path"], "rb") as stream:
            data = stream.read()
    except OSError:
        return None
    finally:
        drop(request, purpose)
    return data, held


def drop(request: HttpRequest, purpose: str) -> None:
    held = request.session.pop(_session_key(purpose), None)
    if held and default_storage.exists(held["path"]):
        default_storage.delete(held["path"])


def _session_key(purpose: str) -> str:
    return f"servq.held.{purpose}"
