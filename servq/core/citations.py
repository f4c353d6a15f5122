"""What a reply to a citizen may cite (a FAQ entry today): a registry like the measures', so the
case module offers citations without depending on the modules that keep them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Citation:
    key: str  # "faq:12": unique across sources
    title: str
    text: str
    url: str  # a path on this site


_SOURCES: dict[str, Callable[[str], list[Citation]]] = {}


def source(name: str) -> Callable[[Callable[[str], list[Citation]]], Callable[[str], list[Citation]]]:
    """Register ``find(agency_path)``: the public texts an agency's replies may cite."""

    def register(find: Callable[[str], list[Citation]]) -> Callable[[str], list[Citation]]:
        _SOURCES[name] = find
        return find

    return register


def available(agency_path: str) -> list[Citation]:
    return [c for find in _SOURCES.values() for c in find(agency_path)]


def resolve(key: str, agency_path: str) -> Citation | None:
    """The citation by its key, only if the agency may cite it (else None)."""
    return next((c for c in available(agency_path) if c.key == key), None)


def quoted(citation: Citation, site: str) -> str:
    """How a cited text ends a reply: its title, its text and where to read it."""
    return f"參考常見問題：{citation.title}\n{citation.text}\n{site.rstrip('/')}{citation.url}"
