"""Production refuses to start without the settings it cannot guess, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_django(**env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")}
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


def test_production_with_both_starts():
    result = start_django(SERVQ_ENV="production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="servq.example.gov.tw")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_a_wrong_boolean_is_refused_by_name():
    result = start_django(SERVQ_ENV="development", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr
