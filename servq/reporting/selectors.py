"""Reads of the reporting cycle that views, reports, tasks and benchmarks share."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from servq.agencies.models import Agency, AgencyKind, Membership
from servq.agencies.rules import Role, parent_path
from servq.agencies.selectors import grants_of, reach_q
from servq.core import measures
from servq.plans import readings
from servq.plans.models import Indicator, Plan, PlanCycle, PlanItem, PlanStatus
from servq.reporting import rules
from servq.reporting.models import (
    IndicatorActual,
    ItemProgress,
    ProgressStatus,
    ReportingPeriod,
    SelfEvaluation,
)

STATUSES = list(ProgressStatus.values)


def periods_of(cycle: PlanCycle) -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.filter(cycle=cycle).order_by("end", "frequency")


def current_period(cycle: PlanCycle, today: dt.date) -> ReportingPeriod | None:
    """The period whose report is due next (or the last one, once the year is over)."""
    periods = list(periods_of(cycle))
    upcoming = [p for p in periods if p.due_on >= today]
    return min(upcoming, key=lambda p: p.due_on) if upcoming else (periods[-1] if periods else None)


def cycles_visible_to(user: Any) -> QuerySet[PlanCycle]:
    """Cycles the user's agency runs or takes part in (or, as a supervisor, anything below)."""
    # A unit's staff take part through the agency their unit belongs to.
    own_and_above = {path for grant in grants_of(user) for path in rules.ancestors_of(grant.path)}
    reach = (
        reach_q(user, "agency")
        | reach_q(user, "participants")
        | Q(participants__path__in=sorted(own_and_above))
    )
    return (
        PlanCycle.objects.filter(reach)
        .distinct()
        .select_related("agency", "program")
        .order_by("-year", "title")
    )


def plans_reported_to(user: Any) -> QuerySet[Plan]:
    """Plans whose reporting (progress, evidence, self-evaluation) the user may read: their own
    agency's, a supervisor's subtree, and for unit staff the agency their unit belongs to.

    Not every published plan: a plan is public, its reporting is not (a published plan of another
    agency would otherwise hand out its evidence files by sequential id)."""
    unit_agencies = {parent_path(g.path) for g in grants_of(user) if g.role == Role.UNIT_STAFF}
    reach = reach_q(user, "agency") | Q(agency__path__in=sorted(p for p in unit_agencies if p))
    return Plan.objects.filter(reach).select_related("agency", "program")


# --- the progress form --------------------------------------------------------------------------


@dataclass
class ProgressRow:
    item: PlanItem
    progress: ItemProgress | None
    indicators: list[tuple[Indicator, IndicatorActual | None]]
    measured: list[readings.Reading] = field(default_factory=list)  # live, over the period


def progress_rows(plan: Plan, period: ReportingPeriod) -> list[ProgressRow]:
    """Every item of the plan with its report for the period, its evidence and indicator values."""
    reports = {
        p.item_id: p
        for p in ItemProgress.objects.filter(item__plan=plan, period=period).prefetch_related("evidence")
    }
    actuals = {a.indicator_id: a for a in IndicatorActual.objects.filter(indicator__plan=plan, period=period)}
    indicators: dict[int | None, list[Indicator]] = defaultdict(list)
    for indicator in Indicator.objects.filter(plan=plan).select_related("plan__agency").order_by("position"):
        indicators[indicator.item_id].append(indicator)
    items = plan.items.order_by("position").prefetch_related("units")
    today = timezone.localdate()
    return [
        ProgressRow(
            item,
            reports.get(item.pk),
            [(ind, actuals.get(ind.pk)) for ind in indicators[item.pk]],
            [
                readings.over_range(ind, period.start, period.end, today)
                for ind in indicators[item.pk]
                if ind.measure_key
            ],
        )
        for item in items
    ]


# --- achievement --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AchievementRow:
    indicator: Indicator
    target: Decimal | None
    actual: Decimal | None
    achievement: Decimal | None
    source: str = "typed"  # measured, override or typed: where ``actual`` came from
    error: str = ""  # why a measure could not compute (the row reads 無資料, the page goes on)

    def figure(self) -> rules.IndicatorFigure:
        met = None if self.achievement is None else self.achievement >= 100
        ind = self.indicator
        return rules.IndicatorFigure(ind.name, ind.unit, self.target, self.actual, met, self.source)


