"""Health endpoints for a load balancer and monitoring.

/healthz says the process answers (nothing else is touched, so a database outage does not make a
load balancer kill every web process). /readyz says whether servq can do its work: the database
answers, the cache keeps a value, the task queue is not falling behind, and no mail has waited too
long. Each check says ok or what is wrong, without a secret or a record in it; 503 if any fails.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from servq.agencies.access import access
from servq.core import outbox
from servq.core.models import OutboxMessage


@never_cache
@access(public=True)
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@access(public=True)
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {name: _run(check) for name, check in CHECKS.items()}
    ready = all(result == "ok" for result in checks.values())
    return JsonResponse({"status": "ok" if ready else "fail", "checks": checks}, status=200 if ready else 503)


def _run(check: Callable[[], str]) -> str:
    try:
        return check()
    except Exception as error:  # a check that cannot run is a failed check, never a 500
        return f"fail: {type(error).__name__}"


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _cache() -> str:
    key, value = "servq:readyz", uuid.uuid4().hex
    cache.set(key, value, 30)
    return "ok" if cache.get(key) == value else "fail: the cache did not keep a value"


def _queue() -> str:
    limit = dt.timedelta(seconds=settings.SERVQ_READY_QUEUE_LAG_SECONDS)
    if settings.TASKS_BACKEND == "rq":
        import django_rq

        queue = django_rq.get_queue("default")
        jobs = queue.get_jobs(0, 0)  # the oldest waiting job
        oldest = jobs[0].enqueued_at if jobs else None
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=dt.UTC)
    elif settings.TASKS_BACKEND == "database":
        from django_tasks_db.models import DBTaskResult

        oldest = DBTaskResult.objects.ready().aggregate(oldest=Min("enqueued_at"))["oldest"]
    else:
        return "ok"  # tasks run inline: there is no queue to fall behind
    return _not_older(oldest, limit, "the oldest waiting task")


def _mail() -> str:
    limit = dt.timedelta(seconds=settings.SERVQ_READY_MAIL_AGE_SECONDS)
    oldest = [
        outbox.waiting(model._default_manager.all()).aggregate(oldest=Min("created_at"))["oldest"]
        for model in apps.get_models()
        if issubclass(model, OutboxMessage)
    ]
    waiting = [moment for moment in oldest if moment is not None]
    return _not_older(min(waiting) if waiting else None, limit, "the oldest unsent message")


def _not_older(moment: dt.datetime | None, limit: dt.timedelta, what: str) -> str:
    if moment is None:
        return "ok"
    waited = timezone.now() - moment
    if waited <= limit:
        return "ok"
    return f"fail: {what} has waited {int(waited.total_seconds())} s (limit {int(limit.total_seconds())} s)"


CHECKS: dict[str, Callable[[], str]] = {
    "database": _database,
    "cache": _cache,
    "queue": _queue,
    "mail": _mail,
}
