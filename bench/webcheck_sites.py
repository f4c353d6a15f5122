"""Benchmark many sites in one night (issue 21.6): SITES generated sites of PAGES real-size pages
each (about 60 KB: a menu of 300 links on every page, Chinese text, 40 links out), all linking into
one pool of EXTERNAL outside URLs, crawled together by servq's `check_sites` as the nightly task does.

Run: .venv/bin/python bench/webcheck_sites.py     (SITES=50 PAGES=700 EXTERNAL=2000 by default;
SITES=10 for a quicker run). The sites are 127.0.0.2 … 127.0.0.(SITES+1) on one port, the outside
pool 127.0.1.1; a server process of its own serves them and counts every request to the pool.
Prints wall and CPU seconds and peak memory of the checker's process, pages read, broken links
found against the truth, and the outside fetches against the distinct outside URLs linked (they
must be equal: each checked once for all sites). The last line is JSON.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import measured

SITES = int(os.environ.get("SITES", "50"))
PAGES = int(os.environ.get("PAGES", "700"))
EXTERNAL = int(os.environ.get("EXTERNAL", "2000"))
CONCURRENCY = 64

SERVER = r"""
import sys
from aiohttp import web

SITES, PAGES, EXTERNAL = (int(a) for a in sys.argv[2:5])
TEXT = "本機關為提升服務品質，依據年度實施計畫推動各項便民措施，並定期檢討辦理情形與成效。" * 12
hits = {"total": 0, "paths": set()}


def page(site, n):
    menu = "".join(f'<li><a href="/p/{(n + k * 3 + 1) % PAGES}.html">第{(n + k * 3 + 1) % PAGES}頁</a></li>' for k in range(300))
    out = "".join(
        f'<a href="http://127.0.1.1:{PORT}/x/{(site * 131 + n * 17 + k * 53) % EXTERNAL}.html">外部{k}</a> '
        for k in range(40)
    )
    broken = f'<img src="/img/{n}.png" alt="圖{n}">' if n % 25 == 3 else ""
    body = "".join(f"<p>{TEXT}</p>" for _ in range(12))
    return (f"<!doctype html><html lang=zh-Hant><head><title>第{n}頁</title></head><body>"
            f"<nav><ul>{menu}</ul></nav><main>{body}{broken}{out}</main></body></html>")


async def handle(request):
    host = request.host.split(":")[0]
    if host == "127.0.1.1":
        if request.path == "/_hits":
            return web.json_response({"total": hits["total"], "distinct": len(hits["paths"])})
        hits["total"] += 1
        hits["paths"].add(request.path)
        n = int(request.path.rsplit("/", 1)[-1].split(".")[0])
        return web.Response(status=404 if n % 100 == 13 else 200, text="x")
    site = int(host.rsplit(".", 1)[-1]) - 2
    path = request.path
    if path.startswith("/p/") or path == "/":
        n = 0 if path == "/" else int(path[3:].split(".")[0])
        return web.Response(text=page(site, n), content_type="text/html")
    if path.startswith("/img/"):
        return web.Response(status=404)
    return web.Response(status=404)

PORT = int(sys.argv[1])
app = web.Application()
app.router.add_route("*", "/{tail:.*}", handle)
web.run_app(app, host="0.0.0.0", port=PORT, print=None, access_log=None)
"""

CHECKER = r"""
import asyncio, json, sys
sys.path.insert(0, ".")
from servq.webcheck.crawler import Limits, Options, check_sites
port, sites = int(sys.argv[1]), int(sys.argv[2])
limits = Limits(timeout=20.0, retries=0, allow_private=True)
jobs = [([f"http://127.0.0.{s + 2}:{port}/"], Options(limits=limits, use_sitemaps=False, respect_robots=False,
         max_pages=100000, max_seconds=3600, concurrency=8)) for s in range(sites)]
reports = asyncio.run(check_sites(jobs, limits=limits, concurrency=64, per_host=8))
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"pages": sum(r.pages for r in reports), "broken": sum(len(r.broken) for r in reports),
                  "broken_outside": len({r.url for rep in reports for r in rep.broken if "127.0.1.1" in r.url}),
                  "peak_kb": peak}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def truth() -> tuple[int, set[int], int]:
    """The images missing on every site, the outside URLs the sites link to, and how many broken
    links the sites' reports hold in all (an outside 404 counts once in each site linking it)."""
    per_site = [
        {(site * 131 + n * 17 + k * 53) % EXTERNAL for n in range(PAGES) for k in range(40)}
        for site in range(SITES)
    ]
    images = SITES * sum(1 for n in range(PAGES) if n % 25 == 3)
    outside = set().union(*per_site)
    return images, outside, images + sum(sum(1 for u in linked if u % 100 == 13) for linked in per_site)


def main() -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port), str(SITES), str(PAGES), str(EXTERNAL)]
    )
    try:
        time.sleep(1.5)
        wall, cpu, _inherited, output = measured([sys.executable, "-c", CHECKER, str(port), str(SITES)])
        found = json.loads(output.strip().splitlines()[-1])
        with urllib.request.urlopen(f"http://127.0.1.1:{port}/_hits") as response:  # the bench's own server
            hits = json.loads(response.read())
    finally:
        server.terminate()
    broken_pages, outside, expected = truth()
    result = {
        "bench": "webcheck_sites",
        "sites": SITES,
        "pages_per_site": PAGES,
        "outside_urls": len(outside),
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "peak_mb": round(found["peak_kb"] / 1024),
        "pages_read": found["pages"],
        "broken_found": found["broken"],
        "broken_expected": expected,
        "outside_fetches": hits["total"],
        "outside_distinct_fetched": hits["distinct"],
    }
    print(
        f"{SITES} sites × {PAGES} pages ({found['pages']} read), {len(outside)} distinct outside URLs: "
        f"{result['wall_s']} s wall, {result['cpu_s']} s CPU, {result['peak_mb']} MB peak"
    )
    print(
        f"outside fetches {hits['total']} for {len(outside)} distinct URLs (each once: {hits['total'] == len(outside)})"
    )
    print(
        f"broken links found {found['broken']} (expected {expected}: {broken_pages} missing images, "
        "the rest outside 404s, each reported by every site linking it)"
    )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
