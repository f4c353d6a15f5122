"""Shared set-up for benchmarks: Django on a throwaway database unless DATABASE_URL is given."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(default_sqlite_name: str = "bench.sqlite3") -> str:
    """Configure and migrate; returns a description of the database used."""
    sys.path.insert(0, str(ROOT))
    if "DATABASE_URL" not in os.environ:
        tmp = Path(tempfile.mkdtemp(prefix="servq-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / default_sqlite_name}"
    else:
        ensure_postgres_database(os.environ["DATABASE_URL"])
    os.environ.setdefault("SERVQ_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servq.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from django.db import connection

    return connection.vendor


def ensure_postgres_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database when it does not exist yet."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import dj_database_url
    import psycopg
    from psycopg import sql

    cfg = dj_database_url.parse(url)
    with psycopg.connect(
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))


class QueryCounter(list):
    """Django's execute wrapper: notes each statement of a request, then runs it (a page's query count)."""

    def __call__(self, execute, sql, params, many, context):
        self.append(sql)
        return execute(sql, params, many, context)


def bench_body(agencies: int):
    """A body with ``agencies`` agencies below it (bulk-created, paths as the service would write
    them) and its supervisor: the world every page benchmark starts from."""
    from django.contrib.auth import get_user_model

    from servq.agencies import services
    from servq.agencies.models import Agency, Membership

    body = services.create_agency(by=None, code="bench-city", name="效能測試市政府", kind="parent_body")
    members = Agency.objects.bulk_create(
        Agency(
            code=f"bench-{n:03d}",
            name=f"局處{n:03d}",
            kind="agency",
            parent=body,
            path=f"{body.path}bench-{n:03d}/",
            depth=1,
        )
        for n in range(agencies)
    )
    supervisor = get_user_model().objects.create_user("bench-rdec", email="rdec@example.gov.tw")
    Membership.objects.create(user=supervisor, agency=body, role="supervisor")
    return body, members, supervisor


def yardstick() -> float:
    """Seconds this machine takes for a fixed pure-Python loop (ten million additions), printed
    beside a bench's figures: runs on this kind of machine differ by up to twice in speed from one
    day to the next, and the yardstick tells a slow machine from slower code."""
    import time

    started = time.perf_counter()
    total = 0
    for number in range(10_000_000):
        total += number
    return round(time.perf_counter() - started, 2)


def setup_postgres_or_sqlite(database: str, sqlite_name: str) -> str:
    """Django on PostgreSQL's ``database`` (DATABASE_URL wins when set); on a temporary SQLite file,
    said aloud, when PostgreSQL cannot be reached. Returns the vendor measured on."""
    os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{database}")
    try:
        return setup_django(sqlite_name)
    except Exception as error:  # PostgreSQL not reachable: measure on SQLite and say so
        print(f"PostgreSQL unavailable ({error.__class__.__name__}); measuring on SQLite")
        del os.environ["DATABASE_URL"]
        return setup_django(sqlite_name)


def analyze() -> None:
    """Fresh planner statistics, as autovacuum would have them after a bulk load."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
