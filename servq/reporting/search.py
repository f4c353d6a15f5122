"""Self-evaluations and year-end reports in the platform search (core.search_kinds). A submitted
self-evaluation is public (as its page is); a compiled year-end report is for staff in reach."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.core import search_kinds
from servq.core.rules import to_roc_year
from servq.core.search_kinds import POLICY, Document, Kind
from servq.reporting.models import SelfEvaluation, YearEndReport
from servq.reporting.selectors import published_self_evaluations

SELF_EVALUATIONS = "reporting.self_evaluation"
YEAR_END_REPORTS = "reporting.year_end"
HALVES = {1: "上半年", 2: "下半年"}


def read_self_evaluations(keys: list[str]) -> list[Document]:
    submitted = published_self_evaluations().filter(pk__in=keys).prefetch_related("grades__item")
    return [
        Document(
            key=str(evaluation.pk),
            title=(
                f"{evaluation.plan.agency.name} {to_roc_year(evaluation.year)}年"
                f"{HALVES.get(evaluation.half, '')}自行考核：{evaluation.plan.title}"
            ),
            text="\n".join(
                [evaluation.summary, *(f"{g.item.text} {g.remark}" for g in evaluation.grades.all())]
            ),
            url=reverse("reporting:public_self_evaluation", args=[evaluation.pk]),
            agency_path=evaluation.plan.agency.path,
            public=True,
            year=evaluation.year,
        )
        for evaluation in submitted
    ]


def read_year_end_reports(keys: list[str]) -> list[Document]:
    compiled = YearEndReport.objects.filter(pk__in=keys, compiled_at__isnull=False).select_related(
        "agency", "cycle"
    )
    return [
        Document(
            key=str(report.pk),
            title=f"{report.agency.name} {report.cycle.title} 年度執行成果",
            text=report.summary,
            url=reverse("reporting:year_end", args=[report.cycle_id, report.agency_id]),
            agency_path=report.agency.path,
            public=False,
            year=report.cycle.year,
        )
        for report in compiled
    ]


search_kinds.register(
    Kind(
        SELF_EVALUATIONS,
        _("自行考核"),
        POLICY,
        read_self_evaluations,
        lambda: published_self_evaluations().prefetch_related(None).values_list("pk", flat=True).iterator(),
    )
)
search_kinds.register(
    Kind(
        YEAR_END_REPORTS,
        _("年度執行成果"),
        POLICY,
        read_year_end_reports,
        lambda: (
            YearEndReport.objects.filter(compiled_at__isnull=False).values_list("pk", flat=True).iterator()
        ),
    )
)
search_kinds.follow(SelfEvaluation, SELF_EVALUATIONS)
search_kinds.follow(YearEndReport, YEAR_END_REPORTS)
