"""Benchmark case intake through the Open311 API under a bounded loopback load.

Run: .venv/bin/python bench/cases_load.py
    (SECONDS=60 WARMUP=5 CLIENTS=50 RATE=200 WORKERS=2 THREADS=4 by default: on 2 cores shared with
    PostgreSQL and the load, two processes beat four)
Starts gunicorn (the repository's gunicorn.conf.py) serving servq on 127.0.0.1 against PostgreSQL
(DATABASE_URL, else postgres://postgres@127.0.0.1:5432/servq_bench_load), then runs CLIENTS
concurrent clients twice, each time for WARMUP + SECONDS seconds:

* capacity: each client posts its next request as soon as the last is answered: the most cases per
  second the server takes, and the latency when it is saturated (50 ÷ rate, by Little's law);
* at_rate: the clients together post RATE requests a second on a fixed schedule, and latency counts
  from when a request was due, so a server that falls behind cannot hide it: the latency a citizen's
  app sees at that load.

Only requests sent after the warm-up are timed (the first seconds pay for new database connections
and cold caches). Afterwards the number of cases in the database must equal the number of accepted
(201) answers of both runs and the roll-ups' count: nothing lost, nothing counted twice. The last
line is one JSON object. Aim: capacity ≥ 200 cases/s; at 200/s, p95 < 200 ms.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import ROOT, setup_django

SECONDS = float(os.environ.get("SECONDS", "60"))
RATE = float(os.environ.get("RATE", "200"))  # the second run's offered load, cases/s (0: skip it)
WARMUP = float(os.environ.get("WARMUP", "5"))  # load before timing starts: connections, caches, imports
CLIENTS = int(os.environ.get("CLIENTS", "50"))
WORKERS = int(os.environ.get("WORKERS", "2"))
THREADS = int(os.environ.get("THREADS", "4"))
DESCRIPTIONS = [
    "路燈不亮請派員修理",
    "人行道機車違規停放",
    "公園廁所髒亂",
    "路面坑洞積水",
    "垃圾車未依時收運",
]


def prepare() -> tuple[str, int]:
    from django.core.management import call_command

    from servq.agencies import services as agencies
    from servq.cases import services
    from servq.cases.models import CaseCategory
    from servq.cases.services import load_default_categories

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)  # the office calendar's data migration again after the flush
    body = agencies.create_agency(by=None, code="load-city", name="壓力測試市政府", kind="parent_body")
    bureau = agencies.create_agency(by=None, code="load-works", name="工務局", kind="agency", parent=body)
    load_default_categories(by=None, body=body)
    CaseCategory.objects.filter(body=body).update(agency=bureau)
    _client, key = services.create_api_client(by=None, name="壓力測試", body=body)
    return key, body.pk


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "SERVQ_ENV": "production",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SERVQ_SITE_URL": f"http://127.0.0.1:{port}",
        # Plain HTTP on 127.0.0.1, as behind a proxy that ends TLS: no redirect to https.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "LOG_LEVEL": "WARNING",
    }
    # The repository's gunicorn.conf.py, as in production; only the process and thread counts are set.
    env |= {"BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(WORKERS), "GUNICORN_THREADS": str(THREADS)}
    command = [str(ROOT / ".venv/bin/gunicorn"), "servq.wsgi"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not start")


async def load(url: str, key: str, rate: float) -> dict[str, Any]:
    """CLIENTS clients post for WARMUP + SECONDS. With rate 0 each sends its next request as soon as
    the last is answered (the most the server can take); with a rate, the clients together send
    `rate` requests a second on a fixed schedule, and a request's latency runs from the moment it
    was due, so a server that falls behind shows it in the latency instead of slowing the load."""
    import aiohttp

    accepted = refused = 0
    latencies: list[float] = []
    finished: list[float] = []  # when each timed request was answered, for the rate over time
    timed_from = time.perf_counter() + WARMUP
    stop_at = timed_from + SECONDS
    interval = CLIENTS / rate if rate else 0.0

    async def client(number: int, session: aiohttp.ClientSession) -> None:
        nonlocal accepted, refused
        sent = 0
        due = timed_from - WARMUP + interval * number / CLIENTS
        while (now := time.perf_counter()) < stop_at:
            if interval:
                await asyncio.sleep(max(0.0, due - now))
            start = due if interval else time.perf_counter()
            due += interval
            body = {
                "api_key": key,
                "service_code": "repair",
                "description": f"{DESCRIPTIONS[sent % len(DESCRIPTIONS)]}（{number}-{sent}）",
                "lat": "22.6273",
                "long": "120.3014",
                **({"email": f"c{number}@example.tw"} if os.environ.get("EMAILS", "1") == "1" else {}),
            }
            sent += 1
            try:
                async with session.post(url, json=body) as response:
                    await response.read()
                    if response.status == 201:
                        accepted += 1
                        if start >= timed_from:
                            latencies.append(time.perf_counter() - start)
                            finished.append(time.perf_counter() - timed_from)
                    else:
                        refused += 1
                        if refused == 1:  # say why once: a bench that refuses everything measures nothing
                            print(f"refused: HTTP {response.status} {(await response.text())[:300]}")
            except aiohttp.ClientError as error:
                refused += 1
                if refused == 1:
                    print(f"refused: {error!r}")

    # A new connection per request, as separate citizens and apps make: kept-alive connections would
    # all stick to the first gunicorn worker that accepted them.
    connector = aiohttp.TCPConnector(limit=CLIENTS, force_close=True)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:
        await asyncio.gather(*(client(n, session) for n in range(CLIENTS)))
    latencies.sort()
    return {
        "offered_per_second": rate or "as fast as answered",
        "accepted": accepted,
        "refused": refused,
        "timed": len(latencies),
        "cases_per_second": round(len(latencies) / SECONDS, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1) if latencies else None,
        "p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))] * 1000, 1) if latencies else None,
        "cases_per_second_by_10s": per_window(finished, 10),
    }


def per_window(finished: list[float], window: int) -> list[float]:
    """Timed cases answered per second in each window of the run: a rate that falls shows a slowdown."""
    counts = [0] * max(1, int(SECONDS // window))
    for at in finished:
        counts[min(int(at // window), len(counts) - 1)] += 1
    return [round(count / window, 1) for count in counts]


def main() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servq_bench_load")
    vendor = setup_django("load.sqlite3")
    if vendor != "postgresql":
        sys.exit("bench/cases_load.py needs PostgreSQL (set DATABASE_URL)")
    key, body_id = prepare()
    from servq.cases.models import Case, CaseStats

    port = free_port()
    server = start_server(port)
    url = f"http://127.0.0.1:{port}/open311/v2/requests.json"
    figures: dict[str, Any] = {"database": vendor, "clients": CLIENTS, "workers": WORKERS, "threads": THREADS}
    accepted = 0
    try:
        for name, rate in (("capacity", 0.0), ("at_rate", RATE)):
            if name == "at_rate" and not RATE:
                continue
            run = asyncio.run(load(url, key, rate))
            accepted += run["accepted"]
            figures[name] = run
            print(
                f"{name}: {CLIENTS} clients, {WARMUP:.0f} s warm-up + {SECONDS:.0f} s timed, offered "
                f"{run['offered_per_second']}: {run['cases_per_second']} cases/s answered, {run['refused']} refused, "
                f"p50 {run['p50_ms']} ms, p95 {run['p95_ms']} ms, p99 {run['p99_ms']} ms; "
                f"cases/s in each 10 s {run['cases_per_second_by_10s']}"
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    stored = Case.objects.filter(body_id=body_id).count()
    counted = sum(CaseStats.objects.values_list("received", flat=True))
    figures |= {"accepted": accepted, "cases_stored": stored, "cases_counted_in_rollups": counted}
    print(
        f"{accepted:,} accepted in all, {stored:,} cases stored, {counted:,} counted in the roll-ups "
        f"({'equal' if stored == accepted == counted else 'MISMATCH'}). Aim: capacity ≥ 200 cases/s; "
        f"at {RATE:.0f}/s, p95 < 200 ms"
    )
    print(json.dumps(figures, ensure_ascii=False))
    # A run that stored nothing, or lost or doubled a case, measured nothing: fail it.
    if not accepted or not stored == accepted == counted:
        sys.exit("the intake accepted no case, or stored and counted them differently")


if __name__ == "__main__":
    main()
