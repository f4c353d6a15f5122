"""Every write to agencies and memberships: atomic, audited, keyword-only, with the acting user as ``by``."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from servq.agencies import people_import, tree_import
from servq.agencies.models import (
    ROLE_LABELS,
    Affiliation,
    Agency,
    AgencyKind,
    AgencyLevel,
    Invitation,
    Membership,
    Role,
)
from servq.agencies.rules import child_path, coordinates_or_supervises, may_grant, supervises
from servq.agencies.selectors import body_of, forget_grants, grants_of
from servq.agencies.tree_import import ImportPlan
from servq.core import audit, changes, outbox
from servq.core.actors import Actor, is_superuser, person
from servq.core.errors import ServiceError
from servq.core.rules import format_roc_date
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
    AgencyError.require(
        by is None or is_superuser(by) or supervises(grants_of(by), body.path),
        f"只有{body.name}的研考督導可以設定機關層級。",
    )
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
def add_unit(*, by: Actor, agency: Agency, name: str) -> Agency:
    """A unit (科、課、室) of an agency, added by its coordinator or a supervisor above it; its code is
    the agency's with a running number (units have no official code of their own)."""
    AgencyError.require(not agency.is_unit, f"{agency.name} 是單位，單位之下不能再設單位。")
    _require_keeps_units(by, agency)
    clean = " ".join(name.split())
    AgencyError.require(1 <= len(clean) <= 120, "單位名稱須為 1 到 120 字。", "name")
    AgencyError.require(clean[0] not in "=+-@", f"單位名稱「{clean[:20]}」像是試算表公式。", "name")
    AgencyError.require(
        not agency.children.filter(name=clean).exists(), f"{agency.name}已有「{clean}」。", "name"
    )
    taken = set(Agency.objects.filter(code__startswith=f"{agency.code}-u").values_list("code", flat=True))
    number = next(n for n in range(1, len(taken) + 2) if f"{agency.code}-u{n}" not in taken)
    return create_agency(
        by=by,
        code=f"{agency.code}-u{number}",
        name=clean,
        kind=AgencyKind.UNIT,
        parent=agency,
        position=agency.children.count(),
    )


@transaction.atomic
def rename_unit(*, by: Actor, unit: Agency, name: str) -> Agency:
    AgencyError.require(unit.is_unit and unit.parent is not None, f"{unit.name} 不是單位。")
    assert unit.parent is not None  # for the type checker: required just above
    _require_keeps_units(by, unit.parent)
    clean = " ".join(name.split())
    AgencyError.require(1 <= len(clean) <= 120, "單位名稱須為 1 到 120 字。", "name")
    AgencyError.require(clean[0] not in "=+-@", f"單位名稱「{clean[:20]}」像是試算表公式。", "name")
    AgencyError.require(
        not unit.parent.children.filter(name=clean).exclude(pk=unit.pk).exists(),
        f"{unit.parent.name}已有「{clean}」。",
        "name",
    )
    return rename_agency(by=by, agency=unit, name=clean)


def _require_keeps_units(by: Actor, agency: Agency) -> None:
    AgencyError.require(
        by is None or is_superuser(by) or coordinates_or_supervises(grants_of(by), agency.path),
        f"只有{agency.name}的機關聯絡人或上級研考督導可以設定它的單位。",
    )


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
    _add_listed(by=by, body=body, rows=plan.add, agencies=agencies, filename=filename)
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


