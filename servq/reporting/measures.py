"""Measures the plan cycle itself provides, for indicators to read (see servq.core.measures)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, Max, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from servq.agencies.models import Agency
from servq.core import stand_ins
from servq.core.measures import Scope, register
from servq.core.rules import share
from servq.plans.models import Plan, PlanKind
from servq.reporting.models import (
    ItemProgress,
    ProgressStatus,
    ReportingPeriod,
    SelfEvaluation,
    YearEndReport,
)
from servq.reporting.rules import half_year_end, self_evaluation_due


def _progress_due(scope: Scope) -> QuerySet[ItemProgress]:
    return ItemProgress.objects.filter(
        agency__path__startswith=scope.agency_path,
        item__deadline_due__gte=scope.start,
        item__deadline_due__lte=scope.end,
    ).order_by("item__deadline_due")


def _plans_due(scope: Scope, deadline: str) -> QuerySet[Plan]:
    """First versions of the subtree's execution and work plans whose cycle's ``deadline`` is in range."""
    return Plan.objects.filter(
        agency__path__startswith=scope.agency_path,
        **{f"cycle__{deadline}__gte": scope.start, f"cycle__{deadline}__lte": scope.end},
        first_version__isnull=True,
    ).order_by("agency__path")


PLAN_COLUMNS = (
    "title",
    "agency__name",
    "cycle__submit_by",
    "submitted_at",
    "cycle__publish_by",
    "published_at",
)


@register(
    key="plans.items_done_on_time",
    label=_("計畫項目如期完成率"),
    unit="%",
    definition=_(
        "完成期限落在期間內的計畫項目中，於期限內以「已完成」填報者所占比率（經常辦理的項目不計）。"
    ),
    records=_progress_due,
    columns=("item__text", "agency__name", "item__deadline_due", "status", "submitted_at"),
)
def items_done_on_time(scope: Scope) -> Decimal | None:
    due = _progress_due(scope)
    counts = due.aggregate(
        items=Count("item", distinct=True),
        on_time=Count(
            "item",
            distinct=True,
            filter=Q(status=ProgressStatus.DONE, submitted_at__date__lte=F("item__deadline_due")),
        ),
    )
    return share(counts["on_time"], counts["items"])


@register(
    key="plans.submitted_on_time",
    label=_("計畫如期送審率"),
    unit="%",
    definition=_(
        "送審期限落在期間內的年度作業中，各機關計畫於期限內送審者所占比率（經濟部「每年12月底前…研訂次年度…執行計畫」）。"
    ),
    records=lambda scope: _plans_due(scope, "submit_by"),
    columns=PLAN_COLUMNS,
)
def plans_submitted_on_time(scope: Scope) -> Decimal | None:
    plans = _plans_due(scope, "submit_by")
    counts = plans.aggregate(
        plans=Count("id"), on_time=Count("id", filter=Q(submitted_at__date__lte=F("cycle__submit_by")))
    )
    return share(counts["on_time"], counts["plans"])


@register(
    key="plans.published_on_time",
    label=_("計畫如期公告率"),
    unit="%",
    definition=_(
        "公告期限落在期間內的年度作業中，各機關執行（工作）計畫於期限內公告於網站者所占比率"
        "（財政部「每年1月底前主動公布於機關網站」、經濟部「1月底前…公開於機關網站」）。"
    ),
    records=lambda scope: _plans_due(scope, "publish_by").exclude(kind=PlanKind.IMPLEMENTATION),
    columns=PLAN_COLUMNS,
)
def plans_published_on_time(scope: Scope) -> Decimal | None:
    plans = _plans_due(scope, "publish_by").exclude(kind=PlanKind.IMPLEMENTATION)
    on_time = Plan.objects.filter(
        Q(pk__in=plans) | Q(first_version__in=plans),
        published_at__date__lte=F("cycle__publish_by"),
    )
    return share(on_time.values("agency", "cycle").distinct().count(), plans.count())


def _halves_ending(scope: Scope) -> list[tuple[int, int]]:
    halves = [(year, half) for year in range(scope.start.year, scope.end.year + 1) for half in (1, 2)]
    return [(y, h) for y, h in halves if scope.start <= half_year_end(y, h) <= scope.end]


def _self_evaluations(scope: Scope) -> QuerySet[SelfEvaluation]:
    halves = Q(pk__in=[])
    for year, half in _halves_ending(scope):
        halves |= Q(year=year, half=half)
    return SelfEvaluation.objects.filter(halves, plan__agency__path__startswith=scope.agency_path).order_by(
        "year", "half", "plan__agency__path"
    )


@register(
    key="reporting.self_evaluations_on_time",
    label=_("自行考核如期辦理率"),
    unit="%",
    definition=_(
        "期間內結束的每個半年，各執行（工作）計畫於期限內送出自行考核者所占比率（經濟部「上、下半年度自行實施考核各1次」）。"
        "期限為半年結束後次月底（servq 的預設，種子計畫未定日期）。"
    ),
    records=_self_evaluations,
    columns=("plan__title", "plan__agency__name", "year", "half", "overall", "submitted_at"),
)
def self_evaluations_on_time(scope: Scope) -> Decimal | None:
    halves = _halves_ending(scope)
    plans = Plan.objects.filter(
        agency__path__startswith=scope.agency_path,
        kind__in=[PlanKind.EXECUTION, PlanKind.WORK],
        first_version__isnull=True,
    )
    expected = on_time = 0
    filed = {
        (e.plan_id, e.year, e.half): e.submitted_at
        for e in _self_evaluations(scope)
        .filter(submitted_at__isnull=False)
        .only("plan_id", "year", "half", "submitted_at")
    }
    for plan_id, first, last in plans.values_list("pk", "first_year", "last_year"):
        for year, half in halves:
            if first <= year <= last:
                expected += 1
                at = filed.get((plan_id, year, half))
                on_time += at is not None and at.date() <= self_evaluation_due(year, half)
    return share(on_time, expected)


def _year_end_dues(scope: Scope) -> dict[int, tuple[dt.date, int]]:
    """Each cycle whose year-end report falls due in the range (its last period's due date):
    id → (due, the cycle's year)."""
    dues = ReportingPeriod.objects.values("cycle_id", "cycle__year").annotate(due=Max("due_on"))
    return {
        row["cycle_id"]: (row["due"], row["cycle__year"])
        for row in dues
        if scope.start <= row["due"] <= scope.end
    }


@register(
    key="reporting.year_end_on_time",
    label=_("年度執行成果如期提報率"),
    unit="%",
    definition=_(
        "最後一期填報期限落在期間內的年度作業中，各參與機關於該期限內完成核定年度執行成果者所占比率"
        "（主計總處「每年1月20日前送交」、經濟部「次年1月15日前…報部」、高雄市「次年1月提送」）；"
        "經推薦參獎並以參獎申請書替代者視為如期（高雄市）。"
    ),
    records=lambda scope: YearEndReport.objects.filter(
        agency__path__startswith=scope.agency_path, cycle__in=list(_year_end_dues(scope))
    ).order_by("agency__path"),
    columns=("cycle__title", "agency__name", "compiled_at", "signed_at"),
)
def year_end_on_time(scope: Scope) -> Decimal | None:
    expected = on_time = 0
    for cycle_id, (due, year) in _year_end_dues(scope).items():
        participants = list(
            Agency.objects.filter(cycles=cycle_id, path__startswith=scope.agency_path).values_list(
                "pk", flat=True
            )
        )
        expected += len(participants)
        signed = set(
            YearEndReport.objects.filter(
                cycle=cycle_id, agency__in=participants, signed_at__date__lte=due
            ).values_list("agency_id", flat=True)
        )
        # An award application standing in for the report counts as filed (004).
        on_time += len(signed | set(stand_ins.year_end(year, participants)))
    return share(on_time, expected)
