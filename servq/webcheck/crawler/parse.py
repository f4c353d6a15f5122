"""Links and anchors out of an HTML page, with a compiled parser (selectolax/lexbor), and their lines."""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
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
    # A resource the page loads (image, script, style, frame), not a link a person follows.
    resource: bool = False


@dataclass
class Page:
    links: list[Link]
    ids: set[str]
    # Links people cannot use with a screen reader: (rule, line, the link's URL).
    link_issues: list[tuple[str, int, str]] | None = None
    # A 「soft 404」: the title or first heading says the page was not found.
    not_found: bool = False


# Link texts that say nothing without the words around them (WCAG 2.4.4).
VAGUE_LINK_TEXTS = frozenset(
    [
        "請點此",
        "點此",
        "點這裡",
        "請按此",
        "按此",
        "按這裡",
        "這裡",
        "此處",
        "更多",
        "詳全文",
        "詳細內容",
        "閱讀更多",
        "了解更多",
        "more",
        "read more",
        "click here",
        "here",
        "link",
        "詳見",
        "下載",
    ]
)
LINK_RULES = {
    "servq-link-name": ("A", "連結沒有可讀出的名稱（沒有文字、替代文字或 aria-label）"),
    "servq-image-link-alt": ("A", "以圖片為連結，但圖片沒有替代文字"),
    "servq-vague-link-text": ("A", "連結文字（如「請點此」「詳全文」）沒有上下文，無法得知去處"),
}


def link_issues(tree: LexborHTMLParser, line_of: Callable[[str], int]) -> list[tuple[str, int, str]]:
    """Links a screen reader cannot name, images as links without alt text, and texts that say
    nothing (「請點此」) with no words around them to say where they go."""
    issues = []
    for node in tree.css("a[href]"):
        text = " ".join((node.text(deep=True) or "").split())
        if text and text.lower() not in VAGUE_LINK_TEXTS:
            continue  # the common case, decided before any attribute is read
        attributes = node.attributes
        href = (attributes.get("href") or "").strip()
        label = (attributes.get("aria-label") or attributes.get("title") or "").strip()
        if attributes.get("aria-labelledby") or label:
            continue
        images = node.css("img")
        alts = " ".join((img.attributes.get("alt") or "").strip() for img in images).strip()
        rule = None
        if not text and images and not alts:
            rule = "servq-image-link-alt"
        elif not text and not alts:
            rule = "servq-link-name"
        elif (text or alts).lower() in VAGUE_LINK_TEXTS:
            parent = node.parent
            around = " ".join((parent.text(deep=True) or "").split()) if parent is not None else ""
            if len(around.replace(text, "", 1).strip()) < 4:
                rule = "servq-vague-link-text"
        if rule:
            issues.append((rule, line_of(href) if href else 0, href))
    return issues


