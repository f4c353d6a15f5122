"""DNS rebinding: a name that answered the guard with a public address must not lead aiohttp, a
moment later, to a private one. The lookups are faked; the server the check must not reach is real."""

from __future__ import annotations

import socket

import aiohttp
import pytest
from aiohttp import web
from aiohttp.resolver import ThreadedResolver

from servq.webcheck.crawler.fetch import AddressGuard, GuardedResolver, Limits, fetch
from tests.webcheck.conftest import run_async, site


def answering(address: str):
    async def resolve(self, host, port=0, family=socket.AF_INET):
        return [{"hostname": host, "host": address, "port": port, "family": family, "proto": 0, "flags": 0}]

    return resolve


def test_a_name_that_turns_private_after_the_guard_passed_it_gets_no_connection(monkeypatch):
    hits = []

    async def inside(request):
        hits.append(request.path)
        return web.Response(text="internal")

    async def scenario():
        async with site({"/": inside}) as base:
            port = int(base.rsplit(":", 1)[1])
            guard = AddressGuard(allow_private=False, trusted_hosts=set())
            guard.cache["rebind.example"] = None  # the guard's lookup saw a public address
            monkeypatch.setattr(ThreadedResolver, "resolve", answering("127.0.0.1"))  # aiohttp's sees this
            connector = aiohttp.TCPConnector(resolver=GuardedResolver(guard))
            async with aiohttp.ClientSession(connector=connector) as session:
                return await fetch(
                    session,
                    f"http://rebind.example:{port}/",
                    want_body=True,
                    limits=Limits(retries=0),
                    guard=guard,
                )

    result = run_async(scenario())
    assert result.error == "refused: rebind.example is a private or loopback address (127.0.0.1)"
    assert hits == []


@pytest.mark.parametrize(
    ("address", "trusted", "allow_private", "passes"),
    [
        ("203.0.113.9", set(), False, False),  # TEST-NET-3 is reserved for documentation
        ("8.8.8.8", set(), False, True),
        ("10.0.0.5", set(), False, False),
        ("169.254.169.254", set(), False, False),  # the cloud metadata service
        ("::1", set(), False, False),
        ("fe80::1%1", set(), False, False),
        ("10.0.0.5", {"intranet.example"}, False, True),  # a site registered for its own address
        ("10.0.0.5", set(), True, True),
    ],
)
def test_the_resolver_passes_public_addresses_and_trusted_hosts_only(
    monkeypatch, address, trusted, allow_private, passes
):
    monkeypatch.setattr(ThreadedResolver, "resolve", answering(address))

    async def scenario():
        resolver = GuardedResolver(AddressGuard(allow_private=allow_private, trusted_hosts=trusted))
        return await resolver.resolve("intranet.example", 80)

    if passes:
        assert run_async(scenario())[0]["host"] == address
    else:
        with pytest.raises(OSError, match=r"refused: intranet\.example"):
            run_async(scenario())