def achievements(plans: QuerySet[Plan], year: int) -> list[AchievementRow]:
    """Each indicator's value this year against its target: measured live where it is bound to a
    measure, else typed per period (cumulative ones summed from the start); an override wins."""
    indicators = _with_plans(
        Indicator.objects.filter(plan__in=plans).order_by("plan__agency__path", "position")
    )
    typed: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for indicator_id, end, value in IndicatorActual.objects.filter(
        indicator__plan__in=plans, period__end__year__lte=year
    ).values_list("indicator_id", "period__end", "value"):
        typed[indicator_id].append((end, value))
    live = readings.readings(indicators, year, timezone.localdate())
    rows = []
    for indicator in indicators:
        reading = live[indicator.pk]
        target = reading.target
        values = [v for end, v in sorted(typed[indicator.pk]) if indicator.cumulative or end.year == year]
        actual = rules.current_value(values, cumulative=indicator.cumulative)
        source = (
            "override" if reading.override is not None else "measured" if indicator.measure_key else "typed"
        )
        if source != "typed":
            # Measured live over the year (typed periods do not apply), or set by hand with a reason.
            actual = reading.value
        rows.append(
            AchievementRow(
                indicator,
                target,
                actual,
                rules.achievement(actual, target, higher_is_better=indicator.direction == "higher"),
                source,
                reading.error,
            )
        )
    return rows


def _with_plans(indicators: QuerySet[Indicator]) -> list[Indicator]:
    """The indicators with their plan and its agency read once per plan, not once per indicator (a
    body's dashboard holds thousands of indicators over a few hundred plans)."""
    found = list(indicators)
    plans = Plan.objects.filter(pk__in={i.plan_id for i in found}).select_related("agency").in_bulk()
    for indicator in found:
        indicator.plan = plans[indicator.plan_id]
    return found


def year_end_figures(cycle: PlanCycle, agency: Agency) -> list[AchievementRow]:
    """The agency's own indicators in the cycle, for its year-end report and the draft of 綜合說明."""
    plans = Plan.objects.filter(cycle=cycle, agency=agency).exclude(status="superseded")
    return achievements(plans, cycle.year)


def draft_summary(cycle: PlanCycle, agency: Agency) -> str:
    """綜合說明's first draft from the roll-up and the indicators, for the coordinator to edit."""
    rollup = year_end_rollup(cycle, root=agency)
    labels = {key: str(label) for key, label in ProgressStatus.choices}
    return rules.draft_summary(
        year=cycle.year,
        totals=rollup.totals_of(agency.path),
        labels=labels,
        figures=[row.figure() for row in year_end_figures(cycle, agency)],
    )


@dataclass(frozen=True)
class AchievementSummary:
    """One indicator name across many agencies: how many report it, how many meet the target."""

    name: str
    unit: str
    agencies: int
    met: int
    median: Decimal | None


def summarise_achievements(rows: list[AchievementRow]) -> list[AchievementSummary]:
    groups: dict[tuple[str, str], list[AchievementRow]] = defaultdict(list)
    for row in rows:
        groups[(row.indicator.name, row.indicator.unit)].append(row)
    summaries = []
    for (name, unit), members in sorted(groups.items()):
        scores = [r.achievement for r in members if r.achievement is not None]
        summaries.append(
            AchievementSummary(
                name=name,
                unit=unit,
                agencies=len({r.indicator.plan.agency_id for r in members}),
                met=sum(1 for score in scores if score >= 100),
                median=statistics.median(scores) if scores else None,
            )
        )
    return summaries


# --- year-end roll-up ---------------------------------------------------------------------------


@dataclass
class Rollup:
    """Items by status per agency, each agency's figures including everything below it."""

    agencies: list[Agency]
    totals: dict[str, Counter[str]]

    def totals_of(self, path: str) -> dict[str, int]:
        counts = self.totals.get(path, Counter())
        return {status: counts.get(status, 0) for status in [*STATUSES, "items", "unreported"]}

    def rows(self) -> list[tuple[Agency, dict[str, int]]]:
        return [
            (agency, self.totals_of(agency.path)) for agency in self.agencies if agency.path in self.totals
        ]


