"""One document fetched whole (a plan file or page a user pasted the address of), under the same
address guard as the crawl: each redirect hop is checked, the connection is made only to a
permitted address, and the body is read up to a cap."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import aiohttp

from servq.core.addresses import AddressPolicy, parse_networks
from servq.core.fetching import Downloaded
from servq.webcheck.crawler.fetch import MAX_REDIRECTS, AddressGuard, GuardedResolver, Limits, ssl_context


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


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # without HOP_HEADERS
    body: bytes  # at most the cap
    cut: bool  # the body went on past the cap


async def _exchange(
    session: aiohttp.ClientSession,
    guard: AddressGuard,
    method: str,
    url: str,
    *,
    headers: dict[str, str],
    body: bytes | None,
    limits: Limits,
    cap: int,
) -> Answer:
    """One request through the guard, redirects not followed; Refused (in English, for the caller to
    word) when the address is refused or unreachable."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise Refused("not an http or https address")
    refusal = await guard.refusal(url)
    if refusal:
        raise Refused(refusal)
    sent = {k: v for k, v in headers.items() if k.lower() not in HOP_HEADERS}
    try:
        async with session.request(method, url, headers=sent, data=body, allow_redirects=False) as response:
            data, cut = await _body(response, cap)  # read up to the cap, whatever length it says
            kept = {k: v for k, v in response.headers.items() if k.lower() not in HOP_HEADERS}
            return Answer(response.status, kept, data, cut)
    except TimeoutError as error:
        raise Refused(f"timeout after {limits.timeout:g} s") from error
    except aiohttp.ClientConnectorDNSError as error:
        reason = str(error.os_error)
        raise Refused(reason if reason.startswith("refused") else "no such host") from error
    except aiohttp.ClientError as error:
        raise Refused(f"{error.__class__.__name__}: {error}"[:200]) from error


async def relay(
    method: str, url: str, headers: dict[str, str], body: bytes | None, limits: Limits, max_bytes: int
) -> Answer:
    """One request made for a browser (the accessibility audit's), redirects left to it: the browser
    never resolves or connects to anything itself, so what it reaches is what the guard let through.
    A body over ``max_bytes`` reaches the browser cut short."""
    guard, session = _guarded_session(limits)
    async with session:
        return await _exchange(
            session, guard, method, url, headers=headers, body=body, limits=limits, cap=max_bytes
        )


async def download(url: str, limits: Limits, max_bytes: int) -> Downloaded:
    """The document at ``url``, following redirects; Refused when the address is refused,
    unreachable, answers an error, or the body is larger than ``max_bytes``."""
    guard, session = _guarded_session(limits)
    async with session:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            answer = await _exchange(
                session,
                guard,
                "GET",
                current,
                headers={"User-Agent": limits.user_agent},
                body=None,
                limits=limits,
                cap=max_bytes,
            )
            location = answer.headers.get("Location")
            if answer.status in (301, 302, 303, 307, 308) and location:
                current = urljoin(current, location)
                continue
            if answer.status >= 400:
                raise Refused(f"HTTP {answer.status}")
            if answer.cut:
                raise Refused(f"larger than {max_bytes} bytes")
            content_type = answer.headers.get("Content-Type", "")
            return Downloaded(current, file_name(current, content_type), content_type, answer.body)
        raise Refused(f"more than {MAX_REDIRECTS} redirects")


TYPES = {"text/html": ".html", "application/pdf": ".pdf", "text/plain": ".txt"}


def file_name(url: str, content_type: str) -> str:
    """A name for the document: the address's last part when it names a file, else by its type."""
    last = PurePosixPath(unquote(urlsplit(url).path)).name
    if PurePosixPath(last).suffix:
        return last[:150]
    media = content_type.split(";")[0].strip().lower()
    return f"{last or 'page'}{TYPES.get(media, '.html')}"[:150]


async def _body(response: aiohttp.ClientResponse, cap: int) -> tuple[bytes, bool]:
    """At most ``cap`` bytes of the body, and whether there was more."""
    chunks, size = [], 0
    async for chunk in response.content.iter_chunked(65536):
        chunks.append(chunk)
        size += len(chunk)
        if size > cap:
            return b"".join(chunks)[:cap], True
    return b"".join(chunks), False
