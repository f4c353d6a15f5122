"""Scale-out: two web processes, two workers and two schedulers on one PostgreSQL and one Redis
(different ports standing for different machines). The night's site checks and the notices' mail
spread over both workers, nothing is done twice, and the web processes share their limits.

Needs PostgreSQL (the PostgreSQL pass runs it) and Redis at REDIS_TEST_URL (CI=true fails without).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from servq.agencies.rules import Role
from servq.core.models import AuditEntry, Notification
from servq.webcheck.models import CheckStatus, Site, SiteCheck
from tests.test_production_start import REDIS_TEST_URL, free_port, redis_reachable

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.django_db(transaction=True)
SITES, NOTICES = 4, 6


@pytest.fixture
def shared_services():
    if connection.vendor != "postgresql":
        pytest.skip("several processes on one database: the PostgreSQL pass runs this")
    if not redis_reachable(REDIS_TEST_URL):
        message = f"needs Redis at {REDIS_TEST_URL} (set REDIS_TEST_URL)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    import redis

    redis.Redis.from_url(REDIS_TEST_URL).flushdb()  # no queue or limit left from another run
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def machine_env(database_url: str, tmp_path: Path, port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "SERVQ_ENV": "development",
        "DATABASE_URL": database_url,
        "TASKS_BACKEND": "rq",
        "REDIS_URL": REDIS_TEST_URL,
        "SERVQ_VAR_DIR": str(tmp_path / f"machine-{port}"),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "SERVQ_OUTBOUND_ALLOWED_NETWORKS": "127.0.0.1/32",
        "SERVQ_WEBCHECK_A11Y_PAGES": "0",
        "SERVQ_WEBCHECK_SITES_PER_RUN": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    for inherited in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(inherited, None)
    return env


def test_two_of_everything_share_the_work_and_do_nothing_twice(
    shared_services, agency_tree, user_with_role, tmp_path
):
    from tests.webcheck.conftest import html, threaded_site

    coordinator = user_with_role(agency_tree["mof"], Role.COORDINATOR, email="coord@example.org")
    for number in range(NOTICES):
        event = AuditEntry.objects.create(action="test.notice", object_type="t", object_id=str(number))
        Notification.objects.create(
            recipient=coordinator, event=event, kind="test", subject=f"通知第{number}則"
        )
    processes: list[subprocess.Popen[str]] = []
    logs: dict[str, Path] = {}

    def start(name: str, port: int, *command: str) -> None:
        logs[name] = tmp_path / f"{name}.log"
        processes.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                env=machine_env(shared_services, tmp_path, port),
                stdout=logs[name].open("w"),
                stderr=subprocess.STDOUT,
                text=True,
            )
        )

    with threaded_site({"/": html('<a href="/a">甲</a>'), "/a": html("<p>乙</p>")}) as base:
        for number in range(SITES):
            Site.objects.create(
                agency=agency_tree["mof"],
                name=f"網站{number}",
                start_url=f"{base}/?site={number}",
                allow_private=True,
                schedule="weekly",
            )
        webs = [free_port(), free_port()]
        try:
            for port in webs:
                start(f"web-{port}", port, sys.executable, "-m", "gunicorn", "servq.wsgi")
            for number in (1, 2):
                port = free_port()
                start(
                    f"worker-{number}",
                    port,
                    sys.executable,
                    "manage.py",
                    "run_worker",
                    "--worker-id",
                    f"w{number}",
                )
                start(
                    f"scheduler-{number}",
                    port,
                    sys.executable,
                    "manage.py",
                    "run_scheduler",
                    "--interval",
                    "5",
                )
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                done = SiteCheck.objects.filter(status=CheckStatus.DONE).count()
                sent = Notification.objects.filter(sent_at__isnull=False).count()
                if done >= SITES and sent == NOTICES:
                    break
                for process in processes:
                    assert process.poll() is None, next(p.read_text()[-3000:] for p in logs.values())
                time.sleep(0.5)
            shared_limits(webs)
        finally:
            stop_all(processes)

    output = {name: path.read_text() for name, path in logs.items()}
    progress = (
        SiteCheck.objects.filter(status=CheckStatus.DONE).count(),
        Notification.objects.filter(sent_at__isnull=False).count(),
    )
    assert progress == (SITES, NOTICES), (progress, output["worker-1"][-2000:], output["scheduler-1"][-1500:])
    for site in Site.objects.all():
        assert site.checks.count() == 1, f"{site.name}: {site.checks.count()} checks"
    assert SiteCheck.objects.filter(status=CheckStatus.DONE).count() == SITES
    mail = "".join(path.read_text() for path in (tmp_path / "mail").glob("*"))
    assert len(re.findall(r"^Subject: ", mail, flags=re.MULTILINE)) == NOTICES
    # Both workers took a share of the site checks.
    for number in (1, 2):
        assert "run_site_checks_together" in output[f"worker-{number}"], output[f"worker-{number}"][-2000:]
    for name, text in output.items():
        assert "Traceback" not in text, f"{name}:\n{text[-3000:]}"


def stop_all(processes: list[subprocess.Popen[str]]) -> None:
    """SIGTERM, as a supervisor stops them; an RQ worker finishing a job may take its time, and how
    they stop is not what this test is about: after 30 s, SIGKILL."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(30)


def shared_limits(webs: list[int]) -> None:
    """Failed sign-ins counted on either web process stop the account on both: the limit lives in Redis."""
    import http.cookiejar
    import urllib.error
    import urllib.parse
    import urllib.request

    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    browser.open(f"http://127.0.0.1:{webs[0]}/accounts/login/", timeout=30).read()
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")

    def sign_in(port: int) -> int:
        url = f"http://127.0.0.1:{port}/accounts/login/"
        fields = {"username": "nobody", "password": "wrong", "csrfmiddlewaretoken": token}
        request = urllib.request.Request(
            url, data=urllib.parse.urlencode(fields).encode(), headers={"Referer": url}
        )
        try:
            with browser.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    statuses = [sign_in(webs[attempt % 2]) for attempt in range(12)]
    # Ten failures in all, five on each process: the eleventh is stopped on either.
    assert statuses[:10] == [200] * 10 and statuses[10:] == [429, 429], statuses
