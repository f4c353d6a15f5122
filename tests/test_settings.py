"""Production refuses to start without the settings it cannot guess, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_django(**env_overrides):
    dropped = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "SERVQ_SITE_URL")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "servq.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secret_key_names_the_variable():
    result = start_django(SERVQ_ENV="production", ALLOWED_HOSTS="servq.example.gov.tw")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_without_allowed_hosts_names_the_variable():
    result = start_django(SERVQ_ENV="production", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_without_the_site_url_names_the_variable():
    # Mail and tasks have no request to take the address from: a default would send people elsewhere.
    result = start_django(SERVQ_ENV="production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="servq.example.gov.tw")
    assert result.returncode != 0
    assert "SERVQ_SITE_URL" in result.stderr


def test_a_site_url_that_is_not_a_root_url_is_refused_by_name():
    result = start_django(SERVQ_ENV="development", SERVQ_SITE_URL="servq.example.gov.tw/plans")
    assert result.returncode != 0
    assert "SERVQ_SITE_URL" in result.stderr


def test_production_with_every_required_setting_starts():
    result = start_django(
        SERVQ_ENV="production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="servq.example.gov.tw",
        SERVQ_SITE_URL="https://servq.example.gov.tw",
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_a_wrong_boolean_is_refused_by_name():
    result = start_django(SERVQ_ENV="development", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def deploy_check(**env_overrides):
    # The browser tests lift Django's async guard in this process's environment; a deployment must not.
    dropped = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        {
            "SERVQ_ENV": "production",
            "SECRET_KEY": "servq-ci-" + "k3y-n0t-f0r-r3al-us3-" * 3,
            "ALLOWED_HOSTS": "servq.example.gov.tw",
            "SERVQ_SITE_URL": "https://servq.example.gov.tw",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            **env_overrides,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "servq.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_rate_limits_would_be_per_process():
    result = deploy_check(REDIS_URL="")
    assert result.returncode != 0
    assert "servq.W001" in result.stdout + result.stderr


def test_a_rebuild_memory_that_is_no_size_is_refused_by_name():
    result = start_django(SERVQ_ENV="development", SERVQ_SEARCH_REBUILD_MEMORY="512MB'; DROP TABLE x; --")
    assert result.returncode != 0
    assert "SERVQ_SEARCH_REBUILD_MEMORY" in result.stderr
    assert start_django(SERVQ_ENV="development", SERVQ_SEARCH_REBUILD_MEMORY="2GB").returncode == 0


def test_the_old_private_address_switch_is_refused_by_name():
    result = start_django(SERVQ_ENV="development", SERVQ_WEBCHECK_ALLOW_PRIVATE="true")
    assert result.returncode != 0
    assert "SERVQ_OUTBOUND_ALLOWED_NETWORKS" in result.stderr


def test_every_page_carries_a_content_security_policy_without_inline_script(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy


def test_production_redirects_to_https_and_sends_hsts():
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/', HTTP_HOST='servq.example.gov.tw');"
        "print(r.status_code, r['Location']);"
        "r = Client().get('/open311/v2/openapi.json', HTTP_HOST='servq.example.gov.tw', HTTP_X_FORWARDED_PROTO='https');"
        "print(r.headers.get('Strict-Transport-Security'))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "servq.settings",
            "SERVQ_ENV": "production",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "servq.example.gov.tw",
            "SERVQ_SITE_URL": "https://servq.example.gov.tw",
            "DATABASE_URL": "sqlite:///:memory:",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "301 https://servq.example.gov.tw/", result.stderr
    assert lines[1].startswith("max-age=31536000") and "includeSubDomains" in lines[1]


def test_a_test_run_removes_its_scratch_directories_when_it_ends():
    script = (
        "import django; django.setup(); from pathlib import Path; from django.conf import settings; "
        "dirs = [settings.EVIDENCE_DIR, settings.ATTACHMENTS_DIR, settings.OPENDATA_DIR]; "
        "assert all(Path(d).is_dir() for d in dirs); (Path(dirs[0]) / 'evidence.pdf').write_bytes(b'%PDF'); "
        "print('\\n'.join(dirs))"
    )
    env = {**os.environ, "SERVQ_ENV": "test", "DJANGO_SETTINGS_MODULE": "servq.settings"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    made = result.stdout.split()
    assert len(made) == 3
    assert not [d for d in made if Path(d).exists()]
