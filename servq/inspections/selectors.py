"""Reads of inspections that pages, the priority rules, notices, measures and the board share."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet

from servq.agencies.models import Agency, Membership
from servq.agencies.rules import Role, parent_path
from servq.agencies.selectors import grants_of, reach_q
from servq.inspections import rules
from servq.inspections.models import (
    AwardEntry,
    Criterion,
    Criticism,
    Finding,
    InspectionPlan,
    Panelist,
    Score,
    Visit,
)
from servq.reporting import rules as reporting_rules


def agency_facts(body: Agency, year: int) -> list[rules.AgencyFacts]:
    """What the priority rules read, for every agency below the body: four grouped queries."""
    agencies = list(
        Agency.objects.filter(path__startswith=body.path).exclude(pk=body.pk).exclude(kind="unit")
    )
    last_award = dict(
        AwardEntry.objects.filter(agency__in=agencies, year__lt=year)
        .values_list("agency")
        .annotate(Max("year"))
    )
    entering = set(
        AwardEntry.objects.filter(agency__in=agencies, year=year).values_list("agency_id", flat=True)
    )
    criticisms = dict(
        Criticism.objects.filter(agency__in=agencies, noted_on__year__gte=year - 1)
        .values_list("agency")
        .annotate(Count("id"))
    )
    today = dt.date.today()
    overdue = dict(
        Finding.objects.filter(agency__in=agencies, state=rules.OPEN, reply_due__lt=today)
        .values_list("agency")
        .annotate(Count("id"))
    )
    return [
        rules.AgencyFacts(
            a.pk,
            a.name,
            last_award.get(a.pk),
            criticisms.get(a.pk, 0),
            a.pk in entering,
            overdue.get(a.pk, 0),
        )
        for a in agencies
    ]


# --- who sees which visit and finding -----------------------------------------------------------


def _by_role(user: Any, field: str, exact_roles: tuple[Role, ...]) -> Q:
    """Objects whose agency (at ``field``) is below a supervisor's, or exactly where the user holds
    one of ``exact_roles``."""
    if getattr(user, "is_superuser", False):
        return Q()
    condition = Q(pk__in=[])
    for grant in grants_of(user):
        if grant.role == Role.SUPERVISOR:
            condition |= Q(**{f"{field}__path__startswith": grant.path})
        elif grant.role in exact_roles:
            condition |= Q(**{f"{field}__path": grant.path})
    return condition


STAFF_OF_BODY = (Role.COORDINATOR, Role.HEAD)


def body_staff_q(user: Any, field: str = "body") -> Q:
    """The inspecting body's own people: its supervisors (and those above), coordinator and head.
    A reviewer's role does not count: outside experts see the visits they sit on, nothing more."""
    return _by_role(user, field, STAFF_OF_BODY)


def visits_for(user: Any) -> QuerySet[Visit]:
    """Visits of the user's body, visits they sit on, and, once the report was sent, visits of their
    own agency or of an agency they are the 主管機關 of (its coordinator)."""
    mine = Q(panel__user=user) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
    visited = Q(
        Q(reach_q(user, "agencies")) | _by_role(user, "agencies__parent", (Role.COORDINATOR,)),
        state__in=[rules.SENT, rules.PUBLISHED],
    )
    return (
        Visit.objects.filter(body_staff_q(user) | mine | visited)
        .distinct()
        .select_related("body", "criteria")
    )


def findings_for(user: Any) -> QuerySet[Finding]:
    """Findings sent to the user's agency or unit, or to an agency below the one they coordinate
    (as its 主管機關), and every finding of the body they belong to."""
    sent = Q(
        Q(reach_q(user, "agency"))
        | Q(reach_q(user, "unit"))
        | _by_role(user, "agency__parent", (Role.COORDINATOR,)),
        notified_on__isnull=False,
    )
    return Finding.objects.filter(sent | body_staff_q(user)).select_related("agency", "unit", "body", "visit")


def plans_for(user: Any) -> QuerySet[InspectionPlan]:
    """Plans and their priority lists, to the people of the body that made them."""
    return InspectionPlan.objects.filter(body_staff_q(user)).select_related("body")


def public_visits() -> QuerySet[Visit]:
    return Visit.objects.filter(state=rules.PUBLISHED).select_related("body").prefetch_related("agencies")


# --- the board -----------------------------------------------------------------------------------