def latest_reported_period(cycle: PlanCycle) -> ReportingPeriod | None:
    """Where a dashboard opens: the latest period anyone has reported in (the last period of the
    year is usually still empty, and showed every item 未填報 beside a signed year-end report);
    before any report, the latest period that has begun. One query."""
    reported = Exists(ItemProgress.objects.filter(period=OuterRef("pk")))
    begun = Case(When(start__lte=timezone.localdate(), then=Value(1)), default=Value(0))
    return (
        periods_of(cycle)
        .annotate(reported=reported, begun=begun)
        .order_by("-reported", "-begun", "-end", "-frequency")
        .first()
    )


def latest_reports(cycle: PlanCycle, plans: QuerySet[Plan]) -> QuerySet[ItemProgress]:
    """Each item's most recent report in the cycle: the period that ends last, and of two ending
    together the longer (the yearly report over the fourth quarter's). The year-end report starts
    from these, whatever periods the cycle has: quarters, halves or one year."""
    recency = Window(
        RowNumber(),
        partition_by=[F("item_id")],
        order_by=[F("period__end").desc(), F("period__start").asc(), F("pk").desc()],
    )
    return (
        ItemProgress.objects.filter(period__cycle=cycle, item__plan__in=plans)
        .annotate(recency=recency)
        .filter(recency=1)
    )


def year_end_rollup(
    cycle: PlanCycle, *, root: Agency | None = None, period: ReportingPeriod | None = None
) -> Rollup:
    """Compile the year from the items up the agency tree: each item's latest report in the cycle,
    or its report for ``period`` when one is asked for (the dashboards' period filter)."""
    plans = Plan.objects.filter(cycle=cycle).exclude(status="superseded")
    if root is not None:
        plans = plans.filter(agency__path__startswith=root.path)
    own: dict[str, Counter[str]] = defaultdict(Counter)
    for path, item_count in plans.values_list("agency__path").annotate(item_count=Count("items")).order_by():
        own[path]["items"] += item_count
        own[path]["unreported"] += item_count
    if period is not None:
        reported = Counter(
            dict(
                ((path, status), n)
                for path, status, n in ItemProgress.objects.filter(period=period, item__plan__in=plans)
                .values_list("agency__path", "status")
                .annotate(n=Count("id"))
                .order_by()  # no ordering joins in a grouped query
            )
        )
    else:
        reported = Counter(latest_reports(cycle, plans).values_list("agency__path", "status"))
    for (path, status), n in reported.items():
        own[path][status] += n
        own[path]["unreported"] -= n
    totals = rules.roll_up(own)
    agencies = list(Agency.objects.filter(path__in=list(totals)).order_by("path"))
    return Rollup(agencies, totals)


# --- compliance ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplianceRow:
    agency: Agency
    submitted_on: dt.date | None
    state: str


def compliance(period: ReportingPeriod, today: dt.date) -> list[ComplianceRow]:
    """Per participating agency: report on time, late, missing or not due yet."""
    submitted = dict(
        ItemProgress.objects.filter(period=period)
        .values_list("agency_id")
        .annotate(last=Max("submitted_at"))
        .values_list("agency_id", "last")
    )
    rows = []
    for agency in period.cycle.participants.order_by("path"):
        when = submitted.get(agency.pk)
        day = timezone.localdate(when) if when else None
        rows.append(ComplianceRow(agency, day, rules.compliance(day, period.due_on, today)))
    return rows


def unsubmitted_agencies(period: ReportingPeriod) -> list[Agency]:
    done = ItemProgress.objects.filter(period=period, submitted_at__isnull=False).values("agency_id")
    return list(period.cycle.participants.exclude(pk__in=done).order_by("path"))


