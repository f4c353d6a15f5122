"""The production server's settings: gunicorn reads ./gunicorn.conf.py, and the environment sizes it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def printed_config(**env: str) -> dict[str, str]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "--check-config", "--print-config", "servq.wsgi"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    pairs = (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def test_a_process_accepts_only_the_connections_its_threads_can_serve():
    config = printed_config(WEB_CONCURRENCY="3", GUNICORN_THREADS="6", BIND="127.0.0.1:8123")
    assert config["workers"] == "3"
    assert config["worker_class"] == "gthread"
    assert config["threads"] == "6"
    assert config["worker_connections"] == "12"
    assert config["bind"] == "['127.0.0.1:8123']"
