"""The sizes a benchmark runs at: its real size, or with BENCH_SMOKE=1 (`make bench-smoke`) a small
one, so CI runs every benchmark end to end and none rots. An environment variable of the same name
overrides either."""

from __future__ import annotations

import os

SMOKE = os.environ.get("BENCH_SMOKE") == "1"


def size(name: str, real: int, smoke: int) -> int:
    raw = os.environ.get(name)
    if raw:
        return int(raw)
    return smoke if SMOKE else real


def seconds(name: str, real: float, smoke: float) -> float:
    raw = os.environ.get(name)
    if raw:
        return float(raw)
    return smoke if SMOKE else real
