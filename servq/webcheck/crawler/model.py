"""What a link check finds, as plain data (no Django)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    """Where a link stands: the page that contains it and the line in that page's HTML."""

    page: str
    line: int


# Answers that say the checker was kept out, not that the link is dead: behind a login (401, 403),
# rate-limited to the end (429). A unit is not told to fix a link that works for people.
KEPT_OUT = {401, 403, 407, 429}


@dataclass
class LinkResult:
    url: str
    status: int | None = None
    error: str | None = None
    redirects: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    more_sources: int = 0  # places past the bound kept in ``sources``
    # The answer was a bot challenge (a 「cf-mitigated」 header): people pass it, the checker cannot.
    challenge: bool = False

    @property
    def failed(self) -> bool:
        return self.error is not None or (self.status is not None and self.status >= 400)

    @property
    def unverified(self) -> bool:
        """Could not be verified: kept out (login, bot challenge, rate limit) or the host too slow."""
        if not self.failed:
            return False
        timed_out = self.error is not None and self.error.startswith("timeout")
        return self.challenge or timed_out or (self.error is None and self.status in KEPT_OUT)

    @property
    def broken(self) -> bool:
        return self.failed and not self.unverified


@dataclass(frozen=True)
class PageFacts:
    """What a page says about its own freshness: the Last-Modified header and a shown 「更新日期」."""

    last_modified: str | None = None
    shown_date: dt.date | None = None


@dataclass(repr=False)  # asyncio formats a finished task's result when it logs: never the whole run
class Report:
    pages: int = 0
    links: int = 0
    seconds: float = 0.0
    results: dict[str, LinkResult] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    page_facts: dict[str, PageFacts] = field(default_factory=dict)
    # http: resources (images, scripts, styles, frames) on https pages: the browser blocks or warns.
    mixed_content: dict[str, list[Source]] = field(default_factory=dict)
    # Links people cannot use with a screen reader, by rule: each (page, line, link).
    link_issues: dict[str, list[tuple[str, int, str]]] = field(default_factory=dict)
    # Hosts whose certificate is wrong or expiring soon, with what is wrong: warnings, not breakage.
    certificates: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Report(pages={self.pages}, links={len(self.results)}, seconds={self.seconds})"

    @property
    def broken(self) -> list[LinkResult]:
        return sorted((r for r in self.results.values() if r.broken), key=lambda r: r.url)

    @property
    def unverified(self) -> list[LinkResult]:
        return sorted((r for r in self.results.values() if r.unverified), key=lambda r: r.url)

    @property
    def redirected(self) -> list[LinkResult]:
        return sorted((r for r in self.results.values() if r.redirects and not r.broken), key=lambda r: r.url)