def board(body: Agency, today: dt.date) -> list[dict[str, Any]]:
    """Per agency below the body: findings open, overdue, replied awaiting decision, closed and closed
    on time (replied by the deadline). One grouped query however many findings."""
    rows = (
        Finding.objects.filter(body__path__startswith=body.path, notified_on__isnull=False)
        .values("agency_id", "agency__name", "agency__path")
        .annotate(
            open=Count("id", filter=Q(state=rules.OPEN)),
            overdue=Count("id", filter=Q(state=rules.OPEN, reply_due__lt=today)),
            replied=Count("id", filter=Q(state=rules.REPLIED)),
            closed=Count("id", filter=Q(state=rules.CLOSED)),
            on_time=Count("id", filter=Q(state=rules.CLOSED, first_replied_on__lte=F("reply_due"))),
        )
        .order_by("agency__path")
    )
    return list(rows)


# --- notices -------------------------------------------------------------------------------------


def notice_recipients(findings: QuerySet[Finding]) -> dict[tuple[str, int], set[int]]:
    """Who each kind of notice of each finding goes to: reminders and overdue notices to the agency's
    coordinators (and the assigned unit's staff); escalation also to its 主管機關's coordinators and
    the inspecting body's supervisors. Two queries for all findings."""
    paths: set[str] = set()
    for f in findings:
        paths |= {f.agency.path, f.body.path}
        if f.unit:
            paths.add(f.unit.path)
        if above := parent_path(f.agency.path):
            paths.add(above)
    holders: dict[tuple[str, str], set[int]] = defaultdict(set)
    for path, role, user_id in Membership.objects.filter(
        agency__path__in=paths, user__is_active=True
    ).values_list("agency__path", "role", "user_id"):
        holders[(path, role)].add(user_id)
    wanted: dict[tuple[str, int], set[int]] = {}
    for f in findings:
        agency = holders[(f.agency.path, Role.COORDINATOR)] | (
            holders[(f.unit.path, Role.UNIT_STAFF)] if f.unit else set()
        )
        above = parent_path(f.agency.path)
        escalate = (
            agency
            | holders[(f.body.path, Role.SUPERVISOR)]
            | (holders[(above, Role.COORDINATOR)] if above else set())
        )
        wanted[(reporting_rules.REMINDER, f.pk)] = agency
        wanted[(reporting_rules.OVERDUE, f.pk)] = agency
        wanted[(reporting_rules.ESCALATION, f.pk)] = escalate
    return wanted


def is_panelist(user: Any, visit: Visit) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and Panelist.objects.filter(visit=visit, user=user).exists()
    )


# --- results -------------------------------------------------------------------------------------


@dataclass
class CriterionResult:
    criterion: Criterion
    mean: Decimal | None
    comments: list[str]


@dataclass
class Results:
    rows: list[CriterionResult]
    total: Decimal | None  # the panel's result: the mean of the reviewers' weighted totals
    reviewers: int


def results(visit: Visit, agency: Agency) -> Results:
    """The panel's scores for one visited agency: per criterion the reviewers' mean and comments,
    and the panel's total from each reviewer who scored every criterion."""
    if visit.criteria_id is None:
        return Results([], None, 0)
    criteria = list(Criterion.objects.filter(criteria_id=visit.criteria_id))
    by_reviewer: dict[int, dict[str, Decimal]] = defaultdict(dict)
    by_criterion: dict[int, list[Decimal]] = defaultdict(list)
    comments: dict[int, list[str]] = defaultdict(list)
    for score in Score.objects.filter(visit=visit, agency=agency).select_related("criterion"):
        if score.score is not None:
            by_reviewer[score.reviewer_id][score.criterion.code] = score.score
            by_criterion[score.criterion_id].append(score.score)
        if score.comment:
            comments[score.criterion_id].append(score.comment)
    rows = [
        CriterionResult(
            c, rules.panel_result(by_criterion[c.pk]) if by_criterion[c.pk] else None, comments[c.pk]
        )
        for c in criteria
    ]
    scales = [c.scale() for c in criteria]
    total = rules.panel_result(rules.weighted_total(scores, scales) for scores in by_reviewer.values())
    return Results(rows, total, len(by_reviewer))


def visited_agencies_for(user: Any, visit: Visit) -> list[Agency]:
    """The visited agencies whose part of a visit the user reads: every one for the body's people
    and the panel; else their own agency and those they are the 主管機關 of."""
    agencies = visit.agencies.order_by("path")
    if is_panelist(user, visit) or Visit.objects.filter(body_staff_q(user), pk=visit.pk).exists():
        return list(agencies)
    return list(agencies.filter(Q(reach_q(user)) | _by_role(user, "parent", (Role.COORDINATOR,))))
