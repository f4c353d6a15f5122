"""`python -m servq.core.dbcheck URL`: exit 0 when the database at URL answers, 1 when it does not."""

from __future__ import annotations

import sys

import dj_database_url
import psycopg


def reachable(url: str) -> bool:
    cfg = dj_database_url.parse(url)
    try:
        with psycopg.connect(
            host=cfg["HOST"] or None,
            port=cfg["PORT"] or None,
            user=cfg["USER"] or None,
            password=cfg["PASSWORD"] or None,
            dbname=cfg["NAME"],
            connect_timeout=5,
        ):
            return True
    except psycopg.OperationalError as exc:
        print(f"dbcheck: {exc}".strip(), file=sys.stderr)
        return False


if __name__ == "__main__":
    sys.exit(0 if reachable(sys.argv[1]) else 1)
