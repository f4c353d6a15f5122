"""Crawl a site from its start pages within its hosts and check every link on it once."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib import robotparser
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from servq.core.addresses import AddressPolicy, parse_networks
from servq.webcheck.crawler.fetch import (
    AddressGuard,
    Fetched,
    GuardedResolver,
    Limits,
    certificate_expiry,
    fetch,
    ssl_context,
)
from servq.webcheck.crawler.model import LinkResult, PageFacts, Report, Source
from servq.webcheck.crawler.parse import (
    css_links,
    parse_page,
    scheme_of,
    syntax_error,
    without_fragment,
)
from servq.webcheck.crawler.sitemaps import read_sitemap
from servq.webcheck.rules import shown_update_date

ROBOTS_CAP = 512 * 1024


@dataclass
class Options:
    concurrency: int = 32
    per_host: int = 8
    delay: float = 0.0
    max_pages: int = 5000
    # A crawler trap (a calendar, ever-new query strings) shows as one path with endless queries.
    max_queries_per_path: int = 50
    max_seconds: float = 600.0
    excludes: list[str] = field(default_factory=list)
    respect_robots: bool = True
    limits: Limits = field(default_factory=Limits)
    # Read /sitemap.xml and the sitemaps robots.txt names for pages no menu links to.
    use_sitemaps: bool = True
    # Places kept per link (the rest counted): a menu's link stands on every page, and a night over
    # 50 sites kept 100 places a link in 700 MB; 20 show where to fix it.
    max_sources_per_link: int = 20
    # The command line trusts the hosts it is pointed at (its user is the operator); the product
    # does not: a registered site gets no exemption from the address policy.
    trust_start_hosts: bool = True


def normalize_url(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


@dataclass
class Shared:
    """What the crawlers of many sites run together share: one session (so one bound on requests in
    flight, and with it on pages in memory), per-host politeness across sites, and one check per
    external URL however many sites link to it (a link to 行政院 from 300 sites is fetched once)."""

    session: aiohttp.ClientSession
    guard: AddressGuard
    # Requests in flight for all sites: taken before a request's clock starts, so waiting for a free
    # connection behind 49 other sites never counts as the host being slow (a timeout).
    slots: asyncio.Semaphore
    host_locks: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    host_last: dict[str, float] = field(default_factory=dict)
    external: dict[str, asyncio.Task[Fetched]] = field(default_factory=dict)
    expiries: dict[str, asyncio.Task[dt.datetime | None]] = field(default_factory=dict)


class Crawler:
    def __init__(
        self, start_urls: list[str], options: Options | None = None, shared: Shared | None = None
    ) -> None:
        self.options = options or Options()
        self.shared = shared
        self.start_urls = [normalize_url(u) for u in start_urls]
        self.hosts = {urlsplit(u).netloc.lower() for u in self.start_urls}
        self.excludes = [re.compile(pattern) for pattern in self.options.excludes]
        self.report = Report()
        self.anchor_refs: dict[tuple[str, str], list[Source]] = {}
        self.ids: dict[str, set[str]] = {}
        self.queued: set[str] = set()
        self.taken: dict[str, tuple[str, str, str]] = {}
        self.robots_txt: dict[str, str | None] = {}
        self.queries_per_path: dict[str, int] = defaultdict(int)
        self.host_locks: dict[str, asyncio.Semaphore] = {}
        self.host_last: dict[str, float] = {}
        self.robots: dict[str, robotparser.RobotFileParser | None] = {}
        self.expiry_asked: dict[str, asyncio.Task[None]] = {}
        self.cap_noted = False
        start_hosts = {urlsplit(u).hostname or "" for u in self.start_urls}
        self.guard = AddressGuard(
            self.options.limits.allow_private,
            start_hosts if self.options.trust_start_hosts else set(),
            AddressPolicy(parse_networks(self.options.limits.allowed_networks)),
        )

    async def run(self) -> Report:
        if self.shared is not None:
            self.guard = self.shared.guard
            self.host_locks, self.host_last = self.shared.host_locks, self.shared.host_last
            return await self.crawl(self.shared.session)
        connector = aiohttp.TCPConnector(
            limit=self.options.concurrency,
            limit_per_host=self.options.per_host,
            ttl_dns_cache=300,
            resolver=GuardedResolver(self.guard),
            ssl=ssl_context(self.options.limits),
        )
        async with aiohttp.ClientSession(connector=connector) as session:
            return await self.crawl(session)

    async def crawl(self, session: aiohttp.ClientSession) -> Report:
        started = time.perf_counter()
        self.session = session
        self.pages: asyncio.Queue[str] = asyncio.Queue()
        self.checks: dict[str, asyncio.Task[Fetched]] = {}
        for url in self.start_urls:
            self.enqueue_page(url)
        if self.options.use_sitemaps:
            await self.read_sitemaps()
        workers = [asyncio.create_task(self.page_worker()) for _ in range(self.options.concurrency)]
        try:
            await asyncio.wait_for(self.pages.join(), timeout=self.options.max_seconds)
        except TimeoutError:
            self.report.notes.append(f"stopped after {self.options.max_seconds:g} s")
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*self.checks.values(), return_exceptions=True)
        await asyncio.gather(*self.expiry_asked.values(), return_exceptions=True)
        self.resolve_anchors()
        self.report.links = len(self.report.results)
        self.report.seconds = round(time.perf_counter() - started, 3)
        return self.report

    # --- pages ---

    def is_internal(self, url: str) -> bool:
        return urlsplit(url).netloc.lower() in self.hosts and scheme_of(url) in ("http", "https")

    def enqueue_page(self, url: str) -> None:
        if url in self.queued:
            return
        parts = urlsplit(url)
        if parts.query:
            self.queries_per_path[parts.path] += 1
            if self.queries_per_path[parts.path] > self.options.max_queries_per_path:
                if self.queries_per_path[parts.path] == self.options.max_queries_per_path + 1:
                    self.report.notes.append(
                        f"crawler trap suspected: more than "
                        f"{self.options.max_queries_per_path} query strings on {parts.path}"
                    )
                return
        self.queued.add(url)
        self.pages.put_nowait(url)

    async def page_worker(self) -> None:
        while True:
            url = await self.pages.get()
            try:
                await self.crawl_page(url)
            except Exception as error:  # one bad page must not end the run
                self.result(url).error = f"check failed: {error.__class__.__name__}"
            finally:
                self.pages.task_done()

    async def crawl_page(self, url: str) -> None:
        if not await self.allowed_by_robots(url):
            return
        # Past the page cap links are still checked, only no longer read for more links.
        within_cap = self.report.pages < self.options.max_pages
        if not within_cap and not self.cap_noted:
            self.cap_noted = True
            self.report.notes.append(
                f"page cap of {self.options.max_pages} reached: further pages checked, not read"
            )
        fetched = await self.check(url, want_body=within_cap)
        if fetched.body is None:
            return
        final = fetched.redirects[-1] if fetched.redirects else url
        if "css" in fetched.content_type.lower():
            # A site's own stylesheet: its url() and @import links, reported with the stylesheet
            # and line (an @import'ed stylesheet is read in turn; one read once, however imported).
            for link in css_links(fetched.body, final):
                self.take_link(link.url, Source(page=url, line=link.line))
            return
        self.report.pages += 1
        page = parse_page(fetched.body, final)
        if page.not_found:
            # A 「soft 404」: the server answered 200 with its not-found page.
            self.result(url).error = "soft 404: the page says it was not found"
        self.settle(self.result(url))
        for rule, line, href in page.link_issues or []:
            self.report.link_issues.setdefault(rule, []).append((url, line, href))
        if final.startswith("https:"):
            for link in page.links:
                if link.resource and link.url.startswith("http:"):
                    self.report.mixed_content.setdefault(link.url, []).append(
                        Source(page=url, line=link.line)
                    )
        self.report.page_facts[url] = PageFacts(fetched.last_modified, shown_update_date(fetched.body))
        self.ids[url] = page.ids
        self.ids[final] = page.ids
        for link in page.links:
            self.take_link(link.url, Source(page=url, line=link.line))

    def take_link(self, raw: str, source: Source) -> None:
        known = self.taken.get(raw)
        if known is None:
            known = self.taken[raw] = self._classify(raw)
        kind, target, fragment = known
        if kind == "excluded":
            return
        if kind in ("syntax", "scheme"):
            result = self.result(raw)
            self.add_source(result, source)
            result.error = target or None
            return
        self.add_source(self.result(target), source)
        if fragment:
            places = self.anchor_refs.setdefault((target, fragment), [])
            if len(places) < self.options.max_sources_per_link:
                places.append(source)
        if kind == "internal":
            self.enqueue_page(target)
        elif target not in self.checks:
            self.checks[target] = asyncio.create_task(self.check_external(target))

    def _classify(self, raw: str) -> tuple[str, str, str]:
        """What a link is, worked out once per distinct URL: a template's menu repeats the same
        links on every page, and parsing them again was a fifth of the checker's CPU."""
        if any(pattern.search(raw) for pattern in self.excludes):
            return "excluded", "", ""
        scheme = scheme_of(raw)
        if scheme in ("mailto", "tel"):
            return "syntax", syntax_error(raw) or "", ""
        if scheme not in ("http", "https"):
            return "scheme", f"unsupported scheme {scheme or '(none)'}:", ""
        target, fragment = without_fragment(raw)
        target = normalize_url(target)
        return ("internal" if self.is_internal(target) else "external"), target, fragment

    # --- checks ---

    def result(self, url: str) -> LinkResult:
        if url not in self.report.results:
            self.report.results[url] = LinkResult(url=url)
        return self.report.results[url]

    async def fetch(self, url: str, *, want_body: bool) -> Fetched:
        host = urlsplit(url).netloc.lower()
        lock = self.host_locks.setdefault(host, asyncio.Semaphore(self.options.per_host))
        async with lock:
            await self.polite_pause(host)
            if self.shared is None:
                return await self._fetch_now(url, want_body)
            async with self.shared.slots:
                return await self._fetch_now(url, want_body)

    async def _fetch_now(self, url: str, want_body: bool) -> Fetched:
        return await fetch(
            self.session, url, want_body=want_body, limits=self.options.limits, guard=self.guard
        )

    async def check_external(self, url: str) -> Fetched:
        """Another site's link: fetched once for every crawler sharing the run."""
        if self.shared is None:
            return await self.check(url, want_body=False)
        task = self.shared.external.get(url)
        if task is None:
            task = self.shared.external[url] = asyncio.create_task(self.fetch(url, want_body=False))
        fetched = self.record(url, await asyncio.shield(task))
        self.settle(self.result(url))
        return fetched

    async def check(self, url: str, *, want_body: bool) -> Fetched:
        fetched = self.record(url, await self.fetch(url, want_body=want_body))
        if not want_body or fetched.body is None:
            self.settle(self.result(url))  # a page read is settled once its soft-404 check is done
        return fetched

    @staticmethod
    def settle(result: LinkResult) -> None:
        """A link found working keeps no places, only their count: the places are what a report
        shows for links to fix, and held for every working link they filled a night's memory."""
        if not result.failed:
            result.more_sources += len(result.sources)
            result.sources = []

    def record(self, url: str, fetched: Fetched) -> Fetched:
        host = urlsplit(url).netloc.lower()
        result = self.result(url)
        result.status, result.error, result.redirects = fetched.status, fetched.error, fetched.redirects
        result.challenge = fetched.challenge
        self.note_certificate(host, fetched)
        return fetched

    def note_certificate(self, host: str, fetched: Fetched) -> None:
        """A host's certificate problem (expired, another name, untrusted), or else its expiry read
        once a host, in the background of the run."""
        if fetched.certificate:
            self.report.certificates.setdefault(host, fetched.certificate)
        elif fetched.url.startswith("https:") and host not in self.expiry_asked:
            self.expiry_asked[host] = asyncio.create_task(self.note_expiry(host, fetched.url))

    async def note_expiry(self, host: str, url: str) -> None:
        if self.shared is None:
            expires = await certificate_expiry(url, self.options.limits, self.guard)
        else:
            task = self.shared.expiries.get(host)
            if task is None:
                task = self.shared.expiries[host] = asyncio.create_task(
                    certificate_expiry(url, self.options.limits, self.guard)
                )
            expires = await asyncio.shield(task)
        if expires is None or host in self.report.certificates:
            return
        days = (expires - dt.datetime.now(dt.UTC)).days
        if days < self.options.limits.certificate_warning_days:
            self.report.certificates[host] = (
                f"certificate expires on {expires.date().isoformat()} ({days} days)"
            )

    async def polite_pause(self, host: str) -> None:
        if self.options.delay <= 0:
            return
        wait = self.host_last.get(host, 0.0) + self.options.delay - time.monotonic()
        self.host_last[host] = time.monotonic() + max(wait, 0.0)
        if wait > 0:
            await asyncio.sleep(wait)

    async def allowed_by_robots(self, url: str) -> bool:
        if not self.options.respect_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.robots:
            self.robots[origin] = None
            text = await self._robots_txt(origin)
            if text is not None:
                rules = robotparser.RobotFileParser()
                rules.parse(text.splitlines())
                self.robots[origin] = rules
        found = self.robots[origin]
        return found is None or found.can_fetch(self.options.limits.user_agent, url)

    async def read_sitemaps(self) -> None:
        """Pages the start hosts' sitemaps list, as extra start points (bounded, see sitemaps.py)."""
        limit = self.options.max_pages
        for origin in sorted({f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in self.start_urls}):
            listed = [
                line.split(":", 1)[1].strip()
                for line in (await self._robots_txt(origin) or "").splitlines()
                if line.lower().startswith("sitemap:")
            ]
            queue = [f"{origin}/sitemap.xml", *listed][:10]
            seen: set[str] = set()
            depth = {url: 0 for url in queue}
            while queue and limit > 0:
                url = queue.pop(0)
                if url in seen:
                    continue
                seen.add(url)
                fetched = await self._raw(url, self.options.limits.max_page_bytes)
                if fetched.status != 200 or fetched.raw is None:
                    continue
                found = read_sitemap(fetched.raw, limit)
                if found.problem:
                    self.report.notes.append(f"sitemap {url} refused: {found.problem}")
                    continue
                for child in found.children:
                    if depth[url] < 2 and child not in depth:
                        depth[child] = depth[url] + 1
                        queue.append(child)
                for page in found.pages:
                    if self.is_internal(page) and limit > 0:
                        self.enqueue_page(normalize_url(page))
                        limit -= 1

    async def _raw(self, url: str, cap: int) -> RawFetched:
        """A file's bytes, at most ``cap``: robots.txt and sitemaps, which `fetch` does not read
        (it reads pages and stylesheets only)."""
        result = RawFetched(url=url)
        if await self.guard.refusal(url):
            return result
        try:
            async with self.session.get(
                url, timeout=aiohttp.ClientTimeout(total=self.options.limits.timeout)
            ) as response:
                result.status = response.status
                result.raw = await response.content.read(cap)
        except (TimeoutError, aiohttp.ClientError):
            pass
        return result

    async def _robots_txt(self, origin: str) -> str | None:
        """The origin's robots.txt, None unless it answered 200; fetched once a run, for both the
        crawl rules and the sitemaps it names."""
        if origin not in self.robots_txt:
            fetched = await self._raw(f"{origin}/robots.txt", ROBOTS_CAP)
            raw = fetched.raw if fetched.status == 200 else None
            self.robots_txt[origin] = None if raw is None else raw.decode("utf-8", errors="replace")
        return self.robots_txt[origin]

    def add_source(self, result: LinkResult, source: Source) -> None:
        """Where a link stands, up to a bound per link (a menu link stands on every page of a site:
        kept whole, the places, not the pages in flight, would fill a night's memory)."""
        settled_fine = result.status is not None and not result.failed
        if not settled_fine and len(result.sources) < self.options.max_sources_per_link:
            result.sources.append(source)
        else:
            result.more_sources += 1

    def resolve_anchors(self) -> None:
        """A #fragment is broken when its page was read and has no element with that id."""
        for (target, fragment), places in self.anchor_refs.items():
            ids = self.ids.get(target)
            if ids is None or fragment in ids or fragment == "top":
                continue
            key = f"{target}#{fragment}"
            result = self.result(key)
            for source in places:
                self.add_source(result, source)
            result.error = f"no element with id {fragment!r} on the page"