def _add_listed(
    *, by: Actor, body: Agency, rows: list[Any], agencies: dict[str, Agency], filename: str
) -> None:
    """The list's new agencies, a level of the tree per statement (a parent exists before its
    children), each audited: a national list of 10,000 in seconds, not one round trip per field.
    The rows were checked by tree_import; what only the database knows is checked here."""
    taken = sorted(set(Agency.objects.filter(code__in=[r.code for r in rows]).values_list("code", flat=True)))
    AgencyError.require(
        not taken, f"{filename}：機關代碼 {'、'.join(taken[:5])} 已屬於其他上級機關。", "file"
    )
    levels: dict[str, AgencyLevel] = {}
    pending = list(rows)
    while pending:
        ready = [r for r in pending if (r.parent or body.code) in agencies]
        AgencyError.require(bool(ready), f"{filename}：第 {pending[0].line} 列的上級機關無法建立。", "file")
        batch = []
        for row in ready:
            parent = agencies[row.parent or body.code]
            level = None
            if row.level and not row.is_unit:
                if row.level not in levels:
                    levels[row.level] = _level_named(
                        by=by, parent=parent, name=row.level, rank=parent.depth + 1
                    )
                level = levels[row.level]
            batch.append(
                Agency(
                    code=row.code,
                    name=row.name,
                    kind=AgencyKind.UNIT if row.is_unit else AgencyKind.AGENCY,
                    parent=parent,
                    level=level,
                    path=child_path(parent.path, row.code),
                    depth=parent.depth + 1,
                )
            )
        _refuse_name_clashes(batch, filename)
        created = Agency.objects.bulk_create(batch, batch_size=2000)
        if not created or created[0].pk is None:  # a backend that returns no keys: read them back
            created = list(Agency.objects.filter(code__in=[a.code for a in batch]))
        for agency in created:
            agencies[agency.code] = agency
        audit.record_each(
            by=by,
            action="agency.create",
            objects=[(a, a, audit.snapshot(a)) for a in created],
        )
        done = {r.code for r in ready}
        pending = [r for r in pending if r.code not in done]


def _refuse_name_clashes(batch: list[Agency], filename: str) -> None:
    """Two agencies of one name under one parent (the list's own or one already there)."""
    wanted: dict[tuple[int | None, str], str] = {}
    for agency in batch:
        key = (agency.parent_id, agency.name)
        AgencyError.require(
            key not in wanted,
            f"{filename}：{agency.code} 與 {wanted.get(key)} 同名（{agency.name}）且同一上級。",
            "file",
        )
        wanted[key] = agency.code
    clash = Agency.objects.filter(
        parent_id__in={p for p, _ in wanted}, name__in={n for _, n in wanted}
    ).values_list("parent_id", "name")
    for parent_id, name in clash:
        AgencyError.require(
            (parent_id, name) not in wanted,
            f"{filename}：{wanted[(parent_id, name)]} 的名稱「{name}」上級已有同名機關。",
            "file",
        )


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
def grant_role(
    *, by: Actor, user: Any, agency: Agency, role: str, ends_on: dt.date | None = None
) -> Membership:
    """Give a user a role in an agency, as the grant rule allows the actor (``by=None``: the system,
    the demo or an operator's command). Unit staff belong to a unit (科/課/室): a unit-staff grant on
    a whole agency would let them handle the cases and items of every unit below it."""
    chosen = Role(role)
    AgencyError.require(
        chosen != Role.UNIT_STAFF or agency.kind == AgencyKind.UNIT,
        f"承辦人員只能屬於單位（科／課／室），{agency.name} 不是單位。",
    )
    _require_may_grant(by, chosen, agency)
    AgencyError.require(
        ends_on is None or ends_on >= timezone.localdate(), "角色結束日不能早於今天。", "ends_on"
    )
    membership = Membership.objects.filter(user=user, agency=agency, role=chosen).first()
    today = timezone.localdate()
    if membership is None or (membership.ends_on is not None and membership.ends_on < today):
        before = audit.snapshot(membership) if membership else None
        membership = membership or Membership(user=user, agency=agency, role=chosen)
        membership.ends_on, membership.granted_by, membership.granted_at = ends_on, person(by), timezone.now()
        membership.save()
        audit.record(
            by=by,
            action="membership.grant",
            obj=membership,
            agency=agency,
            before=before,
            after=audit.snapshot(membership),
        )
        _sync_admin_access(user)
        changes.announce("person.ties", user=user, by=by)
    elif membership.ends_on != ends_on:
        audit.change(
            by=by, action="membership.ends_on", obj=membership, agency=agency, values={"ends_on": ends_on}
        )
    forget_grants(user)
    return membership


@transaction.atomic
def end_role(*, by: Actor, membership: Membership) -> Membership:
    """End a role today: from now it grants nothing; the row stays, with who granted it and when,
    so the person's page keeps its history (a role is never deleted)."""
    _require_may_grant(by, Role(membership.role), membership.agency)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    if membership.ends_on is None or membership.ends_on > yesterday:
        audit.change(
            by=by,
            action="membership.end",
            obj=membership,
            agency=membership.agency,
            values={"ends_on": yesterday},
        )
        _sync_admin_access(membership.user)
        forget_grants(membership.user)
    return membership


