"""The kinds of document the platform search indexes, registered by the apps that own them (as
measures are): each says how to read its documents by id, and which ids exist. The owning services
announce ``changes.announce("search.documents", kind=…, keys=[…])`` in their transaction; the search
app, which registered a listener, rewrites those documents' entries there and then. So no app
imports search, and search imports no app it indexes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from servq.core import changes

# The three ways citizens look for things (003: 「至少提供主題、施政與服務等3種分類檢索」).
TOPIC, POLICY, SERVICE = "主題", "施政", "服務"


@dataclass(frozen=True)
class Document:
    key: str  # the object's id within its kind
    title: str
    text: str
    url: str
    agency_path: str  # whose it is: staff see it within their reach
    public: bool  # anyone may see it
    year: int | None = None
    topic: str = ""  # 主題 / 施政 / 服務


@dataclass(frozen=True)
class Kind:
    key: str  # "services.service"
    label: Any  # lazily translated
    classification: str  # TOPIC, POLICY or SERVICE
    read: Callable[[list[str]], list[Document]]  # the documents of these keys that still exist
    every_key: Callable[[], Iterable[Any]]  # ids, or keys as strings


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _KINDS[kind.key] = kind
    return kind


def kinds() -> dict[str, Kind]:
    return dict(_KINDS)


def changed(kind: str, keys: Iterable[Any]) -> None:
    """Say, inside the write's transaction, that these documents changed (or were deleted)."""
    changes.announce("search.documents", kind=kind, keys=[str(k) for k in keys])
