"""The worker and the scheduler outlive a database outage: they log it, wait with back-off and carry on.

The process tests put a TCP proxy between the processes and PostgreSQL and cut it: every open
connection is dropped and new ones are refused, as when the database restarts or the network
fails. They need a database server a second process reaches over TCP, so the PostgreSQL pass runs
them; the SQLite pass keeps its test database in memory.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django_tasks import task

from servq.core.outages import Backoff, through_outages

ROOT = Path(__file__).resolve().parents[2]


@task()
def mark_done() -> str:
    """A task with nothing to do: that the worker recorded its success is what the test reads."""
    return "done"


# --- the loop, without processes ---------------------------------------------------------------


def test_waits_double_up_to_the_ceiling_and_start_over_after_a_success():
    backoff = Backoff(first=1, longest=5)
    assert [backoff.next_wait() for _ in range(5)] == [1, 2, 4, 5, 5]
    backoff.reset()
    assert backoff.next_wait() == 1


def test_an_unreachable_database_is_waited_out_and_the_step_run_again():
    attempts, waits = [], []

    def step():
        attempts.append(1)
        if len(attempts) < 3:
            raise OperationalError("connection refused")
        return "ran"

    backoff = Backoff(first=1, longest=30)
    assert through_outages(step, what="test", backoff=backoff, sleep=waits.append) == "ran"
    assert waits == [1, 2]
    assert backoff.failures == 0


def test_a_long_running_step_that_fails_again_starts_the_waits_over():
    now, waits, attempts = [0.0], [], []

    def step():
        attempts.append(1)
        if len(attempts) == 1:
            raise OperationalError("down at start")
        if len(attempts) == 2:
            now[0] += 3600  # ran an hour, then the database went away again
            raise OperationalError("down again")
        return "ran"

    backoff = Backoff(first=1, longest=30)
    through_outages(step, what="t", backoff=backoff, sleep=waits.append, clock=lambda: now[0])
    assert waits == [1, 1]


def test_other_errors_are_not_swallowed():
    def step():
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        through_outages(step, what="test", backoff=Backoff(), sleep=lambda _: None)


def test_a_loop_told_to_stop_during_an_outage_stops():
    running = [True]

    def step():
        running[0] = False
        raise OperationalError("gone")

    assert (
        through_outages(
            step, what="t", backoff=Backoff(), keep_going=lambda: running[0], sleep=lambda _: None
        )
        is None
    )


# --- real processes, a real outage -------------------------------------------------------------


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to the database; cut() drops every connection and refuses new ones."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(32)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self) -> None:
        assert self.listener is not None
        for sock in [self.listener, *self.sockets]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def start(command: list[str], database_url: str, var_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env={
            **os.environ,
            # Development settings: the database task backend, as production runs it.
            "SERVQ_ENV": "development",
            "TASKS_BACKEND": "database",
            "DATABASE_URL": database_url,
            "SERVQ_VAR_DIR": str(var_dir),
            "PYTHONPATH": str(ROOT),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.2)


@pytest.fixture
def database_proxy():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database server reached over TCP; the PostgreSQL pass runs this")
    db = connection.settings_dict
    proxy = CuttableProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    yield proxy, f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{db['NAME']}"
    proxy.cut()


def enqueue_on_the_database_backend(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = mark_done.enqueue()
    return lambda: DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_the_worker_carries_on_after_the_database_was_cut_away(database_proxy, settings, tmp_path):
    proxy, url = database_proxy
    worker = start(
        ["run_worker", "--queue-name", "*", "--interval", "0.2", "--no-startup-delay"], url, tmp_path
    )
    try:
        wait_for(enqueue_on_the_database_backend(settings), 60, "the first task, before the outage")
        proxy.cut()
        time.sleep(4)  # the worker polls every 0.2 s: several refused connections meanwhile
        assert worker.poll() is None, worker.communicate()[0][-3000:]
        proxy.restore()
        wait_for(enqueue_on_the_database_backend(settings), 60, "a task enqueued after the outage")
        assert worker.poll() is None
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert "the database cannot be reached" in output


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_carries_on_after_the_database_was_cut_away(database_proxy, tmp_path):
    proxy, url = database_proxy
    scheduler = start(["run_scheduler", "--interval", "1"], url, tmp_path)
    try:
        time.sleep(3)
        proxy.cut()
        time.sleep(4)
        assert scheduler.poll() is None, scheduler.communicate()[0][-3000:]
        proxy.restore()
        time.sleep(5)  # the back-off's wait, at most 4 s after three failed ticks
        assert scheduler.poll() is None
    finally:
        scheduler.terminate()
        output = scheduler.communicate(timeout=30)[0]
    assert "scheduler: the database cannot be reached" in output
    assert "scheduler: the database is back" in output, output
