from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from servq.core import scheduler
from servq.core.models import SchedulerTick

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 11, 25, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def counting_job():
    runs = []
    scheduler.every(60, name="test.count")(lambda: runs.append(1))
    yield runs
    scheduler._JOBS.pop("test.count")


def test_a_slot_is_enqueued_once_however_many_schedulers_wake(counting_job):
    for minute in range(0, 59, 7):
        scheduler.run_due(NOON + dt.timedelta(minutes=minute))
    assert len(counting_job) == 1
    scheduler.run_due(NOON + dt.timedelta(minutes=60))
    assert len(counting_job) == 2


def test_an_enqueue_that_fails_leaves_the_slot_free_and_the_other_jobs_run(counting_job):
    def broken():
        raise RuntimeError("queue down")

    scheduler.every(60, name="test.broken")(broken)
    try:
        assert "test.count" in scheduler.run_due(NOON)
        assert not SchedulerTick.objects.filter(job="test.broken").exists()
        assert len(counting_job) == 1
    finally:
        scheduler._JOBS.pop("test.broken")


def test_the_reporting_jobs_are_registered_and_run_once_by_the_command(capsys):
    names = {job.name for job in scheduler.jobs()}
    assert {"reporting.send_due_notices", "reporting.refresh_measured_actuals"} <= names
    call_command("run_scheduler", "--once")
    call_command("run_scheduler", "--once")
    out = capsys.readouterr().out
    assert out.count("enqueued reporting.send_due_notices") == 1