def _require_may_grant(by: Actor, role: Role, agency: Agency) -> None:
    if by is None:
        return
    AgencyError.require(
        may_grant(grants_of(by), role, agency.path, agency.is_unit) or is_superuser(by),
        f"您不能在{agency.name}授予「{ROLE_LABELS[role]}」：研考督導授予所轄機關的角色，"
        "機關聯絡人授予本機關各單位的承辦人員。",
        "role",
    )


@transaction.atomic
def revoke_role(*, by: Actor, membership: Membership) -> None:
    user, agency = membership.user, membership.agency
    _require_may_grant(by, Role(membership.role), agency)
    audit.record(
        by=by, action="membership.revoke", obj=membership, agency=agency, before=audit.snapshot(membership)
    )
    membership.delete()
    _sync_admin_access(user)
    forget_grants(user)


@transaction.atomic
def deactivate_person(*, by: Actor, user: Any) -> Any:
    """Off-boarding: the account stops signing in and every role in force ends today; nothing is
    deleted (what they did keeps their name). Only someone who may grant every one of their roles
    may do it: a coordinator cannot switch off a supervisor's account."""
    roles = list(Membership.objects.current().filter(user=user).select_related("agency"))
    for membership in roles:
        _require_may_grant(by, Role(membership.role), membership.agency)
    AgencyError.require(not (by is not None and by.pk == user.pk), "不能停用自己的帳號。")
    AgencyError.require(not user.is_superuser, "系統管理者的帳號不能在這裡停用。")
    for membership in roles:
        end_role(by=by, membership=membership)
    if user.is_active:
        audit.change(by=by, action="person.deactivate", obj=user, values={"is_active": False})
    return user


@transaction.atomic
def declare_affiliation(*, by: Actor, user: Any, agency: Agency, note: str = "") -> Affiliation:
    """A tie the person declares (or a keeper records for them): from now on they are conflicted
    for that agency, and reviews already assigned to them there are withdrawn (core.changes
    "person.ties", heard by the apps that assign reviews)."""
    AgencyError.require(
        by is None
        or is_superuser(by)
        or getattr(by, "pk", None) == user.pk
        or supervises(grants_of(by), body_of(agency).path),
        "只有本人或上級機關的研考督導可以申報關係機關。",
    )
    clean = " ".join(note.split())[:200]
    AgencyError.require(not clean or clean[0] not in "=+-@", "關係說明像是試算表公式。", "note")
    affiliation, created = Affiliation.objects.get_or_create(
        user=user, agency=agency, defaults={"note": clean, "declared_by": person(by)}
    )
    if created:
        audit.record(
            by=by,
            action="affiliation.declare",
            obj=affiliation,
            agency=agency,
            after={"user": user.pk, "agency": agency.code, "note": clean},
        )
        changes.announce("person.ties", user=user, by=by)
    return affiliation


@transaction.atomic
def require_second_factor(*, by: Actor, body: Agency, required: bool) -> Agency:
    """The body's rule: its supervisors and coordinators sign in with a second factor."""
    AgencyError.require(body.kind == AgencyKind.PARENT_BODY, f"{body.name} 不是上級機關。")
    AgencyError.require(
        by is None or is_superuser(by) or supervises(grants_of(by), body.path),
        f"只有{body.name}的研考督導可以變更雙重驗證的規定。",
    )
    if body.requires_second_factor != required:
        audit.change(
            by=by,
            action="body.second_factor",
            obj=body,
            agency=body,
            values={"requires_second_factor": required},
        )
    return body


# --- invitations ----------------------------------------------------------------------------------

INVITATION_DAYS = 14
_SIGNER_SALT = "servq.invitation"


class InvitationRefused(AgencyError):
    """An invitation link that cannot be used (expired, used, withdrawn, forged)."""


