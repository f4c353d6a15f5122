"""Reads about agencies and who may see what, shared by views, services and reports."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from servq.agencies.models import Affiliation, Agency, Invitation, Membership
from servq.agencies.rules import (
    Grant,
    Role,
    holds_anywhere,
    may_act_on,
    may_grant,
    path_and_ancestors,
    reach_prefixes,
)
from servq.core.models import AuditEntry
from servq.core.search_kinds import Place

_GRANTS_CACHE = "_servq_grants"


def grants_of(user: Any) -> list[Grant]:
    """The user's memberships as grants, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _GRANTS_CACHE, None)
    if cached is None:
        cached = [
            Grant(path, role)
            for path, role in Membership.objects.current()
            .filter(user=user)
            .values_list("agency__path", "role")
        ]
        setattr(user, _GRANTS_CACHE, cached)
    return cached


def forget_grants(user: Any) -> None:
    if hasattr(user, _GRANTS_CACHE):
        delattr(user, _GRANTS_CACHE)


def roles_of(user: Any) -> set[str]:
    return {grant.role for grant in grants_of(user)}


def reach_q(user: Any, field: str = "") -> Q:
    """A filter for objects whose agency (at ``field``, '' for Agency itself) the user may act on."""
    prefix = f"{field}__" if field else ""
    if getattr(user, "is_superuser", False):
        return Q()
    exact, subtrees = reach_prefixes(grants_of(user))
    condition = Q(pk__in=[])
    if exact:
        condition |= Q(**{f"{prefix}path__in": sorted(exact)})
    for subtree in sorted(subtrees):
        condition |= Q(**{f"{prefix}path__startswith": subtree})
    return condition


def places_near(user: Any) -> list[Place]:
    """The places a permission rule can hold at for this user (one query): at or below their
    memberships, and the agencies above them; every place for a superuser."""
    if getattr(user, "is_superuser", False):
        return [Place(path, kind == "unit") for path, kind in Agency.objects.values_list("path", "kind")]
    grants = grants_of(user)
    if not grants:
        return []
    near = Q(path__in={above for g in grants for above in path_and_ancestors(g.path)})
    for path in {g.path for g in grants}:
        near |= Q(path__startswith=path)
    return [
        Place(path, kind == "unit") for path, kind in Agency.objects.filter(near).values_list("path", "kind")
    ]


def places_where(user: Any, rule: Callable[[Sequence[Grant], Place], bool]) -> list[Place]:
    """The agencies and units where ``rule`` (a permission's pure rule over the user's grants)
    holds: the one way a list or the search takes its reach from an object's own permission."""
    grants = grants_of(user)
    return [place for place in places_near(user) if rule(grants, place)]


def paths_where(user: Any, rule: Callable[[Sequence[Grant], str], bool]) -> list[str]:
    """The paths of the places where ``rule(grants, path)`` holds (places_where, by path alone)."""
    return [place.path for place in places_where(user, lambda grants, place: rule(grants, place.path))]


def agencies_for(user: Any) -> QuerySet[Agency]:
    return Agency.objects.filter(reach_q(user))


def agencies_where(user: Any, permission: str) -> list[Agency]:
    """The agencies (not units) in the user's reach where they hold ``permission``, in tree order:
    what a page offers to act for."""
    from servq.core.permissions import has_perm

    return [
        a for a in agencies_for(user).exclude(kind="unit").order_by("path") if has_perm(user, permission, a)
    ]


def agencies_served(user: Any, permission: str) -> list[Agency]:
    """``agencies_where``, and for a unit's staff the agency above their unit where they hold the
    permission: the agency a unit keeps its FAQ or datasets for."""
    from servq.core.permissions import has_perm

    found = agencies_where(user, permission)
    for unit in agencies_for(user).filter(kind="unit").select_related("parent").order_by("path"):
        parent = unit.parent
        if parent is not None and parent not in found and has_perm(user, permission, parent):
            found.append(parent)
    return found


def may_act_on_agency(user: Any, agency: Agency) -> bool:
    return bool(getattr(user, "is_superuser", False)) or may_act_on(grants_of(user), agency.path)


def agency_tree() -> QuerySet[Agency]:
    return Agency.objects.select_related("parent").order_by("path")


