"""Sitemaps as extra start points: /sitemap.xml and those robots.txt names, bounded.

A sitemap lists pages no menu links to any more; reading it finds their broken links too. Parsing
is defused (no entity expansion), a gzip sitemap is inflated once and capped, a gzip inside a gzip
is refused, an index is followed two levels deep, and the URLs taken are capped.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

MAX_INFLATED = 10 * 1024 * 1024
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass
class Sitemap:
    pages: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    problem: str | None = None


def inflate(data: bytes) -> bytes | str:
    """The sitemap's bytes, inflated if gzipped; a message for what is refused."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        inflated = decompressor.decompress(data, MAX_INFLATED + 1)
    except zlib.error:
        return "damaged gzip"
    if len(inflated) > MAX_INFLATED:
        return f"more than {MAX_INFLATED} bytes when inflated"
    if inflated.startswith(b"\x1f\x8b"):
        return "a gzip inside a gzip"
    return inflated


def read_sitemap(data: bytes, limit: int) -> Sitemap:
    """The page URLs of a <urlset> (at most ``limit``) or the child sitemaps of a <sitemapindex>."""
    raw = inflate(data)
    if isinstance(raw, str):
        return Sitemap(problem=raw)
    try:
        root = ElementTree.fromstring(raw)
    except (DefusedXmlException, ElementTree.ParseError, ValueError) as error:
        return Sitemap(problem=f"not a sitemap ({error.__class__.__name__})")
    tag = root.tag.removeprefix(NS)
    locs = [(node.text or "").strip() for node in root.iter(f"{NS}loc")] or [
        (node.text or "").strip() for node in root.iter("loc")
    ]
    locs = [loc for loc in locs if loc]
    if tag == "sitemapindex":
        return Sitemap(children=locs[:50])
    return Sitemap(pages=locs[:limit])


__all__ = ["Sitemap", "inflate", "read_sitemap"]
