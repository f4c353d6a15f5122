"""The one permission rule, with no Django: a user acts on their own agency, supervisors on its subtree."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

SUPERVISOR = "supervisor"


class Grant(NamedTuple):
    """One membership reduced to what the rule needs: the agency's path and the role held there."""

    path: str
    role: str


def reaches(grant: Grant, target_path: str) -> bool:
    if grant.path == target_path:
        return True
    return grant.role == SUPERVISOR and target_path.startswith(grant.path)


def may_act_on(grants: Iterable[Grant], target_path: str) -> bool:
    return any(reaches(grant, target_path) for grant in grants)


def reach_prefixes(grants: Iterable[Grant]) -> tuple[set[str], set[str]]:
    """Paths reachable exactly (own agency) and as prefixes (a supervisor's subtree), minimal sets."""
    subtrees = {g.path for g in grants if g.role == SUPERVISOR}
    subtrees = {p for p in subtrees if not any(p != q and p.startswith(q) for q in subtrees)}
    exact = {g.path for g in grants if not any(g.path.startswith(q) for q in subtrees)}
    return exact, subtrees


def child_path(parent_path: str | None, code: str) -> str:
    return f"{parent_path or '/'}{code}/"
