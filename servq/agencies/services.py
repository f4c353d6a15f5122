"""Every write to agencies and memberships: atomic, audited, keyword-only, with the acting user as ``by``."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from servq.agencies import tree_import
from servq.agencies.models import Agency, AgencyKind, AgencyLevel, Membership, Role
from servq.agencies.rules import child_path, supervises
from servq.agencies.selectors import body_of, forget_grants, grants_of
from servq.agencies.tree_import import ImportPlan
from servq.core import audit
from servq.core.actors import Actor
from servq.core.errors import ServiceError
from servq.core.tables import TableError, read_table


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
def move_agency(*, by: Actor, agency: Agency, parent: Agency) -> Agency:
    """Put an agency (and everything below it) under another parent of the same body."""
    AgencyError.require(
        not parent.path.startswith(agency.path),
        f"{agency.name} 不能移到自己之下（{parent.name}）。",
        "parent",
    )
    AgencyError.require(body_of(parent) == body_of(agency), f"{parent.name} 不屬於同一個上級機關。", "parent")
    old_prefix, old_depth = agency.path, agency.depth
    before = {"parent": agency.parent.code if agency.parent else ""}
    new_prefix = child_path(parent.path, agency.code)
    subtree = list(Agency.objects.filter(path__startswith=old_prefix).order_by("-depth"))
    for member in subtree:  # deepest first: no moment where two rows hold one path
        member.path = "/moving" + member.path
        member.save(update_fields=["path"])
    for member in sorted(subtree, key=lambda a: a.depth):
        member.path = new_prefix + member.path.removeprefix("/moving").removeprefix(old_prefix)
        member.depth = member.depth - old_depth + parent.depth + 1
        if member.pk == agency.pk:
            member.parent = parent
        member.save(update_fields=["path", "depth", "parent"])
    agency.refresh_from_db()
    audit.record(
        by=by, action="agency.move", obj=agency, agency=agency, before=before, after={"parent": parent.code}
    )
    return agency


@transaction.atomic
def import_agencies(
    *, by: Actor, body: Agency, data: bytes, filename: str, dry_run: bool = False
) -> ImportPlan:
    """The body's agency list (機關代碼, name, parent, level) from CSV or ODS: what it would change
    (``dry_run``), or all of it, audited; nothing on a refusal, which names the line and the value.
    Agencies the list no longer names are reported, never deleted."""
    AgencyError.require(body.kind == AgencyKind.PARENT_BODY, f"{body.name} 不是上級機關。", "body")
    AgencyError.require(
        by is None or supervises(grants_of(by), body.path), f"只有{body.name}的研考督導可以匯入機關清單。"
    )
    try:
        table = read_table(data, filename, max_bytes=MAX_AGENCY_LIST_BYTES)
        where = tree_import.columns(table.header, filename)
        plan = tree_import.plan_import(
            tree_import.read_rows(table.rows, where, filename), _existing(body), body.code, filename
        )
    except (tree_import.ImportRefused, TableError) as error:
        raise AgencyError(str(error), "file") from None
    if dry_run:
        return plan
    agencies = {a.code: a for a in Agency.objects.filter(path__startswith=body.path)}
    for row in plan.add:
        agencies[row.code] = create_agency(
            by=by,
            code=row.code,
            name=row.name,
            kind=AgencyKind.UNIT if row.is_unit else AgencyKind.AGENCY,
            parent=agencies[row.parent or body.code],
            level="" if row.is_unit else row.level,
        )
    for row, _old in plan.rename:
        rename_agency(by=by, agency=agencies[row.code], name=row.name)
    for row, _old in plan.move:
        move_agency(by=by, agency=agencies[row.code], parent=agencies[row.parent or body.code])
    for row, _old in plan.relevel:
        agency = Agency.objects.get(code=row.code)
        agency.level = _level_named(by=by, parent=agency.parent, name=row.level, rank=agency.depth)
        agency.save(update_fields=["level"])
    audit.record(
        by=by,
        action="agency.import",
        obj=body,
        agency=body,
        extra={
            "file": filename[:100],
            "added": len(plan.add),
            "renamed": len(plan.rename),
            "moved": len(plan.move),
            "relevelled": len(plan.relevel),
            "unlisted": len(plan.unlisted),
        },
    )
    return plan


MAX_AGENCY_LIST_BYTES = 20_000_000


def _existing(body: Agency) -> list[tree_import.Existing]:
    rows = (
        Agency.objects.filter(path__startswith=body.path)
        .exclude(pk=body.pk)
        .select_related("parent", "level")
    )
    return [
        tree_import.Existing(
            a.code, a.name, a.parent.code if a.parent else "", a.level.name if a.level else ""
        )
        for a in rows
    ]


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
