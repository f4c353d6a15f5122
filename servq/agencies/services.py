"""Every write to agencies and memberships: atomic, audited, keyword-only, with the acting user as ``by``."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from servq.agencies.models import Agency, AgencyKind, AgencyLevel, Membership, Role
from servq.agencies.rules import child_path
from servq.agencies.selectors import body_of, forget_grants
from servq.core import audit
from servq.core.actors import Actor
from servq.core.errors import ServiceError


class AgencyError(ServiceError):
    """An agency or membership write refused for a reason the user can act on."""


@transaction.atomic
def create_agency(
    *,
    by: Actor,
    code: str,
    name: str,
    kind: str,
    parent: Agency | None = None,
    name_en: str = "",
    position: int = 0,
    level: str = "",
) -> Agency:
    """``level`` names the agency's level as its body calls it (「一級機關」, 「稽徵所」); a name the
    body has not used yet becomes one of its levels, ranked by where the agency sits."""
    depth = (parent.depth + 1) if parent else 0
    agency = Agency(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        level=_level_named(by=by, parent=parent, name=level, rank=depth) if level else None,
        name_en=name_en,
        position=position,
        path=child_path(parent.path if parent else None, code),
        depth=depth,
    )
    agency.full_clean(exclude=["path"])
    agency.save()
    audit.record(by=by, action="agency.create", obj=agency, agency=agency, after=audit.snapshot(agency))
    return agency


def _level_named(*, by: Actor, parent: Agency | None, name: str, rank: int) -> AgencyLevel:
    AgencyError.require(parent is not None, "上級機關本身沒有層級。", "level")
    assert parent is not None  # for the type checker: required just above
    body = body_of(parent)
    level, created = AgencyLevel.objects.get_or_create(
        body=body, name=name.strip()[:40], defaults={"rank": max(rank, 1)}
    )
    if created:
        audit.record(by=by, action="level.create", obj=level, agency=body, after={"name": level.name})
    return level


@transaction.atomic
def define_level(*, by: Actor, body: Agency, name: str, rank: int) -> AgencyLevel:
    """Add or re-rank one of the body's levels (a supervisor sets up the body's own tree)."""
    AgencyError.require(body.kind == AgencyKind.PARENT_BODY, f"{body.name} 不是上級機關。", "body")
    AgencyError.require(bool(name.strip()) and len(name.strip()) <= 40, "層級名稱須為 1 到 40 字。", "name")
    AgencyError.require(1 <= rank <= 9, "層次須介於 1 到 9。", "rank")
    level, created = AgencyLevel.objects.get_or_create(body=body, name=name.strip(), defaults={"rank": rank})
    if created:
        audit.record(by=by, action="level.create", obj=level, agency=body, after={"name": level.name})
    elif level.rank != rank:
        audit.change(by=by, action="level.update", obj=level, agency=body, values={"rank": rank})
    return level


@transaction.atomic
def rename_agency(*, by: Actor, agency: Agency, name: str, name_en: str | None = None) -> Agency:
    before = audit.snapshot(agency, ["name", "name_en"])
    agency.name = name
    if name_en is not None:
        agency.name_en = name_en
    agency.full_clean()
    agency.save(update_fields=["name", "name_en"])
    after = audit.snapshot(agency, ["name", "name_en"])
    audit.record(by=by, action="agency.rename", obj=agency, agency=agency, before=before, after=after)
    return agency


@transaction.atomic
def grant_role(*, by: Actor, user: Any, agency: Agency, role: str) -> Membership:
    """Give a user a role in an agency. Unit staff belong to a unit (科/課/室): a unit-staff grant
    on a whole agency would let them handle the cases and items of every unit below it."""
    AgencyError.require(
        Role(role) != Role.UNIT_STAFF or agency.kind == AgencyKind.UNIT,
        f"承辦人員只能屬於單位（科／課／室），{agency.name} 不是單位。",
    )
    membership, created = Membership.objects.get_or_create(user=user, agency=agency, role=Role(role))
    if created:
        audit.record(
            by=by, action="membership.grant", obj=membership, agency=agency, after=audit.snapshot(membership)
        )
        _sync_admin_access(user)
    forget_grants(user)
    return membership


@transaction.atomic
def revoke_role(*, by: Actor, membership: Membership) -> None:
    user, agency = membership.user, membership.agency
    audit.record(
        by=by, action="membership.revoke", obj=membership, agency=agency, before=audit.snapshot(membership)
    )
    membership.delete()
    _sync_admin_access(user)
    forget_grants(user)


def _sync_admin_access(user: Any) -> None:
    """Django admin is for supervisors: staff status follows the supervisor role."""
    is_supervisor = Membership.objects.filter(user=user, role=Role.SUPERVISOR).exists()
    if user.is_staff != is_supervisor and not user.is_superuser:
        user.is_staff = is_supervisor
        user.save(update_fields=["is_staff"])


__all__ = [
    "AgencyKind",
    "body_of",
    "create_agency",
    "define_level",
    "grant_role",
    "rename_agency",
    "revoke_role",
]
