"""servq started exactly as production starts it, and a page of every app fetched through it.

A fresh PostgreSQL database; SERVQ_ENV=production; `migrate`, `collectstatic` (the manifest every
page's static links are read from: a missing file in it was a 500 on every page), `check --deploy`;
gunicorn with gunicorn.conf.py; the task worker; then every app's page, signed out and signed in,
the static files those pages link to, the health endpoints, and a task the worker runs. Twice: with
the database task backend and the local-memory cache, and with Redis as the cache and the RQ
task backend (the configuration of more than one machine).

Needs PostgreSQL (the PostgreSQL pass runs it) and, for the Redis run, Redis at REDIS_TEST_URL
(default redis://127.0.0.1:6379/15); CI=true turns a missing Redis into a failure.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")

# A page of every app: (path, what a signed-out visitor gets).
PUBLIC_PAGES = [
    "/",
    "/plans/",
    "/search/?q=服務",
    "/reporting/self-evaluations/",
    "/cases/track/",
    "/services/",
    "/faq/",
    "/opendata/",
    "/opendata/catalog.jsonld",
    "/open311/v2/services.json",
    "/inspections/public/",
]
STAFF_PAGES = [
    "/agencies/",
    "/reporting/",
    "/sites/",
    "/inspections/",
    "/awards/",
    "/surveys/",
    "/cases/",
    "/services/manage/",
    "/faq/manage/",
    "/opendata/manage/",
    "/records/training/",
    "/reporting/measures/",
    "/audit/",
    "/notices/",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_reachable(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def fresh_database():
    if connection.vendor != "postgresql":
        pytest.skip("production runs on PostgreSQL; the PostgreSQL pass runs this")
    db = connection.settings_dict
    name = f"servq_production_{secrets.token_hex(4)}"
    server = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname=postgres"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Production:
    def __init__(self, database_url: str, var_dir: Path, extra: dict[str, str]) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "SERVQ_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "SERVQ_VAR_DIR": str(var_dir),
            "STATIC_ROOT": str(var_dir / "static"),
            "SERVQ_SITE_URL": self.base,
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "2",
            # The test speaks plain HTTP to gunicorn where a TLS proxy would stand in front.
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            **extra,
        }
        # A deployment has neither; the browser tests set the async switch in this process's environment.
        for inherited in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
            self.env.pop(inherited, None)
        self.processes: list[subprocess.Popen[str]] = []
        cookies = http.cookiejar.CookieJar()
        self.browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies), NoRedirects())
        self.cookies = cookies

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, (
            f"manage.py {' '.join(args)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
        return done.stdout

    def start(self, *command: str) -> None:
        self.processes.append(
            subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
        )

    def stop(self) -> str:
        output = []
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                output.append(process.communicate(timeout=30)[0])
            except subprocess.TimeoutExpired:
                process.kill()
                output.append(process.communicate()[0])
        return "\n".join(output)

    def get(self, path: str) -> tuple[int, str, dict[str, str]]:
        try:
            with self.browser.open(
                self.base + urllib.parse.quote(path, safe="/?=&:."), timeout=30
            ) as response:
                return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace"), dict(error.headers)

    def post(self, path: str, fields: dict[str, str]) -> int:
        request = urllib.request.Request(
            self.base + path,
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Referer": self.base + path},
        )
        try:
            with self.browser.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                pass
            for process in self.processes:
                assert process.poll() is None, process.communicate()[0][-3000:]
            time.sleep(0.3)
        raise AssertionError("gunicorn did not answer /healthz within 60 s")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


CONFIGURATIONS = {
    "database-tasks": {"TASKS_BACKEND": "database"},
    "redis-cache-and-rq": {"TASKS_BACKEND": "rq", "REDIS_URL": REDIS_TEST_URL},
}


@pytest.mark.parametrize("configuration", CONFIGURATIONS)
def test_servq_starts_as_production_does_and_serves_every_app(configuration, fresh_database, tmp_path):
    extra = CONFIGURATIONS[configuration]
    if "REDIS_URL" in extra and not redis_reachable(extra["REDIS_URL"]):
        message = f"needs Redis at {extra['REDIS_URL']} (set REDIS_TEST_URL)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    site = Production(fresh_database, tmp_path, extra)
    site.manage("migrate", "--noinput")
    site.manage("collectstatic", "--noinput")
    assert (tmp_path / "static" / "staticfiles.json").exists()
    site.manage("check", "--deploy", "--fail-level", "ERROR")
    site.manage(
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        "get_user_model().objects.create_superuser('operator', 'op@example.org', 'a-long-operator-password')",
    )
    site.start(sys.executable, "-m", "gunicorn", "servq.wsgi")
    site.start(sys.executable, "manage.py", "run_worker", "--queue-name", "*", "--interval", "0.2")
    try:
        site.wait_until_serving()
        check_pages(site)
        check_the_worker_runs_a_task(site)
        status, body, _ = site.get("/readyz")
        assert status == 200, body
    finally:
        output = site.stop()
    # A 403 is logged with its traceback; a server error or a crashed process is what must not be there.
    for failure in ("Internal Server Error", "Exception in worker", "Worker failed", "[CRITICAL]"):
        assert failure not in output, output[-5000:]


def check_pages(site: Production) -> None:
    for path in PUBLIC_PAGES:
        status, body, _ = site.get(path)
        assert status == 200, f"{path}: {status}\n{body[:2000]}"
    status, home, _ = site.get("/")
    # Every static file the page links to is served under its hashed name from the manifest.
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', home)
    assert any(re.search(r"servq\.[0-9a-f]{12}\.css$", asset) for asset in assets), assets
    for asset in assets:
        assert site.get(asset)[0] == 200, asset
    for path in STAFF_PAGES:
        status, _, headers = site.get(path)
        assert status == 302 and "/accounts/login/" in headers["Location"], f"{path} signed out: {status}"
    site.get("/accounts/login/")
    token = next(cookie.value for cookie in site.cookies if cookie.name == "csrftoken")
    assert (
        site.post(
            "/accounts/login/",
            {"username": "operator", "password": "a-long-operator-password", "csrfmiddlewaretoken": token},
        )
        == 302
    )
    for path in STAFF_PAGES:
        status, body, _ = site.get(path)
        assert status in (200, 403), f"{path} signed in: {status}\n{body[:2000]}"


def check_the_worker_runs_a_task(site: Production) -> None:
    task_id = (
        site.manage(
            "shell",
            "--no-imports",
            "-c",
            "from servq.core.tasks import reap_expired_leases; print(reap_expired_leases.enqueue().id)",
        )
        .strip()
        .splitlines()[-1]
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = site.manage(
            "shell",
            "--no-imports",
            "-c",
            f"from servq.core.tasks import reap_expired_leases; print(reap_expired_leases.get_result('{task_id}').status)",
        ).strip()
        if status == "SUCCESSFUL":
            return
        assert status != "FAILED", status
        time.sleep(0.5)
    raise AssertionError(f"the worker did not run task {task_id} within 60 s")
