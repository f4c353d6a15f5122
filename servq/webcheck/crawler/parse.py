"""Links and anchors out of an HTML page, with a compiled parser (selectolax/lexbor), and their lines."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

# (selector, attribute) pairs whose values are links servq checks.
LINK_ATTRIBUTES = (
    ("a[href]", "href"),
    ("area[href]", "href"),
    ("link[href]", "href"),
    ("img[src]", "src"),
    ("script[src]", "src"),
    ("iframe[src]", "src"),
    ("source[src]", "src"),
    ("video[src]", "src"),
    ("audio[src]", "src"),
    ("img[srcset]", "srcset"),
    ("source[srcset]", "srcset"),
)
SKIPPED_SCHEMES = ("javascript:", "data:", "about:", "blob:")
MAILTO = re.compile(r"^mailto:([^@\s?]+@[^@\s?]+\.[^@\s?]+)(\?.*)?$", re.I)
TEL = re.compile(r"^tel:\+?[0-9()\-.\s#*,;pw]{3,32}$", re.I)


@dataclass(frozen=True)
class Link:
    url: str  # absolute, with its fragment
    line: int


@dataclass
class Page:
    links: list[Link]
    ids: set[str]


def srcset_urls(value: str) -> list[str]:
    """「a.jpg 1x, b.jpg 2x」 → [a.jpg, b.jpg]."""
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def line_finder(html: str) -> Callable[[str], int]:
    """A function giving the line of an attribute value, searching forward so repeats get later lines."""
    newlines = [i for i, ch in enumerate(html) if ch == "\n"]
    cursor = 0

    def line_of(value: str) -> int:
        nonlocal cursor
        position = html.find(value, cursor)
        if position < 0:
            position = html.find(value)
        if position < 0:
            return 0
        cursor = position + 1
        return 1 + bisect_left(newlines, position)

    return line_of


def parse_page(html: str, page_url: str) -> Page:
    tree = LexborHTMLParser(html)
    base = page_url
    base_node = tree.css_first("base[href]")
    base_href = (base_node.attributes.get("href") or "").strip() if base_node is not None else ""
    if base_href:
        base = urljoin(page_url, base_href)
    line_of = line_finder(html)
    found: list[tuple[str, int]] = []
    for selector, attribute in LINK_ATTRIBUTES:
        for node in tree.css(selector):
            value = (node.attributes.get(attribute) or "").strip()
            if not value:
                continue
            values = srcset_urls(value) if attribute == "srcset" else [value]
            for raw in values:
                found.append((raw, line_of(raw)))
    links = []
    for raw, line in sorted(found, key=lambda pair: pair[1]):
        if raw.lower().startswith(SKIPPED_SCHEMES):
            continue
        links.append(Link(url=urljoin(base, raw), line=line))
    ids = {node.attributes.get("id") or "" for node in tree.css("[id]")}
    ids |= {node.attributes.get("name") or "" for node in tree.css("a[name]")}
    return Page(links=links, ids={i for i in ids if i})


def without_fragment(url: str) -> tuple[str, str]:
    target, fragment = urldefrag(url)
    return target, fragment


def scheme_of(url: str) -> str:
    return urlsplit(url).scheme.lower()


def syntax_error(url: str) -> str | None:
    """mailto: and tel: links are checked for their form only; None when fine."""
    scheme = scheme_of(url)
    if scheme == "mailto" and not MAILTO.match(url):
        return "malformed mailto: address"
    if scheme == "tel" and not TEL.match(url):
        return "malformed tel: number"
    return None
