"""The inspection report of one visited agency, laid out as a plan document so that every format
servq writes plans in (ODT, DOCX, PDF) writes it too: the visit, the scores per criterion with the
panel's comments, the summary, and the findings with their reply deadlines."""

from __future__ import annotations

from servq.agencies.models import Agency
from servq.core.rules import format_roc_date, format_roc_year
from servq.inspections import selectors
from servq.inspections.models import Finding, Visit
from servq.plans.exporting import FORMATS
from servq.plans.exporting.document import ItemRow, PlanDocument


def report(visit: Visit, agency: Agency) -> PlanDocument:
    panel = "、".join(
        f"{p.user.get_full_name() or p.user.get_username()}（{p.get_role_display()}）"
        for p in visit.panel.select_related("user")
    )
    facts = (
        f"訪查日期：{format_roc_date(visit.on)}\n方式：{visit.get_kind_display()}"
        + (f"\n主題：{visit.theme}" if visit.theme else "")
        + f"\n委員：{panel}"
        + (f"\n核定：{format_roc_date(visit.approved_at.date())}" if visit.approved_at else "")
    )
    results = selectors.results(visit, agency)
    rows = [
        ItemRow(
            path=[],
            text=f"{r.criterion.code} {r.criterion.name}（滿分 {r.criterion.max_score}，權重 {r.criterion.weight:g}）",
            actions="",
            deadline="—" if r.mean is None else str(r.mean),
            units="",
            benefit="\n".join(r.comments),
        )
        for r in results.rows
    ]
    findings = Finding.objects.filter(visit=visit, agency=agency).order_by("id")
    listed = "\n".join(
        f"{n}. {'【建議】' if f.recommendation else '【缺失】'}{f.text}"
        + (f"（請於 {format_roc_date(f.reply_due)} 前回復改善情形）" if f.reply_due else "")
        for n, f in enumerate(findings, start=1)
    )
    total = "" if results.total is None else f"\n總分（委員平均，百分制）：{results.total}"
    document = PlanDocument(
        title=f"{visit.body.name}{format_roc_year(visit.on.year)}度{visit.get_kind_display()}報告—{agency.name}",
        agency=visit.body.name,
        revisions=[],
        sections=[("訪查資訊", facts)],
        depth=0,
        rows=rows,
        indicators=[],
        closing=[("綜合意見", (visit.summary or "—") + total), ("缺失及建議事項", listed or "無")],
        has_benefits=True,
        has_units=False,
        columns=["評核項目", "得分", "委員意見"],
        table_title="評核結果",
    )
    return document


def render(visit: Visit, agency: Agency, fmt: str) -> bytes:
    return FORMATS[fmt].render(report(visit, agency))
