"""One HTTP check with the manners a public site deserves: HEAD first, GET when HEAD is refused,
redirects followed one hop at a time (each hop's address checked), 429 and Retry-After honoured,
time and size caps."""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import ResolveResult
from aiohttp.resolver import ThreadedResolver

from servq.core.addresses import AddressPolicy

HEAD_REFUSED = {400, 403, 405, 501}
MAX_REDIRECTS = 10
MAX_RETRY_AFTER = 30.0


@dataclass
class Limits:
    timeout: float = 15.0
    retries: int = 2
    max_page_bytes: int = 5 * 1024 * 1024
    allow_private: bool = False
    # Networks the operator allows although they are internal (SERVQ_OUTBOUND_ALLOWED_NETWORKS).
    allowed_networks: tuple[str, ...] = ()
    user_agent: str = "servq-webcheck/1.0 (+https://servq.example; link checker for government sites)"
    # Certificate authorities to trust beside the system's (an internal CA; the tests' own).
    ca_file: str = ""
    # A certificate expiring within this many days is a warning.
    certificate_warning_days: int = 30


def ssl_context(limits: Limits) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=limits.ca_file or None)


@dataclass
class Fetched:
    url: str
    status: int | None = None
    error: str | None = None
    redirects: list[str] = field(default_factory=list)
    content_type: str = ""
    body: str | None = None
    last_modified: str | None = None
    challenge: bool = False
    # What is wrong with the host's certificate (expired, another name, untrusted), if anything;
    # the status above is then what the server answered without verifying it.
    certificate: str | None = None


class AddressGuard:
    """Refuses hosts that resolve to internal addresses, unless all are allowed (the CLI's
    --allow-private), the host is trusted (the CLI's own start hosts) or the address lies in a
    network the operator named (the address policy)."""

    def __init__(
        self, allow_private: bool, trusted_hosts: set[str], policy: AddressPolicy | None = None
    ) -> None:
        self.allow_private = allow_private
        self.trusted_hosts = {host.lower() for host in trusted_hosts}
        self.policy = policy or AddressPolicy()
        self.cache: dict[str, str | None] = {}

    def trusts(self, host: str) -> bool:
        return self.allow_private or host.lower() in self.trusted_hosts

    async def refusal(self, url: str) -> str | None:
        host = (urlsplit(url).hostname or "").lower()
        if not host:
            return "malformed URL (no host)"
        if self.trusts(host):
            return None
        if host not in self.cache:
            self.cache[host] = await self._check(host)
        return self.cache[host]

    async def _check(self, host: str) -> str | None:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except socket.gaierror:
            return f"host {host} does not resolve"
        return self.policy.refusal_for_addresses(host, [str(info[4][0]) for info in infos])


class GuardedResolver(ThreadedResolver):
    """aiohttp's own lookup, checked again: the guard's answer names the host, but the connection
    goes to whatever the name resolves to when aiohttp connects. A name that answered the guard with
    a public address and aiohttp with a private one (DNS rebinding) gets no connection."""

    def __init__(self, guard: AddressGuard) -> None:
        super().__init__()
        self.guard = guard

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await super().resolve(host, port, family)
        if self.guard.trusts(host):
            return results
        permitted = [result for result in results if self.guard.policy.permits(result["host"])]
        if not permitted:
            raise OSError(f"refused: {host} is a private or loopback address ({results[0]['host']})")
        return permitted


def retry_after_seconds(value: str | None) -> float:
    if not value:
        return 1.0
    try:
        return min(float(value), MAX_RETRY_AFTER)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return min(max(parsed.timestamp() - time.time(), 0.0), MAX_RETRY_AFTER) if parsed else 1.0