@transaction.atomic
def invite(
    *, by: Actor, email: str, agency: Agency, role: str, name: str = "", ends_on: dt.date | None = None
) -> Invitation:
    """Invite a person by e-mail to take a role at an agency, as the grant rule allows the inviter.
    An address that already has an account is given the role on the person's page instead."""
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise AgencyError(f"「{email[:100]}」不是有效的電子郵件地址。", "email") from None
    chosen = Role(role)
    AgencyError.require(
        chosen != Role.UNIT_STAFF or agency.kind == AgencyKind.UNIT,
        f"承辦人員只能屬於單位（科／課／室），{agency.name} 不是單位。",
        "agency",
    )
    _require_may_grant(by, chosen, agency)
    AgencyError.require(
        not get_user_model().objects.filter(email__iexact=address).exists(),
        f"{address} 已有帳號：請在人員頁直接授予角色。",
        "email",
    )
    AgencyError.require(
        not _open_invitations().filter(email=address, agency=agency, role=chosen).exists(),
        f"{address} 已有一份待接受的{agency.name}「{ROLE_LABELS[chosen]}」邀請：可重寄或撤回它。",
        "email",
    )
    AgencyError.require(
        ends_on is None or ends_on >= timezone.localdate(), "角色結束日不能早於今天。", "ends_on"
    )
    invitation = _new_invitation(
        email=address, name=name, agency=agency, role=chosen, inviter=person(by), ends_on=ends_on
    )
    invitation.save()
    audit.record(
        by=by,
        action="invitation.create",
        obj=invitation,
        agency=agency,
        after={"email": address, "role": chosen.value, "ends_on": ends_on.isoformat() if ends_on else ""},
    )
    return invitation


@dataclass
class PeoplePlan:
    """What a list of people did (or would do): invitations to new addresses, roles granted to people
    who have an account, and lines already in effect."""

    invite: list[Any] = field(default_factory=list)
    grant: list[Any] = field(default_factory=list)
    unchanged: list[Any] = field(default_factory=list)


@transaction.atomic
def invite_people(*, by: Actor, data: bytes, filename: str, dry_run: bool = False) -> PeoplePlan:
    """Invite (or, for an existing account, grant) everyone a list names, as the grant rule allows
    the actor: all or nothing, each line audited; a refusal names the line and the value."""
    try:
        table = read_table(data, filename, max_bytes=MAX_AGENCY_LIST_BYTES)
        people = people_import.read_people(
            table.rows, people_import.columns(table.header, filename), filename
        )
    except (people_import.PeopleRefused, TableError) as error:
        raise AgencyError(str(error), "file") from None
    codes = {row.agency for row in people}
    agencies = {a.code.upper(): a for a in Agency.objects.filter(code__in=codes | {c.lower() for c in codes})}
    units = {
        (u.parent.code.upper() if u.parent else "", u.name): u
        for u in Agency.objects.filter(kind=AgencyKind.UNIT, parent__in=agencies.values()).select_related(
            "parent"
        )
    }
    accounts = {
        u.email.lower(): u
        for u in get_user_model().objects.filter(email__in=[row.email for row in people]).exclude(email="")
    }
    plan = PeoplePlan()
    for row in people:
        at = f"{filename} 第 {row.line} 列"
        agency = agencies.get(row.agency)
        AgencyError.require(agency is not None, f"{at}：機關代碼「{row.agency[:20]}」不存在。", "file")
        assert agency is not None  # for the type checker: required just above
        place = units.get((row.agency, row.unit)) if row.unit else agency
        AgencyError.require(place is not None, f"{at}：{agency.name}沒有單位「{row.unit[:40]}」。", "file")
        assert place is not None
        AgencyError.require(
            by is None or is_superuser(by) or may_grant(grants_of(by), row.role, place.path, place.is_unit),
            f"{at}：您不能在{place.name}授予「{ROLE_LABELS[row.role]}」。",
            "file",
        )
        account = accounts.get(row.email)
        if account is None:
            plan.invite.append((row, place))
        elif Membership.objects.current().filter(user=account, agency=place, role=row.role).exists():
            plan.unchanged.append((row, place))
        else:
            plan.grant.append((row, place, account))
    if dry_run:
        return plan
    _invite_listed(by=by, rows=plan.invite)
    for row, place, account in plan.grant:
        grant_role(by=by, user=account, agency=place, role=row.role)
    return plan