def notice_recipients(agencies: list[Agency], cycle: PlanCycle) -> dict[tuple[str, int], list[int]]:
    """Who gets which notice for each late agency: coordinators; on escalation, the head and the
    supervisors of the body that runs the cycle as well."""
    by_agency: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for agency_id, user_id, role in Membership.objects.filter(
        agency__in=agencies, role__in=[Role.COORDINATOR, Role.HEAD], user__is_active=True
    ).values_list("agency_id", "user_id", "role"):
        by_agency[agency_id][role].append(user_id)
    supervisors = list(
        Membership.objects.filter(
            agency=cycle.agency, role=Role.SUPERVISOR, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    recipients: dict[tuple[str, int], list[int]] = {}
    for agency in agencies:
        coordinators = by_agency[agency.pk][Role.COORDINATOR]
        recipients[(rules.REMINDER, agency.pk)] = coordinators
        recipients[(rules.OVERDUE, agency.pk)] = coordinators
        recipients[(rules.ESCALATION, agency.pk)] = sorted({*by_agency[agency.pk][Role.HEAD], *supervisors})
    return recipients


# --- dashboards ---------------------------------------------------------------------------------


@dataclass
class Dashboard:
    cycle: PlanCycle
    period: ReportingPeriod | None
    by_status: dict[str, int]
    by_agency: list[tuple[Agency, dict[str, int]]]
    overdue: list[ItemProgress]
    achievement: list[AchievementRow]
    achievement_summary: list[AchievementSummary]
    trend: list[tuple[int, dict[str, int]]] = field(default_factory=list)

    def agency_rows(self, keys: list[str]) -> list[tuple[Agency, list[int]]]:
        """Each agency below with its counts in ``keys`` order, ready for the table and the CSV."""
        return [(agency, [totals.get(key, 0) for key in keys]) for agency, totals in self.by_agency]


def dashboard(
    cycle: PlanCycle, *, root: Agency, period: ReportingPeriod | None, overdue_limit: int = 50
) -> Dashboard:
    """What an agency (its subtree) or a supervisor (the whole cycle) sees, in a fixed number of queries."""
    period = period or latest_reported_period(cycle)
    rollup = year_end_rollup(cycle, root=root, period=period)
    overall = rollup.totals_of(root.path) if root.path in rollup.totals else _sum_rows(rollup)
    children = [(a, t) for a, t in rollup.rows() if a.parent_id == root.pk]
    # Agencies taking part that have no plan yet are still listed (with nothing to count), so a
    # supervisor never reads 「沒有所屬機關」 about a cycle two agencies take part in.
    shown = {agency.pk for agency, _ in children}
    waiting = cycle.participants.filter(parent=root).exclude(pk__in=shown).order_by("path")
    children += [(agency, Counter({"items": 0, "unreported": 0})) for agency in waiting]
    overdue: list[ItemProgress] = []
    if period is not None:
        overdue = list(
            ItemProgress.objects.filter(
                period=period,
                agency__path__startswith=root.path,
                status__in=[ProgressStatus.LATE, ProgressStatus.AT_RISK],
            )
            .select_related("item__plan", "agency")
            .order_by("agency__path", "item__position")[:overdue_limit]
        )
    plans = Plan.objects.filter(cycle=cycle, agency__path__startswith=root.path).exclude(status="superseded")
    achievement = achievements(plans, cycle.year)
    return Dashboard(
        cycle=cycle,
        period=period,
        by_status={s: overall.get(s, 0) for s in [*STATUSES, "unreported"]},
        by_agency=children,
        overdue=overdue,
        # Many agencies: one line per indicator name; one agency: its own indicators, one by one.
        achievement=[] if children else achievement,
        achievement_summary=summarise_achievements(achievement) if children else [],
        trend=year_over_year(cycle, root),
    )


def _sum_rows(rollup: Rollup) -> dict[str, int]:
    top = [
        a
        for a in rollup.agencies
        if not any(a.path != b.path and a.path.startswith(b.path) for b in rollup.agencies)
    ]
    total: Counter[str] = Counter()
    for agency in top:
        total.update(rollup.totals[agency.path])
    return dict(total)


def year_over_year(cycle: PlanCycle, root: Agency) -> list[tuple[int, dict[str, int]]]:
    """Items done and reported, by year, for the same program run by the same body: one grouped query."""
    rows = (
        ItemProgress.objects.filter(
            period__cycle__program=cycle.program,
            period__cycle__agency=cycle.agency,
            period__frequency=rules.YEARLY,
            agency__path__startswith=root.path,
        )
        .values_list("period__cycle__year")
        .annotate(done=Count("id", filter=Q(status=ProgressStatus.DONE)), reported=Count("id"))
        .order_by("period__cycle__year")
    )
    return [(year, {"done": done, "reported": reported}) for year, done, reported in rows]


def published_self_evaluations() -> QuerySet[SelfEvaluation]:
    return (
        SelfEvaluation.objects.filter(submitted_at__isnull=False)
        .select_related("plan__agency")
        .prefetch_related(Prefetch("grades"))
        .order_by("-year", "-half", "plan__agency__path")
    )


@dataclass(frozen=True)
class IndicatorTrend:
    """One indicator over its plan's years: the target set for each year and the actual reached."""

    indicator: Indicator
    years: list[int]
    targets: list[Decimal | None]
    actuals: list[Decimal | None]

    @property
    def rows(self) -> list[tuple[int, Decimal | None, Decimal | None]]:
        return list(zip(self.years, self.targets, self.actuals, strict=True))


def indicator_trends(cycle: PlanCycle, root: Agency) -> list[IndicatorTrend]:
    """Each indicator of the agency's own plan in the cycle, target against actual for every year
    of the plan; a year's actual is its latest period's (a year-end report, else the last quarter)."""
    plans = Plan.objects.filter(cycle=cycle, agency=root).exclude(status="superseded")
    indicators = list(
        Indicator.objects.filter(plan__in=plans)
        .prefetch_related("targets")
        .select_related("plan__agency")
        .order_by("position")
    )
    latest: dict[tuple[int, int], Decimal] = {}
    for actual in (
        IndicatorActual.objects.filter(indicator__in=indicators)
        .select_related("period")
        .order_by("period__end", "period__frequency")
    ):
        latest[(actual.indicator_id, actual.period.end.year)] = actual.value
    today = timezone.localdate()
    trends = []
    for indicator in indicators:
        years = list(range(indicator.plan.first_year, indicator.plan.last_year + 1))
        targets = {t.year: t.value for t in indicator.targets.all()}
        # A measured (or overridden) year reads live; a typed one its latest period's value.
        live = {r.year: r for r in readings.trend(indicator, today)}
        trends.append(
            IndicatorTrend(
                indicator,
                years,
                [targets.get(year) for year in years],
                [_year_value(live.get(year), latest.get((indicator.pk, year))) for year in years],
            )
        )
    return trends


def _year_value(reading: readings.Reading | None, typed: Decimal | None) -> Decimal | None:
    if reading is not None and (reading.override is not None or reading.indicator.measure_key):
        return reading.value
    return typed


# Statuses a year's result falls short at: what goes back to the units to improve (000:
# 「影送各單位檢討改進」). Not yet started, at risk, late, and never reported.
SHORT_OF = ("not_started", "at_risk", "late")


def items_falling_short(cycle: PlanCycle, root: Agency) -> list[tuple[Any, str]]:
    """Each item of the plans at or below ``root`` whose latest report in the cycle falls short, or
    that was never reported, with that status ("" for never reported), in plan and item order."""
    plans = Plan.objects.filter(cycle=cycle, agency__path__startswith=root.path).exclude(status="superseded")
    latest = dict(latest_reports(cycle, plans).values_list("item_id", "status"))
    items = (
        PlanItem.objects.filter(plan__in=plans)
        .select_related("plan__agency")
        .prefetch_related("units")
        .order_by("plan__agency__path", "position")
    )
    return [(item, latest.get(item.pk, "")) for item in items if latest.get(item.pk, "") in ("", *SHORT_OF)]


# --- measures and their records -----------------------------------------------------------------


@dataclass(frozen=True)
class RecordsTable:
    headings: list[str]
    rows: list[list[Any]]
    total: int


def _heading(model: Any, lookup: str) -> str:
    """A column's heading: the field's verbose name, or for ``agency__name`` the related model's (機關)."""
    *path, last = lookup.split("__")
    for part in path:
        model = model._meta.get_field(part).related_model
    if path and last in ("name", "title", "text", "question"):
        return str(model._meta.verbose_name)
    return str(model._meta.get_field(last).verbose_name)


def records_table(measure: Any, scope: Any, limit: int = 500) -> RecordsTable | None:
    """The rows behind a measure's value for the scope, as the measure names their columns."""
    records = measure.records_in(scope)
    if records is None:
        return None
    model = records.model
    choices = {
        lookup: dict(field.choices)
        for lookup in measure.columns
        if "__" not in lookup and (field := model._meta.get_field(lookup)).choices
    }
    rows = [
        [choices[c].get(v, v) if c in choices else v for c, v in zip(measure.columns, row, strict=True)]
        for row in records.values_list(*measure.columns)[:limit]
    ]
    return RecordsTable([_heading(model, c) for c in measure.columns], rows, records.count())


# --- self-evaluations filed, per half-year -------------------------------------------------------


@dataclass(frozen=True)
class SelfEvaluationRow:
    plan: Plan
    half: int
    due: dt.date
    filed_on: dt.date | None
    state: str  # on_time, late, missing, pending (as the period compliance states them)


def self_evaluation_compliance(cycle: PlanCycle, today: dt.date) -> list[SelfEvaluationRow]:
    """Each execution or work plan of the cycle, each half of the cycle's year: filed on time, late,
    missing, or not due yet (003: 上、下半年度自行實施考核各1次)."""
    plans = list(
        Plan.objects.filter(cycle=cycle, kind__in=["execution", "work"])
        .exclude(status=PlanStatus.SUPERSEDED)
        .select_related("agency")
        .order_by("agency__path")
    )
    filed = {
        (e.plan_id, e.half): timezone.localtime(e.submitted_at).date()
        for e in SelfEvaluation.objects.filter(plan__in=plans, year=cycle.year, submitted_at__isnull=False)
    }
    rows = []
    for plan in plans:
        for half in (1, 2):
            due = rules.self_evaluation_due(cycle.year, half)
            on = filed.get((plan.pk, half))
            rows.append(SelfEvaluationRow(plan, half, due, on, rules.compliance(on, due, today)))
    return rows


# --- each unit's results, for the personnel office (002: 列為年終考績之參考依據) ----------------------


def unit_results(cycle: PlanCycle, agency: Agency) -> list[list[str]]:
    """One row per item and responsible unit of the agency's plans in the cycle: the unit, the item,
    its deadline, its latest status and 辦理情形 — what a personnel office reads at 年終考績."""
    plans = Plan.objects.filter(cycle=cycle, agency=agency).exclude(status="superseded")
    latest = {
        p.item_id: p
        for p in latest_reports(cycle, plans).select_related("item").only("item_id", "status", "narrative")
    }
    labels = dict(ProgressStatus.choices)
    rows = []
    for item in (
        PlanItem.objects.filter(plan__in=plans).prefetch_related("units").order_by("plan_id", "position")
    ):
        report = latest.get(item.pk)
        status = str(labels[report.status]) if report else "未填報"
        for unit in item.units.all() or [None]:
            rows.append(
                [
                    unit.name if unit else "（未指定）",
                    f"{item.position + 1}. {item.text}",
                    item.deadline_raw,
                    status,
                    report.narrative if report else "",
                ]
            )
    return sorted(rows, key=lambda row: row[0])


# --- agencies side by side (the body above bodies: 行政院 over its ministries) ------------------------

# What a supervising office compares first: plans in on time, items done on time, results in on
# time, citizens' cases and applications closed on time, satisfaction, findings still open.
COMPARED_MEASURES = (
    "plans.submitted_on_time",
    "plans.items_done_on_time",
    "reporting.year_end_on_time",
    "cases.on_time_rate",
    "services.on_time_rate",
    "surveys.satisfaction",
    "inspections.open_findings",
)


@dataclass(frozen=True)
class ComparedCell:
    key: str
    value: Decimal | None
    error: str
    scope: Any  # measures.Scope


@dataclass(frozen=True)
class ComparedRow:
    agency: Agency
    plan: Plan | None
    cells: list[ComparedCell]


def agencies_supervised_below(user: Any) -> list[Agency]:
    """The agencies directly below those the user supervises (units are parts of an agency, not
    agencies to compare), in the tree's order."""
    paths = [g.path for g in grants_of(user) if g.role == Role.SUPERVISOR]
    if not paths:
        return []
    return list(
        Agency.objects.filter(parent__path__in=paths)
        .exclude(kind=AgencyKind.UNIT)
        .select_related("parent")
        .order_by("path")
    )


def side_by_side(agencies: list[Agency], year: int, today: dt.date) -> list[ComparedRow]:
    """Each agency's plan for the year and the compared measures over the year (to today), read
    together (from the measures cache where warm)."""
    end = min(dt.date(year, 12, 31), today)
    scopes = {a.pk: measures.Scope(a.path, dt.date(year, 1, 1), end) for a in agencies}
    values = readings.measure_values([(key, scopes[a.pk]) for a in agencies for key in COMPARED_MEASURES])
    plans: dict[int, Plan] = {}
    for plan in (
        Plan.objects.filter(agency__in=agencies, first_year__lte=year, last_year__gte=year)
        .exclude(status=PlanStatus.SUPERSEDED)
        .order_by("agency_id", "-version", "-pk")
    ):
        plans.setdefault(plan.agency_id, plan)
    return [
        ComparedRow(
            agency,
            plans.get(agency.pk),
            [
                ComparedCell(key, *values[(key, scopes[agency.pk])], scopes[agency.pk])
                for key in COMPARED_MEASURES
            ],
        )
        for agency in agencies
    ]
