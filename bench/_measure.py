"""One run of another program, measured: wall and CPU seconds, peak memory, its standard output."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measured(command: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system), peak RSS in MB and standard output of one run.

    The peak is the child's own VmHWM, sampled while it runs: ru_maxrss of a child started by fork
    and exec still carries the parent's peak (a 27 MB program was reported at 240 MB from a large
    benchmark process)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, cwd=ROOT)
        peak_kb = 0
        while True:
            peak_kb = max(peak_kb, _high_water_kb(process.pid))
            pid, _, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.02)
        wall = time.perf_counter() - start
        process.returncode = 0  # reaped here; keeps Popen from waiting on it again
        out.seek(0)
        return (wall, usage.ru_utime + usage.ru_stime, peak_kb / 1024, out.read().decode("utf-8", "replace"))


def _high_water_kb(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), or 0 once it has exited."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return next((int(line.split()[1]) for line in status if line.startswith("VmHWM")), 0)
    except OSError:
        return 0