INVITE_BATCH = 2000


def _invite_listed(*, by: Actor, rows: list[Any]) -> None:
    """The list's invitations a batch per statement, each audited (50,000 people in seconds, and
    only a batch of rows held at a time); an invitation already open for the same address, place and
    role is not sent twice."""
    open_ones = set(
        _open_invitations()
        .filter(email__in=[row.email for row, _place in rows])
        .values_list("email", "agency_id", "role")
    )
    inviter = person(by)
    wanted = [(row, place) for row, place in rows if (row.email, place.pk, row.role) not in open_ones]
    for start in range(0, len(wanted), INVITE_BATCH):
        created = Invitation.objects.bulk_create(
            _new_invitation(email=row.email, name=row.name, agency=place, role=row.role, inviter=inviter)
            for row, place in wanted[start : start + INVITE_BATCH]
        )
        audit.record_each(
            by=by,
            action="invitation.create",
            objects=[(i, i.agency, {"email": i.email, "role": str(i.role)}) for i in created],
        )


def pending_invitations(invitations: Any) -> Any:
    """Of these invitations, those not yet accepted or withdrawn (expired ones too: they can be
    resent), newest first."""
    return invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).order_by("-created_at")


def _new_invitation(
    *, email: str, name: str, agency: Agency, role: str, inviter: Any, ends_on: dt.date | None = None
) -> Invitation:
    """An invitation with a fresh link, not yet saved (one at a time, or a list's in bulk)."""
    nonce, expires = _fresh_link()
    return Invitation(
        email=email,
        name=name.strip()[:150],
        agency=agency,
        role=role,
        ends_on=ends_on,
        invited_by=inviter,
        nonce=nonce,
        expires_at=expires,
    )


def _fresh_link() -> tuple[str, dt.datetime]:
    """A new link's secret (what the signed token must carry) and when it stops working."""
    return secrets.token_urlsafe(24), timezone.now() + dt.timedelta(days=INVITATION_DAYS)


def _open_invitations() -> Any:
    return Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


@transaction.atomic
def resend_invitation(*, by: Actor, invitation: Invitation) -> Invitation:
    """A new link and a new expiry, mailed again; the earlier link stops working."""
    _require_may_grant(by, Role(invitation.role), invitation.agency)
    InvitationRefused.require(invitation.accepted_at is None, "這份邀請已被接受。")
    InvitationRefused.require(invitation.revoked_at is None, "這份邀請已撤回。")
    invitation.nonce, invitation.expires_at = _fresh_link()
    invitation.sent_at = invitation.next_attempt_at = invitation.failed_at = None
    invitation.attempts, invitation.last_error = 0, ""
    invitation.save()
    audit.record(by=by, action="invitation.resend", obj=invitation, agency=invitation.agency)
    return invitation


@transaction.atomic
def revoke_invitation(*, by: Actor, invitation: Invitation) -> Invitation:
    _require_may_grant(by, Role(invitation.role), invitation.agency)
    InvitationRefused.require(invitation.accepted_at is None, "這份邀請已被接受，請改為結束該角色。")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(by=by, action="invitation.revoke", obj=invitation, agency=invitation.agency)
    return invitation


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps([invitation.pk, invitation.nonce], salt=_SIGNER_SALT, compress=True)


