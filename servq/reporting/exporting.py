"""The year-end report (年度執行成果) laid out like seed 000's 附表: each plan's table with 辦理情形及成效.

It reuses the plan document and every format of servq.plans.exporting: an agency's report is its plan's
table with one more column; a parent body's compiled report puts every agency's rows under its name.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils import timezone

from servq.agencies.models import Agency
from servq.core.rules import format_roc_datetime, format_roc_year
from servq.plans.exporting import FORMATS
from servq.plans.exporting.document import PlanDocument, build, item_columns
from servq.plans.models import Plan, PlanCycle
from servq.reporting.models import YearEndReport
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
    """The year's report for ``root`` and every agency below it, each item from its latest report,
    in the body's layout: 000's 附表 (計畫要項、執行策略、執行方法、完成期限、辦理情形及成效) unless
    the cycle asks for the 承辦單位 column too."""
    plans = list(
        Plan.objects.filter(cycle=cycle, agency__path__startswith=root.path)
        .exclude(status="superseded")
        .select_related("agency")
        .order_by("agency__path")
    )
    results = _results(cycle, plans)
    documents = [build(plan) for plan in plans]
    for each in documents:
        each.has_units = cycle.year_end_units
        each.columns = item_columns(each, each.columns[: each.depth])
    title = f"{root.name}{format_roc_year(cycle.year)}度{cycle.program.name}執行成果"
    if len(plans) == 1 and plans[0].agency_id == root.pk:
        document = documents[0]
        document.rows = [replace(row, result=results.get(row.item_id, "")) for row in document.rows]
        document.title = title
    else:
        document = _compiled(title, root, documents, results, units=cycle.year_end_units)
    document.has_results = True
    document.columns = [*document.columns, RESULT_COLUMN]
    document.sections = []
    document.indicators = []
    document.closing = _sign_off(
        YearEndReport.objects.filter(cycle=cycle, agency=root).select_related("signed_by").first()
    )
    return document


def _sign_off(report: YearEndReport | None) -> list[tuple[str, str]]:
    """After the table, as the signed report reads: its 綜合說明 and who signed it off, when, and why
    early (issue 33.6: the PDF left both out)."""
    if report is None:
        return []
    closing = [("綜合說明", report.summary)] if report.summary.strip() else []
    if report.signed_at is not None:
        who = (
            (report.signed_by.get_full_name() or report.signed_by.get_username()) if report.signed_by else ""
        )
        said = f"{who} 於 {format_roc_datetime(timezone.localtime(report.signed_at))} 核定。"
        if report.sign_reason:
            said += f"理由：{report.sign_reason}"
        closing.append(("首長核定", said))
    return closing


def _compiled(
    title: str, root: Agency, documents: list[PlanDocument], results: dict[int, str], *, units: bool
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
    document = PlanDocument(
        title=title,
        agency=root.name,
        revisions=[],
        sections=[],
        depth=depth,
        rows=rows,
        indicators=[],
        has_actions=any(doc.has_actions for doc in documents),
        has_benefits=any(doc.has_benefits for doc in documents),
        has_units=units,
    )
    document.columns = item_columns(document, [AGENCY_COLUMN, *framework])
    return document


def year_end_columns(cycle: PlanCycle) -> list[str]:
    """The 附表's columns in words, for the page that offers the download."""
    units = ["承辦單位"] if cycle.year_end_units else []
    return ["計畫要項", "執行策略", "執行方法", "完成期限", *units, RESULT_COLUMN]


def export_year_end(cycle: PlanCycle, root: Agency, fmt: str) -> bytes:
    return FORMATS[fmt].render(year_end_document(cycle, root))
