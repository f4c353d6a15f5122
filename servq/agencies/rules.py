"""Roles and the agency rule, with no Django: a user acts on their own agency, supervisors on its subtree.

Every app's ``rules.py`` builds its permissions from these pure predicates over a user's grants;
its ``permissions.py`` registers them with django-rules, so services and templates ask
``user.has_perm("cases.handle_case", case)`` (docs/decisions/0008-layers-and-permissions.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import NamedTuple


class Role(StrEnum):
    """The roles a user holds in an agency (DESIGN.md, "Users"); the one definition."""

    SUPERVISOR = "supervisor"
    COORDINATOR = "coordinator"
    UNIT_STAFF = "unit_staff"
    REVIEWER = "reviewer"
    HEAD = "head"


SUPERVISOR = Role.SUPERVISOR


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


def supervises(grants: Iterable[Grant], target_path: str) -> bool:
    """A supervisor of the target agency or of any agency above it."""
    return any(g.role == Role.SUPERVISOR and target_path.startswith(g.path) for g in grants)


def holds(grants: Iterable[Grant], role: Role, target_path: str) -> bool:
    """The role held in exactly that agency."""
    return any(g.role == role and g.path == target_path for g in grants)


def coordinates_or_supervises(grants: Iterable[Grant], target_path: str) -> bool:
    """The agency's coordinator, or a supervisor at or above it: who runs most of an agency's own
    work (its sites, catalogue, surveys, award entries, dataset approvals, participation)."""
    grants = list(grants)
    return holds(grants, Role.COORDINATOR, target_path) or supervises(grants, target_path)


def keeps_content_of(grants: Iterable[Grant], target_path: str) -> bool:
    """An agency's published content (its FAQ, its open data) is kept by its coordinator, the staff
    of its own units (not of units further down: a 分局's section keeps the 分局's content, not the
    ministry's), and the supervisors above it."""
    grants = list(grants)
    return coordinates_or_supervises(grants, target_path) or any(
        g.role == Role.UNIT_STAFF and parent_path(g.path) == target_path for g in grants
    )


# Who may grant what (issue 34.3), the one place it is said: a supervisor grants any role in their
# subtree (a fellow supervisor included: a 研考 office has several); a coordinator grants unit staff
# in the units of their own agency; nobody grants above their own role or outside their reach.
GRANTED_BY_COORDINATORS = frozenset({Role.UNIT_STAFF})
# Roles held at an agency; unit staff are held at a unit (科/課/室) and nowhere else.
AGENCY_ROLES = frozenset({Role.SUPERVISOR, Role.COORDINATOR, Role.HEAD, Role.REVIEWER})


def fits_place(role: Role, is_unit: bool) -> bool:
    """Unit staff belong to a unit; every other role to an agency or the body."""
    return is_unit == (role == Role.UNIT_STAFF)


def may_grant(grants: Iterable[Grant], role: Role, target_path: str, target_is_unit: bool) -> bool:
    """Whether these grants let their holder give ``role`` at the target agency or unit."""
    if not fits_place(role, target_is_unit):
        return False
    grants = list(grants)
    if supervises(grants, target_path):
        return True
    return role in GRANTED_BY_COORDINATORS and any(
        g.role == Role.COORDINATOR and parent_path(target_path) == g.path for g in grants
    )


def in_conflict(ties: Iterable[str], entry_path: str, organizer_path: str) -> bool:
    """Whether someone tied to these agencies (their roles and declared affiliations, as paths) is
    conflicted in reviewing an agency: one of their agencies is that agency, above it or below it.
    The organising body itself is no tie: its own staff review its agencies (003's 初評小組)."""
    return any(
        tie != organizer_path and (entry_path.startswith(tie) or tie.startswith(entry_path)) for tie in ties
    )


SECOND_FACTOR_ROLES = frozenset({Role.SUPERVISOR, Role.COORDINATOR})


def needs_second_factor(grants: Iterable[Grant], strict_bodies: Iterable[str]) -> bool:
    """Whether a body that requires a second factor (its path among ``strict_bodies``) has this
    person as a supervisor or coordinator."""
    strict = list(strict_bodies)
    return any(g.role in SECOND_FACTOR_ROLES and any(g.path.startswith(b) for b in strict) for g in grants)


def holds_anywhere(grants: Iterable[Grant], *roles: Role) -> bool:
    return any(g.role in roles for g in grants)


def parent_path(path: str) -> str | None:
    """The materialised path of the agency above, or None at the root ('/ey/mof/' → '/ey/')."""
    codes = [code for code in path.split("/") if code]
    return "/" + "/".join(codes[:-1]) + "/" if len(codes) > 1 else None


def path_and_ancestors(path: str) -> list[str]:
    """An agency's materialised path and every one above it, root first ('/ey/mof/' → ['/ey/', '/ey/mof/'])."""
    codes = [code for code in path.split("/") if code]
    return ["/" + "/".join(codes[: n + 1]) + "/" for n in range(len(codes))]


def reach_prefixes(grants: Iterable[Grant]) -> tuple[set[str], set[str]]:
    """Paths reachable exactly (own agency) and as prefixes (a supervisor's subtree), minimal sets."""
    subtrees = {g.path for g in grants if g.role == SUPERVISOR}
    subtrees = {p for p in subtrees if not any(p != q and p.startswith(q) for q in subtrees)}
    exact = {g.path for g in grants if not any(g.path.startswith(q) for q in subtrees)}
    return exact, subtrees


def child_path(parent_path: str | None, code: str) -> str:
    return f"{parent_path or '/'}{code}/"