def users_holding(role: str, agency: Agency) -> QuerySet[Any]:
    """The active users who hold ``role`` in exactly that agency (whom a notice concerns)."""
    from django.utils import timezone

    current = Q(memberships__ends_on__isnull=True) | Q(memberships__ends_on__gte=timezone.localdate())
    return (
        get_user_model()
        .objects.filter(current, memberships__agency=agency, memberships__role=role, is_active=True)
        .distinct()
    )


def body_of(agency: Agency) -> Agency:
    """The parent body at the root of the agency's tree."""
    root_code = agency.path.strip("/").split("/")[0]
    return agency if agency.code == root_code else Agency.objects.get(code=root_code)


def subtree_of(agency: Agency) -> QuerySet[Agency]:
    return Agency.objects.filter(path__startswith=agency.path)


def units_of(agency: Agency) -> QuerySet[Agency]:
    """The units (科/課/室/處) anywhere under an agency, for matching 承辦單位 names."""
    return subtree_of(agency).filter(kind="unit")


def find_by_name(name: str) -> Agency | None:
    return Agency.objects.filter(Q(name=name) | Q(code=name)).order_by("depth").first()


# --- people: whom a supervisor or coordinator keeps ------------------------------------------------


def ties_of(user: Any) -> set[str]:
    """The agencies (as paths) a person is tied to: their roles in force and their declared
    affiliations, a unit standing for its agency (agencies.rules.in_conflict reads them)."""
    places = [
        *Membership.objects.current()
        .filter(user=user)
        .values_list("agency__path", "agency__kind", "agency__parent__path"),
        *Affiliation.objects.filter(user=user).values_list(
            "agency__path", "agency__kind", "agency__parent__path"
        ),
    ]
    # A unit is part of its agency: a 秘書處 clerk is tied to the whole ministry and what is under it.
    return {parent if kind == "unit" and parent else path for path, kind, parent in places}


def home_agency(user: Any, within: Agency) -> Agency | None:
    """The agency inside ``within``'s tree where the person holds a staff role (their own, for a
    reward proposal); None for an outside expert, whose only role there is 評審委員."""
    found = (
        Membership.objects.current()
        .filter(user=user, agency__path__startswith=within.path)
        .exclude(role=Role.REVIEWER)
        .select_related("agency")
        .order_by("agency__depth")
        .first()
    )
    if found is None:
        return None
    agency = found.agency
    return agency.parent if agency.is_unit and agency.parent else agency


PANEL_ROLES = (Role.REVIEWER, Role.SUPERVISOR)


def panel_candidates(body: Agency) -> list[tuple[Any, str]]:
    """Who can sit on a body's review panels, picked by name: people holding a reviewer (outside
    experts, invited as such) or supervisor role in force in its tree, each labelled with where."""
    rows = (
        Membership.objects.current()
        .filter(agency__path__startswith=body.path, role__in=PANEL_ROLES, user__is_active=True)
        .select_related("user", "agency")
        .order_by("user__first_name", "user__username", "agency__path")
    )
    found: dict[int, tuple[Any, list[str]]] = {}
    for m in rows:
        found.setdefault(m.user_id, (m.user, []))[1].append(f"{m.agency.name}{m.get_role_display()}")
    return [
        (user, f"{user.get_full_name() or user.email or user.get_username()}（{'、'.join(places)}）")
        for user, places in found.values()
    ]


class GrantablePlace(NamedTuple):
    """An agency or unit as a grant form offers it: by name under its agency, never by code."""

    pk: int
    code: str
    label: str


def grantable_places(user: Any, *, like: str = "", limit: int | None = None) -> list[GrantablePlace]:
    """The agencies and units where the user may grant some role (agencies.rules.may_grant), in
    tree order, optionally those whose name contains ``like``, at most ``limit``: what the grant
    forms suggest as the name is typed. Read as plain rows: a national tree has 10,000 places."""
    grants = grants_of(user)
    superuser = bool(getattr(user, "is_superuser", False))
    candidates = _grant_candidates(user, grants)
    if like:
        candidates = candidates.filter(
            Q(name__icontains=like) | Q(parent__name__icontains=like) | Q(code__iexact=like)
        )
    rows = candidates.order_by("path").values_list("pk", "code", "name", "kind", "path", "parent__name")
    found: list[GrantablePlace] = []
    for pk, code, name, kind, path, parent in rows if limit is None else rows[:limit]:
        if superuser or any(may_grant(grants, role, path, kind == "unit") for role in Role):
            found.append(
                GrantablePlace(pk, code, f"{parent} › {name}" if kind == "unit" and parent else name)
            )
            if limit is not None and len(found) >= limit:
                break
    return found