async def fetch(
    session: aiohttp.ClientSession, url: str, *, want_body: bool, limits: Limits, guard: AddressGuard
) -> Fetched:
    """Check one URL; ``want_body`` reads an HTML page (GET) to crawl it."""
    result = Fetched(url=url)
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        refusal = await guard.refusal(current)
        if refusal:
            result.error = refusal
            return result
        response = await _request(session, current, want_body=want_body, limits=limits)
        if isinstance(response, CertificateProblem):
            # People see a warning in their browser: kept as a warning, and the link judged on
            # what the server answers when the certificate is not verified.
            result.certificate = response.reason
            response = await _request(session, current, want_body=want_body, limits=limits, verify=False)
        if isinstance(response, str | CertificateProblem):
            result.error = str(response)
            return result
        status, location, content_type, body, last_modified, challenge = response
        if status in (301, 302, 303, 307, 308) and location:
            current = urljoin(current, location)
            if current in result.redirects or current == url:
                result.error = f"redirect loop at {current}"
                return result
            result.redirects.append(current)
            continue
        result.status, result.content_type, result.body = status, content_type, body
        result.last_modified, result.challenge = last_modified, challenge
        return result
    result.error = f"more than {MAX_REDIRECTS} redirects"
    return result


@dataclass(frozen=True)
class CertificateProblem:
    reason: str

    def __str__(self) -> str:
        return f"certificate: {self.reason}"


Answer = tuple[int, str | None, str, str | None, str | None, bool]


async def certificate_expiry(url: str, limits: Limits, guard: AddressGuard) -> dt.datetime | None:
    """When an https host's (verified) certificate expires: one TLS handshake, nothing sent. Asked
    once a host by the crawler (a HEAD's connection is gone before its answer can be read), under
    the same address policy as every request."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or await guard.refusal(url):
        return None
    try:
        _reader, writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname, parts.port or 443, ssl=ssl_context(limits)),
            limits.timeout,
        )
    except (OSError, TimeoutError, ssl.SSLError):
        return None
    try:
        not_after = (writer.get_extra_info("peercert") or {}).get("notAfter")
    finally:
        writer.close()
    return dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), tz=dt.UTC) if not_after else None


async def _request(
    session: aiohttp.ClientSession, url: str, *, want_body: bool, limits: Limits, verify: bool = True
) -> Answer | CertificateProblem | str:
    methods = ["GET"] if want_body else ["HEAD", "GET"]
    last_error = "no answer"
    for method in methods:
        for attempt in range(limits.retries + 1):
            try:
                async with session.request(
                    method,
                    url,
                    allow_redirects=False,
                    timeout=aiohttp.ClientTimeout(total=limits.timeout),
                    headers={"User-Agent": limits.user_agent},
                    ssl=verify,  # True: the connector's context; False: not verified
                ) as response:
                    if response.status == 429 and attempt < limits.retries:
                        await asyncio.sleep(retry_after_seconds(response.headers.get("Retry-After")))
                        continue
                    if method == "HEAD" and response.status in HEAD_REFUSED:
                        break  # some servers refuse HEAD: ask again with GET
                    content_type = response.headers.get("Content-Type", "")
                    body = None
                    readable = "html" in content_type.lower() or "css" in content_type.lower()
                    if want_body and readable and response.status < 400:
                        body = await _read_capped(response, limits.max_page_bytes)
                    return (
                        response.status,
                        response.headers.get("Location"),
                        content_type,
                        body,
                        response.headers.get("Last-Modified"),
                        "cf-mitigated" in response.headers,
                    )
            except TimeoutError:
                last_error = f"timeout after {limits.timeout:g} s"
            except aiohttp.InvalidURL:
                return "malformed URL"
            except aiohttp.ClientConnectorDNSError as error:
                if str(error.os_error).startswith("refused"):
                    return str(error.os_error)  # GuardedResolver's answer
                return f"host {urlsplit(url).hostname} does not resolve"
            except aiohttp.ClientConnectorCertificateError as error:
                problem = error.certificate_error
                return CertificateProblem(getattr(problem, "verify_message", "") or str(problem))
            except aiohttp.ClientResponseError as error:
                return f"bad response: {error.message}"
            except aiohttp.ClientError as error:
                last_error = f"{error.__class__.__name__}: {error}"[:200]
            if attempt < limits.retries:
                await asyncio.sleep(0.2 * (attempt + 1))
        else:
            return last_error
    return last_error


async def _read_capped(response: aiohttp.ClientResponse, cap: int) -> str:
    """The page's text, at most ``cap`` bytes (a huge page is checked, not swallowed)."""
    chunks, size = [], 0
    async for chunk in response.content.iter_chunked(65536):
        chunks.append(chunk)
        size += len(chunk)
        if size >= cap:
            break
    charset = response.charset or "utf-8"
    return b"".join(chunks)[:cap].decode(charset, errors="replace")
