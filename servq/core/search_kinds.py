"""The kinds of document the platform search indexes, registered by the apps that own them (as
measures are): each says how to read its documents by id, and which ids exist. The owning services
announce ``changes.announce("search.documents", kind=…, keys=[…])`` in their transaction; the search
app, which registered a listener, rewrites those documents' entries there and then. So no app
imports search, and search imports no app it indexes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models.signals import post_delete, post_save

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


class Place(NamedTuple):
    """Where a document sits: its agency's (or unit's) materialised path, and whether it is a unit."""

    path: str
    unit: bool


@dataclass(frozen=True)
class Kind:
    key: str  # "services.service"
    label: Any  # lazily translated
    classification: str  # TOPIC, POLICY or SERVICE
    read: Callable[[list[str]], list[Document]]  # the documents of these keys that still exist
    every_key: Callable[[], Iterable[Any]]  # ids, or keys as strings
    # Who may read a document that is not public, by the grants and the document's place: the same
    # pure rule the kind's object permission asks (never a second copy of it). None: anyone whose
    # agency reach holds the place (a plan's draft, as plans_visible_to).
    may_read: Callable[[Sequence[Any], Place], bool] | None = None


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _KINDS[kind.key] = kind
    return kind


def kinds() -> dict[str, Kind]:
    return dict(_KINDS)


def changed(kind: str, keys: Iterable[Any]) -> None:
    """Say, inside the write's transaction, that these documents changed (or were deleted)."""
    changes.announce("search.documents", kind=kind, keys=[str(k) for k in keys])


def follow(model: type[Any], kind: str, *, deletes: bool = True, when: Callable[[Any], bool] = bool) -> None:
    """Announce a kind's document whenever an instance of ``model`` is saved (or deleted) one by one;
    ``when`` may spare saves that cannot change it (a case saved before it has a reply)."""

    def saved(sender: Any, instance: Any, **kwargs: Any) -> None:
        if when(instance):
            changed(kind, [instance.pk])

    def deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
        changed(kind, [instance.pk])

    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"search:{kind}:saved")
    if deletes:
        post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"search:{kind}:deleted")
