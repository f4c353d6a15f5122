"""A generated static site for bench/webcheck.py, served on 127.0.0.1 (port printed on the first line).

PAGES pages; each links to 4 other pages and 19 assets of its own, so the site holds about
PAGES × 20 unique links (14,000 for 700 pages). Every 50th asset is missing (404), every 97th answers slowly (0.3 s), every
101st redirects (301) to a page. Deterministic, so every tool sees the same site.
"""

from __future__ import annotations

import asyncio
import sys

from aiohttp import web

PAGES = int(sys.argv[1]) if len(sys.argv) > 1 else 700
ASSETS_PER_PAGE = 19


def asset_kind(page: int, k: int) -> str:
    n = page * ASSETS_PER_PAGE + k
    if n % 50 == 7:
        return "missing"
    if n % 97 == 5:
        return "slow"
    if n % 101 == 3:
        return "redirect"
    return "ok"


def page_html(page: int) -> str:
    # page + 1 keeps every page reachable from the first; the others make a tangled graph.
    targets = [(page + 1) % PAGES, (page * 7 + 3) % PAGES, (page + 37) % PAGES, (page * 3 + 11) % PAGES]
    links = [f'<a href="/page/{target}.html">page {target}</a>' for target in targets]
    assets = []
    for k in range(ASSETS_PER_PAGE):
        url = f"/asset/{page}-{k}"
        assets.append(f'<img src="{url}.png" alt="">' if k % 4 == 0 else f'<a href="{url}.pdf">asset {k}</a>')
    body = "\n".join(links + assets)
    return f"<!doctype html><html lang='zh-Hant'><head><title>第{page}頁</title></head><body>\n{body}\n</body></html>"


async def page(request: web.Request) -> web.StreamResponse:
    number = int(request.match_info["n"])
    if number >= PAGES:
        raise web.HTTPNotFound()
    return web.Response(text=page_html(number), content_type="text/html")


async def asset(request: web.Request) -> web.StreamResponse:
    page_number, k = (int(x) for x in request.match_info["id"].split("-"))
    kind = asset_kind(page_number, k)
    if kind == "missing":
        raise web.HTTPNotFound()
    if kind == "slow":
        await asyncio.sleep(0.3)
    if kind == "redirect":
        raise web.HTTPMovedPermanently(location=f"/page/{page_number}.html")
    return web.Response(body=b"asset", content_type="application/octet-stream")


async def index(request: web.Request) -> web.StreamResponse:
    return web.HTTPFound("/page/0.html")


async def main() -> None:
    app = web.Application()
    app.router.add_get("/", index)
    app.router.add_get("/page/{n:\\d+}.html", page)
    app.router.add_get("/asset/{id}.{ext}", asset)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    print(site._server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