# url(...) and @import in CSS; comments removed first so a commented-out rule is no link.
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""", re.I)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def css_links(css: str, base_url: str) -> list[Link]:
    """The links a stylesheet (or a <style> block, a style= attribute) holds, each with its line."""
    blanked = CSS_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), css)
    links = []
    for match in CSS_URL.finditer(blanked):
        raw = (match.group(2) or match.group(4) or "").strip()
        if not raw or raw.lower().startswith(SKIPPED_SCHEMES) or raw.startswith("#"):
            continue
        links.append(Link(url=urljoin(base_url, raw), line=blanked.count("\n", 0, match.start()) + 1))
    return links


def srcset_urls(value: str) -> list[str]:
    """「a.jpg 1x, b.jpg 2x」 → [a.jpg, b.jpg]."""
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def line_finder(html: str) -> Callable[[str], int]:
    """A function giving the line of an attribute value, searching forward so repeats get later lines.
    Lines are counted by str.count between successive finds (C speed, the page read once), not by
    indexing every character of a page up front (which took a third of the checker's CPU)."""
    cursor = 0
    counted_to, line = 0, 1

    def line_of(value: str) -> int:
        nonlocal cursor, counted_to, line
        position = html.find(value, cursor)
        if position < 0:
            position = html.find(value)
        if position < 0:
            return 0
        cursor = position + 1
        if position < counted_to:  # a value found again earlier in the page: count from the top
            counted_to, line = 0, 1
        line += html.count("\n", counted_to, position)
        counted_to = position
        return line

    return line_of


# An attribute that holds a link, as the page's source writes it: its value and where it stands.
LINK_ATTRIBUTE_VALUE = re.compile(
    r"""\b(?:href|src|srcset)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I
)


# The same, written in lower case as nearly every page does: each starts with a literal, which the
# regular-expression engine finds ten times faster than a case-blind alternation.
_VALUE = r"""\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"""
_HREF = re.compile(r"href" + _VALUE)
_SRC = re.compile(r"src(?:set)?" + _VALUE)


def _link_attributes(html: str) -> Iterator[re.Match[str]]:
    """Every link attribute of the page in document order."""
    if "HREF" in html or "Href" in html or "SRC" in html or "Src" in html:
        return LINK_ATTRIBUTE_VALUE.finditer(html)
    return heapq.merge(_HREF.finditer(html), _SRC.finditer(html), key=lambda match: match.start())


class AttributeIndex:
    """Where each link attribute value stands in a page, from one regex pass (searching the page
    for each value was half the checker's CPU on large pages, and never found a value the page
    writes with entities)."""

    def __init__(self, html: str) -> None:
        # Each value's lines, counted between successive matches (str.count: the page read once,
        # at C speed; a list of every newline's position cost a quarter of a page's parse).
        self.at: dict[str, list[int]] = {}
        line, counted_to = 1, 0
        for match in _link_attributes(html):
            position = match.start()
            line += html.count("\n", counted_to, position)
            counted_to = position
            value = match.group(1) or match.group(2) or match.group(3) or ""
            if "&" in value:
                value = unescape(value)
            self.at.setdefault(value.strip(), []).append(line)

    def finder(self) -> Callable[[str], int]:
        """The line of each value asked for, in document order for values that repeat."""
        at = self.at
        taken: dict[str, int] = {}

        def line_of(value: str) -> int:
            lines = at.get(value)
            if not lines:
                for candidate, places in at.items():  # a srcset entry: part of an attribute's value
                    if value in candidate:
                        lines = places
                        break
                else:
                    return 0
            index = taken.get(value, 0)
            taken[value] = index + 1
            return lines[min(index, len(lines) - 1)]

        return line_of


def absolute(base: str, raw: str) -> str:
    """urljoin, with the common cases (an absolute URL, a root-relative path) resolved without it,
    and a relative one cached by the base's directory with its fragment set aside: a template's
    menu repeats the same few hundred links on every page of a directory, with many anchors."""
    if raw.startswith(("http://", "https://")) and "/." not in raw and "\\" not in raw:
        return raw
    if raw.startswith("/") and not raw.startswith("//") and "/." not in raw and "\\" not in raw:
        origin = _origin(base)
        if origin:
            return origin + raw
    if raw and raw[0] not in "?#" and "?" not in base and "#" not in base and base.count("/") >= 3:
        path, _, fragment = raw.partition("#")
        joined = _joined(base[: base.rfind("/") + 1], path)
        return f"{joined}#{fragment}" if fragment else joined
    return urljoin(base, raw)


@lru_cache(maxsize=4096)
def _origin(base: str) -> str:
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


@lru_cache(maxsize=65536)
def _joined(directory: str, raw: str) -> str:
    return urljoin(directory, raw)


def parse_page(html: str, page_url: str) -> Page:
    tree = LexborHTMLParser(html)
    base = page_url
    base_node = tree.css_first("base[href]")
    base_href = (base_node.attributes.get("href") or "").strip() if base_node is not None else ""
    if base_href:
        base = urljoin(page_url, base_href)
    index = AttributeIndex(html)
    line_of = index.finder()
    text_line = line_finder(html)  # for CSS in <style> blocks and style= attributes
    found: list[tuple[str, int, bool]] = []
    for selector, attribute in LINK_ATTRIBUTES:
        for node in tree.css(selector):
            value = (node.attributes.get(attribute) or "").strip()
            if not value:
                continue
            resource = not selector.startswith(("a[", "area[")) and not (
                selector.startswith("link[")
                and "stylesheet" not in (node.attributes.get("rel") or "").lower()
            )
            values = srcset_urls(value) if attribute == "srcset" else [value]
            for raw in values:
                found.append((raw, line_of(raw), resource))
    links = []
    for raw, line, resource in sorted(found, key=lambda triple: triple[1]):
        if raw.lower().startswith(SKIPPED_SCHEMES):
            continue
        links.append(Link(url=absolute(base, raw), line=line, resource=resource))
    for block in tree.css("style"):
        css = block.text() or ""
        offset = text_line(css[:40]) - 1 if css.strip() else 0
        links += [
            Link(url=link.url, line=link.line + max(offset, 0), resource=True)
            for link in css_links(css, base)
        ]
    for node in tree.css("[style]"):
        style = node.attributes.get("style") or ""
        if "url(" in style.lower():
            line = text_line(style)
            links += [Link(url=link.url, line=line, resource=True) for link in css_links(style, base)]
    ids = {node.attributes.get("id") or "" for node in tree.css("[id]")}
    ids |= {node.attributes.get("name") or "" for node in tree.css("a[name]")}
    return Page(
        links=links,
        ids={i for i in ids if i},
        link_issues=link_issues(tree, index.finder()),
        not_found=says_not_found(tree),
    )


# What a site's own not-found page says in its title or first heading, though it answered 200.
NOT_FOUND = re.compile(
    r"找不到(?:網頁|頁面|您要的|此頁|該頁)|查無此頁|頁面不存在|網頁不存在|此頁面已(?:移除|下架)|"
    r"\b404\b|page not found|not found",
    re.I,
)


def says_not_found(tree: LexborHTMLParser) -> bool:
    """A 「soft 404」: the page's title or first heading says it was not found."""
    title = tree.css_first("title")
    heading = tree.css_first("h1")
    words = " ".join(node.text(strip=True) for node in (title, heading) if node is not None)
    return bool(NOT_FOUND.search(words))


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