def invitation_for(token: str) -> Invitation:
    """The invitation a link names, while it can still be accepted; else why not."""
    try:
        pk, nonce = signing.loads(token[:500], salt=_SIGNER_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise InvitationRefused("這個邀請連結無效：請確認連結完整，或請邀請人重寄。") from None
    invitation = Invitation.objects.select_related("agency").filter(pk=pk).first()
    InvitationRefused.require(
        invitation is not None and secrets.compare_digest(str(nonce), invitation.nonce),
        "這個邀請連結已失效（可能已重寄新的連結）：請使用最新一封邀請信，或請邀請人重寄。",
    )
    assert invitation is not None  # for the type checker: required just above
    InvitationRefused.require(invitation.accepted_at is None, "這份邀請已經用過了：請直接登入。")
    InvitationRefused.require(invitation.revoked_at is None, "這份邀請已被撤回。如有需要，請洽邀請人。")
    InvitationRefused.require(
        invitation.expires_at > timezone.now(), "這份邀請已過期：請邀請人重寄一份新的邀請。"
    )
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, name: str, password: str) -> Any:
    """Create the invited person's account with the password they chose and grant the role, as the
    inviter did; the invitation is used up. Refused (nothing created) when the link cannot be used."""
    invitation = invitation_for(token)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    InvitationRefused.require(locked.accepted_at is None, "這份邀請已經用過了：請直接登入。")
    User = get_user_model()
    AgencyError.require(
        not User.objects.filter(email__iexact=locked.email).exists()
        and not User.objects.filter(username__iexact=locked.email).exists(),
        f"{locked.email} 已有帳號：請直接登入，再請邀請人授予角色。",
    )
    AgencyError.require(bool(name.strip()), "請填寫姓名。", "name")
    user = User(username=locked.email, email=locked.email, first_name=name.strip()[:150])
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise AgencyError(" ".join(error.messages), "password") from None
    user.set_password(password)
    user.save()
    _grant_invited(locked, user)
    return user


@transaction.atomic
def accept_invitation_by_identity(*, email: str, name: str = "") -> Any:
    """Someone the government's sign-in vouches for (a verified e-mail) with open invitations to that
    address: their account is made, with no password of its own, and every invitation's role
    granted as its inviter did. None when no invitation is open: nobody is created with a role
    they were not given."""
    open_ones = list(_open_invitations().select_for_update().filter(email=email.strip().lower()))
    if not open_ones:
        return None
    User = get_user_model()
    AgencyError.require(not User.objects.filter(email__iexact=email).exists(), f"{email} 已有帳號。")
    user = User(username=email.lower(), email=email.lower(), first_name=(name or open_ones[0].name)[:150])
    user.set_unusable_password()
    user.save()
    for invitation in open_ones:
        _grant_invited(invitation, user, via="oidc")
    return user


def _grant_invited(invitation: Invitation, user: Any, *, via: str = "") -> None:
    """The invitation's role, granted as its inviter did, and the invitation used up, audited."""
    grant_role(
        by=invitation.invited_by,
        user=user,
        agency=invitation.agency,
        role=invitation.role,
        ends_on=invitation.ends_on,
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        by=user,
        action="invitation.accept",
        obj=invitation,
        agency=invitation.agency,
        extra={"via": via} if via else None,
    )


def send_invitations_due() -> int:
    """Mail the invitations waiting to go, one at a time (a failing one is retried on its own)."""
    return outbox.deliver(Invitation.objects.select_related("agency", "invited_by"), _mail_invitation).sent


def _mail_invitation(invitation: Invitation) -> None:
    link = settings.SERVQ_SITE_URL.rstrip("/") + reverse("invitation", args=[invitation_token(invitation)])
    inviter = invitation.invited_by
    who = (inviter.get_full_name() or inviter.get_username()) if inviter else "servq"
    until = timezone.localtime(invitation.expires_at)
    body = (
        f"{invitation.name or invitation.email} 您好：\n\n"
        f"{who} 邀請您在 servq 擔任{invitation.agency.name}的「{ROLE_LABELS[Role(invitation.role)]}」。\n"
        f"請在 {format_roc_date(until.date())} {until:%H:%M} 前開啟下列連結，設定密碼後即可登入"
        f"（連結只能使用一次）：\n\n{link}\n\n若您不認識邀請人，請忽略這封信。\n\n— servq"
    )
    send_mail(
        f"[servq] 邀請您擔任{invitation.agency.name}的{ROLE_LABELS[Role(invitation.role)]}",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
        fail_silently=False,
    )


def _sync_admin_access(user: Any) -> None:
    """Django admin is for supervisors: staff status follows the supervisor role."""
    is_supervisor = Membership.objects.current().filter(user=user, role=Role.SUPERVISOR).exists()
    if user.is_staff != is_supervisor and not user.is_superuser:
        user.is_staff = is_supervisor
        user.save(update_fields=["is_staff"])


__all__ = [
    "AgencyKind",
    "body_of",
    "create_agency",
    "define_level",
    "end_role",
    "grant_role",
    "invite",
    "rename_agency",
    "revoke_role",
]
