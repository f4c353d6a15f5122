"""/healthz answers while the process lives; /readyz says what stops servq from doing its work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import OperationalError
from django.utils import timezone

from servq.cases.models import CitizenMail
from servq.core.models import Notification
from servq.portal import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ready_when_every_check_passes(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "queue": "ok", "mail": "ok"},
    }


def test_mail_waiting_too_long_makes_servq_not_ready(client, settings):
    settings.SERVQ_READY_MAIL_AGE_SECONDS = 3600
    mail = CitizenMail.objects.create(to="a@example.org", subject="案件受理通知", body="…")
    assert client.get("/readyz").status_code == 200
    CitizenMail.objects.filter(pk=mail.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["mail"].startswith("fail: the oldest unsent message has waited 72")


def test_sent_and_dead_mail_and_notices_kept_out_of_email_do_not_count(client, agency_tree, user_with_role):
    from servq.core.models import AuditEntry

    old = timezone.now() - dt.timedelta(days=2)
    CitizenMail.objects.create(to="a@example.org", subject="s", body="b", sent_at=old)
    CitizenMail.objects.create(to="b@example.org", subject="s", body="b", failed_at=old)
    user = user_with_role(agency_tree["mof"], "coordinator")
    event = AuditEntry.objects.create(action="test", object_type="t", object_id="1")
    Notification.objects.create(recipient=user, event=event, kind="k", subject="s", email=False)
    CitizenMail.objects.update(created_at=old)
    Notification.objects.update(created_at=old)
    assert client.get("/readyz").json()["checks"]["mail"] == "ok"


def test_a_queue_falling_behind_makes_servq_not_ready(client, settings):
    from django_tasks_db.models import DBTaskResult

    from tests.core.test_outages import mark_done

    settings.TASKS_BACKEND = "database"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SERVQ_READY_QUEUE_LAG_SECONDS = 600
    mark_done.enqueue()
    assert client.get("/readyz").json()["checks"]["queue"] == "ok"
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=30))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "the oldest waiting task has waited 18" in response.json()["checks"]["queue"]


def test_a_check_that_cannot_run_fails_by_name_without_a_server_error(client, monkeypatch):
    def unreachable():
        raise OperationalError("connection refused to 10.0.0.5 password=secret")

    monkeypatch.setitem(health.CHECKS, "database", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "fail: OperationalError"
    assert b"secret" not in response.content
