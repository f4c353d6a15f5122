"""One document fetched whole (a plan file or page a user pasted the address of), under the same
address guard as the crawl: each redirect hop is checked, the connection is made only to a
permitted address, and the body is read up to a cap."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp

from servq.core.addresses import AddressPolicy, parse_networks
from servq.webcheck.crawler.fetch import MAX_REDIRECTS, AddressGuard, GuardedResolver, Limits, ssl_context


@dataclass
class Fetched:
    url: str
    content_type: str
    data: bytes


class Refused(Exception):
    pass


def _guarded_session(limits: Limits) -> tuple[AddressGuard, aiohttp.ClientSession]:
    """A session whose connections go only to addresses the policy permits (checked when the name is
    resolved for the connection itself, so a name cannot turn private after the check)."""
    guard = AddressGuard(limits.allow_private, set(), AddressPolicy(parse_networks(limits.allowed_networks)))
    connector = aiohttp.TCPConnector(resolver=GuardedResolver(guard), ssl=ssl_context(limits))
    return guard, aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=limits.timeout), auto_decompress=True
    )


# Headers that describe one hop, not the content: never passed on either way.
HOP_HEADERS = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "upgrade",
    "te",
    "trailer",
    "host",
    "content-length",
    "content-encoding",
    "accept-encoding",
}


async def relay(
    method: str, url: str, headers: dict[str, str], body: bytes | None, limits: Limits, max_bytes: int
) -> tuple[int, dict[str, str], bytes]:
    """One request made for a browser (the accessibility audit's), redirects left to it: the browser
    never resolves or connects to anything itself, so what it reaches is what the guard let through."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise Refused("not an http or https address")
    guard, session = _guarded_session(limits)
    async with session:
        refusal = await guard.refusal(url)
        if refusal:
            raise Refused(refusal)
        sent = {k: v for k, v in headers.items() if k.lower() not in HOP_HEADERS}
        try:
            async with session.request(
                method, url, headers=sent, data=body, allow_redirects=False
            ) as response:
                data, _ = await _body(response, max_bytes)  # a huge file reaches the browser cut short
                answer = {k: v for k, v in response.headers.items() if k.lower() not in HOP_HEADERS}
                return response.status, answer, data
        except TimeoutError as error:
            raise Refused(f"timeout after {limits.timeout:g} s") from error
        except aiohttp.ClientError as error:
            raise Refused(f"{error.__class__.__name__}: {error}"[:200]) from error


async def download(url: str, limits: Limits, max_bytes: int) -> Fetched:
    """The body at ``url``, following redirects; Refused (in English, for the caller to word) when
    the address is refused, unreachable, answers an error, or the body is larger than ``max_bytes``."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise Refused("not an http or https address")
    guard, session = _guarded_session(limits)
    async with session:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            refusal = await guard.refusal(current)
            if refusal:
                raise Refused(refusal)
            try:
                async with session.get(
                    current, allow_redirects=False, headers={"User-Agent": limits.user_agent}
                ) as response:
                    location = response.headers.get("Location")
                    if response.status in (301, 302, 303, 307, 308) and location:
                        current = urljoin(current, location)
                        continue
                    if response.status >= 400:
                        raise Refused(f"HTTP {response.status}")
                    declared = response.content_length
                    if declared is not None and declared > max_bytes:
                        raise Refused(f"larger than {max_bytes} bytes")
                    data, more = await _body(response, max_bytes)
                    if more:  # a server that did not say its length, or lied
                        raise Refused(f"larger than {max_bytes} bytes")
                    return Fetched(current, response.headers.get("Content-Type", ""), data)
            except TimeoutError as error:
                raise Refused(f"timeout after {limits.timeout:g} s") from error
            except aiohttp.ClientConnectorDNSError as error:
                raise Refused(
                    str(error.os_error) if str(error.os_error).startswith("refused") else "no such host"
                ) from error
            except aiohttp.ClientError as error:
                raise Refused(f"{error.__class__.__name__}: {error}"[:200]) from error
        raise Refused(f"more than {MAX_REDIRECTS} redirects")


async def _body(response: aiohttp.ClientResponse, cap: int) -> tuple[bytes, bool]:
    """At most ``cap`` bytes of the body, and whether there was more."""
    chunks, size = [], 0
    async for chunk in response.content.iter_chunked(65536):
        chunks.append(chunk)
        size += len(chunk)
        if size > cap:
            return b"".join(chunks)[:cap], True
    return b"".join(chunks), False
