"""What a link check finds, as plain data (no Django)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    """Where a link stands: the page that contains it and the line in that page's HTML."""

    page: str
    line: int


@dataclass
class LinkResult:
    url: str
    status: int | None = None
    error: str | None = None
    redirects: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)

    @property
    def broken(self) -> bool:
        return self.error is not None or (self.status is not None and self.status >= 400)


@dataclass(frozen=True)
class PageFacts:
    """What a page says about its own freshness: the Last-Modified header and a shown 「更新日期」."""

    last_modified: str | None = None
    shown_date: dt.date | None = None


@dataclass
class Report:
    pages: int = 0
    links: int = 0
    seconds: float = 0.0
    results: dict[str, LinkResult] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    page_facts: dict[str, PageFacts] = field(default_factory=dict)

    @property
    def broken(self) -> list[LinkResult]:
        return sorted((r for r in self.results.values() if r.broken), key=lambda r: r.url)

    @property
    def redirected(self) -> list[LinkResult]:
        return sorted((r for r in self.results.values() if r.redirects and not r.broken), key=lambda r: r.url)
