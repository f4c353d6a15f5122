"""The year-end report (年度執行成果) laid out like seed 000's 附表: each plan's table with 辦理情形及成效.

It reuses the plan document and every format of servq.plans.exporting: an agency's report is its plan's
table with one more column; a parent body's compiled report puts every agency's rows under its name.
"""

from __future__ import annotations

from dataclasses import replace

from servq.agencies.models import Agency
from servq.core.rules import format_roc_year
from servq.plans.exporting import FORMATS
from servq.plans.exporting.document import PlanDocument, build
from servq.plans.models import Plan, PlanCycle
from servq.reporting.selectors import latest_reports

RESULT_COLUMN = "辦理情形及成效"
AGENCY_COLUMN = "機關"


def _results(cycle: PlanCycle, plans: list[Plan]) -> dict[int, str]:
    """Each item's latest report in the cycle, as the 辦理情形及成效 cell: 【status】narrative."""
    reports = latest_reports(cycle, Plan.objects.filter(pk__in=[plan.pk for plan in plans]))
    return {
        p.item_id: f"【{p.get_status_display()}】{p.narrative}".strip()
        for p in reports.only("item_id", "status", "narrative")
    }


def year_end_document(cycle: PlanCycle, root: Agency) -> PlanDocument:
    """The year's report for ``root`` and every agency below it, each item from its latest report."""
    plans = list(
        Plan.objects.filter(cycle=cycle, agency__path__startswith=root.path)
        .exclude(status="superseded")
        .select_related("agency")
        .order_by("agency__path")
    )
    results = _results(cycle, plans)
    documents = [build(plan) for plan in plans]
    title = f"{root.name}{format_roc_year(cycle.year)}度{cycle.program.name}執行成果"
    if len(plans) == 1 and plans[0].agency_id == root.pk:
        document = documents[0]
        document.rows = [replace(row, result=results.get(row.item_id, "")) for row in document.rows]
        document.title = title
    else:
        document = _compiled(title, root, documents, results)
    document.has_results = True
    document.columns = [*document.columns, RESULT_COLUMN]
    document.sections = []
    document.indicators = []
    document.oversight = ""
    return document


def _compiled(
    title: str, root: Agency, documents: list[PlanDocument], results: dict[int, str]
) -> PlanDocument:
    """Every agency's rows under its name, as one table one level deeper."""
    rows = [
        replace(row, path=[doc.agency, *row.path], agency=doc.agency, result=results.get(row.item_id, ""))
        for doc in documents
        for row in doc.rows
    ]
    depth = max((len(row.path) for row in rows), default=1)
    inner_depth = depth - 1
    framework = [
        ("計畫要項" if level == 0 else "執行策略" if level == 1 else "") for level in range(inner_depth)
    ]
    has_actions = any(doc.has_actions for doc in documents)
    has_benefits = any(doc.has_benefits for doc in documents)
    return PlanDocument(
        title=title,
        agency=root.name,
        revisions=[],
        sections=[],
        depth=depth,
        rows=rows,
        indicators=[],
        oversight="",
        has_actions=has_actions,
        has_benefits=has_benefits,
        columns=[
            AGENCY_COLUMN,
            *framework,
            "執行方法",
            *(["執行重點"] if has_actions else []),
            "完成期限",
            "承辦單位",
            *(["預期效益"] if has_benefits else []),
        ],
    )


def export_year_end(cycle: PlanCycle, root: Agency, fmt: str) -> bytes:
    return FORMATS[fmt].render(year_end_document(cycle, root))