def grantable_place(user: Any, typed: str) -> Agency | None:
    """The place a grant form's text names — 「財政部 › 秘書處」, 「財政部」 or a code — if the user may
    grant some role there; else None."""
    text = " ".join(typed.split()).replace(" > ", " › ")
    grants = grants_of(user)
    rows = _grant_candidates(user, grants).select_related("parent")
    if " › " in text:
        above, _, name = text.rpartition(" › ")
        rows = rows.filter(kind="unit", name=name, parent__name=above)
    else:
        rows = rows.filter(Q(code__iexact=text) | Q(name=text)).exclude(kind="unit")
    for agency in rows[:5]:
        if getattr(user, "is_superuser", False) or any(
            may_grant(grants, role, agency.path, agency.is_unit) for role in Role
        ):
            return agency
    return None


def _grant_candidates(user: Any, grants: list[Grant]) -> QuerySet[Agency]:
    """The places may_grant can allow, said in SQL so a page can take the first few: a supervisor's
    subtree, a coordinator's own units (the rule itself is still asked of each)."""
    if getattr(user, "is_superuser", False):
        return Agency.objects.all()
    where = Q(pk__in=[])
    for grant in grants:
        if grant.role == Role.SUPERVISOR:
            where |= Q(path__startswith=grant.path)
        elif grant.role == Role.COORDINATOR:
            where |= Q(kind="unit", parent__path=grant.path)
    return Agency.objects.filter(where)


def _kept_paths_q(user: Any, field: str) -> Q:
    """Where the user keeps people: a supervisor's subtree, a coordinator's agency and its units."""
    if getattr(user, "is_superuser", False):
        return Q()
    condition = Q(pk__in=[])
    for grant in grants_of(user):
        if grant.role == Role.SUPERVISOR:
            condition |= Q(**{f"{field}__path__startswith": grant.path})
        elif grant.role == Role.COORDINATOR:
            condition |= Q(**{f"{field}__path": grant.path}) | Q(
                **{f"{field}__parent__path": grant.path, f"{field}__kind": "unit"}
            )
    return condition


def keeps_people(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or holds_anywhere(
        grants_of(user), Role.SUPERVISOR, Role.COORDINATOR
    )


def memberships_kept_by(user: Any) -> QuerySet[Membership]:
    """Every role (ended ones too) held at a place the user keeps people for."""
    return (
        Membership.objects.filter(_kept_paths_q(user, "agency"))
        .select_related("user", "agency", "granted_by")
        .order_by("agency__path", "role", "user__username")
    )


def people_kept_by(user: Any) -> QuerySet[Any]:
    """The people holding (or having held) a role where the user keeps people: a person page
    outside this is 404."""
    return get_user_model().objects.filter(memberships__in=memberships_kept_by(user)).distinct()


def invitations_kept_by(user: Any) -> QuerySet[Invitation]:
    return Invitation.objects.filter(_kept_paths_q(user, "agency")).select_related("agency", "invited_by")


# --- the audit log, as a supervisor may read it ------------------------------------------------


def audit_entries_for(user: Any) -> QuerySet[AuditEntry]:
    """Audit entries of the agencies a supervisor oversees (their whole subtree)."""
    entries = AuditEntry.objects.select_related("agency").order_by("-at", "-id")
    if getattr(user, "is_superuser", False):
        return entries
    _, subtrees = reach_prefixes([g for g in grants_of(user) if g.role == Role.SUPERVISOR])
    if not subtrees:
        return entries.none()
    condition = Q(pk__in=[])
    for subtree in sorted(subtrees):
        condition |= Q(agency_path__startswith=subtree)
    return entries.filter(condition)


def audit_entries_of_object(user: Any, object_type: str, object_id: str) -> QuerySet[AuditEntry]:
    return audit_entries_for(user).filter(object_type=object_type, object_id=object_id)
