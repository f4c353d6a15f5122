"""The client's address, as every rate limit and log needs it, behind the proxies the operator trusts.

Behind a TLS proxy, REMOTE_ADDR is the proxy's address for every citizen, and X-Forwarded-For is
whatever the client wrote, followed by what each proxy appended. Only the entries the operator's
own proxies appended can be believed, so the chain is read from the right:

* ``SERVQ_TRUSTED_PROXY_HOPS=N``: N proxies of ours stand in front; the client is the address the
  outermost of them saw (the N-th entry from the right of X-Forwarded-For + REMOTE_ADDR, counting
  REMOTE_ADDR as the 0th).
* ``SERVQ_TRUSTED_PROXIES=cidr,…``: skip, from the right, every address in those networks; the first
  one outside them is the client.

With neither set (the default), X-Forwarded-For is ignored and REMOTE_ADDR is the client: a client
cannot pick its own bucket by writing the header.
"""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

from django.conf import settings

from servq.core.addresses import parse_networks


def client_ip(request: Any) -> str:
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    hops = settings.SERVQ_TRUSTED_PROXY_HOPS
    proxies = _networks(tuple(settings.SERVQ_TRUSTED_PROXIES))
    if not hops and not proxies:
        return remote
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    chain = [address for address in forwarded if _is_address(address)] + [remote]
    if hops:
        return chain[-(hops + 1)] if len(chain) > hops else chain[0]
    for address in reversed(chain):
        if not _is_address(address) or not any(ipaddress.ip_address(address) in net for net in proxies):
            return address
    return chain[0]


@functools.cache
def _networks(ranges: tuple[str, ...]) -> tuple[Any, ...]:
    """Parsed once per configured value: every rate-limited request asks for the client address."""
    return parse_networks(ranges)


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
