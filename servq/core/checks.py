"""System checks that catch a deployment whose settings quietly weaken servq."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)


@register(Tags.security, deploy=True)
def rate_limits_are_shared(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Rate limits live in the cache; a per-process cache gives every web process its own limits."""
    backend = settings.CACHES["default"]["BACKEND"]
    if not settings.PRODUCTION or backend not in LOCAL_CACHES:
        return []
    return [
        Warning(
            f"The cache ({backend}) is per process: each web process counts rate limits on its own, "
            "so the public case form and the case query allow several times their limits.",
            hint="Set REDIS_URL so every process shares one cache.",
            id="servq.W001",
        )
    ]
