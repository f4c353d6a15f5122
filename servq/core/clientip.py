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
    header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    # Every entry keeps its place, parsable or not: dropping one a proxy wrote as ip:port shifted
    # the count by one, and the client's own entry became "the client".
    chain = [_address_of(part) for part in header.split(",") if part.strip()] + [remote]
    if hops:
        chosen = len(chain) - 1 - hops if len(chain) > hops else 0
        return _nearest_address(chain, chosen)
    for index in range(len(chain) - 1, -1, -1):
        address = chain[index]
        if address is None or not any(ipaddress.ip_address(address) in net for net in proxies):
            return _nearest_address(chain, index)
    return _nearest_address(chain, 0)


def _address_of(entry: str) -> str | None:
    """The address in one X-Forwarded-For entry: 1.2.3.4, 1.2.3.4:5678, [2001:db8::1]:443, "…"."""
    text = entry.strip().strip('"')
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    return text if _is_address(text) else None


def _nearest_address(chain: list[str | None], index: int) -> str:
    """The entry at ``index``, or, where it is not an address, the nearest one to its right (written
    by a proxy we trust): never text the client chose."""
    for address in chain[index:]:
        if address is not None:
            return address
    return ""


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
