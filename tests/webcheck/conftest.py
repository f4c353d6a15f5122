"""Test sites served on 127.0.0.1 by aiohttp: each test builds the pages it needs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import pytest
from aiohttp import web

from servq.webcheck.crawler import Limits, Options, check_site

Handler = Callable[[web.Request], web.StreamResponse]


def html(body: str, status: int = 200) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(
            text=f"<!doctype html><html><body>\n{body}\n</body></html>",
            status=status,
            content_type="text/html",
        )

    return handler


def status(code: int, **headers: str) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(status=code, headers=headers)

    return handler


@contextlib.asynccontextmanager
async def site(routes: dict[str, Handler], host: str = "127.0.0.1"):
    app = web.Application()
    for path, handler in routes.items():
        app.router.add_route("*", path, handler)
    runner = web.AppRunner(app)
    await runner.setup()
    server = web.TCPSite(runner, host, 0)
    await server.start()
    port = server._server.sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


def options(**overrides) -> Options:
    limits = Limits(
        timeout=overrides.pop("timeout", 5.0),
        retries=overrides.pop("retries", 1),
        allow_private=overrides.pop("allow_private", False),
        max_page_bytes=overrides.pop("max_page_bytes", 5 * 1024 * 1024),
    )
    return Options(limits=limits, max_seconds=overrides.pop("max_seconds", 30.0), **overrides)


def run_async(coroutine):
    """Run a coroutine to the end in a thread of its own: the browser tests' Playwright keeps an event
    loop running in the main thread, where asyncio.run() is refused."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def run_check(routes: dict[str, Handler], start: str = "/", **option_overrides):
    async def scenario():
        async with site(routes) as base:
            report = await check_site([base + start], options(**option_overrides))
            return base, report

    return run_async(scenario())


@pytest.fixture
def check():
    return run_check


@contextlib.contextmanager
def threaded_site(routes: dict[str, Handler], host: str = "127.0.0.1"):
    """A test site served from a thread of its own, for synchronous code (services, tasks) to check."""
    import threading

    loop = asyncio.new_event_loop()
    ready: dict[str, str] = {}
    started = threading.Event()
    stop = asyncio.Event()

    async def serve():
        async with site(routes, host=host) as base:
            ready["base"] = base
            started.set()
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    started.wait(10)
    try:
        yield ready["base"]
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
        loop.close()