@dataclass
class RawFetched:
    url: str
    status: int | None = None
    raw: bytes | None = None


async def check_site(start_urls: list[str], options: Options | None = None) -> Report:
    return await Crawler(start_urls, options).run()


async def check_sites(
    sites: list[tuple[list[str], Options]],
    *,
    limits: Limits,
    concurrency: int = 64,
    per_host: int = 8,
    sites_at_once: int = 8,
) -> list[Report]:
    """Many sites in one run (a supervising body's night), ``sites_at_once`` crawling at a time: each
    its own crawl and report, sharing one session of ``concurrency`` requests, per-host politeness
    and each external URL's check.
    ``limits`` (the address policy, the CA file) hold for all: run sites with different policies
    in separate calls."""
    guard = AddressGuard(limits.allow_private, set(), AddressPolicy(parse_networks(limits.allowed_networks)))
    connector = aiohttp.TCPConnector(
        limit=concurrency,
        limit_per_host=per_host,
        ttl_dns_cache=300,
        resolver=GuardedResolver(guard),
        ssl=ssl_context(limits),
    )
    async with aiohttp.ClientSession(connector=connector) as session:
        shared = Shared(session, guard, asyncio.Semaphore(concurrency))
        # A few sites crawl at a time (their working state, not only their reports, is in memory);
        # the outside links' checks are shared by the whole night all the same.
        gate = asyncio.Semaphore(max(1, sites_at_once))

        async def one(urls: list[str], options: Options) -> Report:
            async with gate:
                return await Crawler(urls, options, shared).run()

        return list(await asyncio.gather(*(one(urls, options) for urls, options in sites)))


async def check_links(urls: list[str], options: Options | None = None) -> dict[str, LinkResult]:
    """Check single URLs the way the crawler checks a link (no crawling): the files other modules
    link to, such as open-data resources kept on an agency's site."""
    options = options or Options()
    guard = AddressGuard(
        options.limits.allow_private, set(), AddressPolicy(parse_networks(options.limits.allowed_networks))
    )
    connector = aiohttp.TCPConnector(
        limit=options.concurrency,
        limit_per_host=options.per_host,
        resolver=GuardedResolver(guard),
        ssl=ssl_context(options.limits),
    )
    results: dict[str, LinkResult] = {}
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(url: str) -> None:
            fetched = await fetch(session, url, want_body=False, limits=options.limits, guard=guard)
            results[url] = LinkResult(
                url=url,
                status=fetched.status,
                error=fetched.error,
                redirects=fetched.redirects,
                challenge=fetched.challenge,
            )

        await asyncio.gather(*(one(url) for url in dict.fromkeys(urls)))
    return results
