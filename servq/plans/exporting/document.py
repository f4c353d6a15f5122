"""One plan, laid out once as the seed documents lay it out; every format renders this."""

from __future__ import annotations

from dataclasses import dataclass, field

from servq.core.rules import format_roc_year
from servq.plans.models import Plan
from servq.plans.selectors import indicators_of, items_grouped_by_framework

# Column names the importer recognises, so an exported document imports back (see importing/layout.py).
PATH_COLUMNS = ("計畫要項", "執行策略")
# Top-level headings numbered 壹、貳、… as the seeds number them: a section whose own text is numbered
# 一、二、… (goals, scope, rewards) then reads back as one section, not as several.
SECTION_NUMBERS = "壹貳參肆伍陸柒捌玖拾"


@dataclass
class ItemRow:
    path: list[str]
    text: str
    actions: str
    deadline: str
    units: str
    benefit: str
    deadline_kind: str = ""
    due: str = ""
    item_id: int = 0
    # Set when a compiled report holds several agencies' items, and for year-end reports.
    agency: str = ""
    result: str = ""


@dataclass
class IndicatorRow:
    name: str
    unit: str
    direction: str
    baseline: str
    targets: list[tuple[str, str]]


@dataclass
class PlanDocument:
    title: str
    agency: str
    revisions: list[str]
    sections: list[tuple[str, str]]
    depth: int
    rows: list[ItemRow]
    indicators: list[IndicatorRow]
    # The sections after the table, as plans print them: 實施步驟, 管制考核, 獎勵方式.
    closing: list[tuple[str, str]] = field(default_factory=list)
    has_actions: bool = False
    has_benefits: bool = False
    has_results: bool = False
    # The 承辦單位 column: plans carry it; a year-end 附表 only where the body asks (000 has none).
    has_units: bool = True
    columns: list[str] = field(default_factory=list)
    # What the table's section is called: a plan's 計畫內容; other documents name their own table.
    table_title: str = "計畫內容"

    def section_heading(self, index: int, title: str) -> str:
        return f"{SECTION_NUMBERS[index]}、{title}"

    def table_heading_index(self) -> int:
        return len(self.sections)

    def row_cells(self, row: ItemRow, previous: ItemRow | None) -> list[str]:
        """One table row; a framework cell is written only where it changes, as plans print them."""
        cells = []
        for level in range(self.depth):
            value = row.path[level] if level < len(row.path) else ""
            same = previous is not None and previous.path[: level + 1] == row.path[: level + 1]
            cells.append("" if same else value)
        cells.append(row.text)
        if self.has_actions:
            cells.append(row.actions)
        cells.append(row.deadline)
        if self.has_units:
            cells.append(row.units)
        if self.has_benefits:
            cells.append(row.benefit)
        if self.has_results:
            cells.append(row.result)
        return cells


def build(plan: Plan) -> PlanDocument:
    rows = [
        ItemRow(
            path=group.path,
            text=item.text,
            actions=item.actions,
            deadline=item.deadline_raw,
            units="、".join(u.name for u in item.units.all()),
            benefit=item.expected_benefit,
            deadline_kind=item.deadline_kind,
            due=item.deadline_due.isoformat() if item.deadline_due else "",
            item_id=item.pk,
        )
        for group in items_grouped_by_framework(plan)
        for item in group.items
    ]
    years = format_roc_year(plan.first_year).removesuffix("年")
    last = format_roc_year(plan.last_year).removesuffix("年")
    sections = [
        ("依據", plan.basis),
        ("目標", plan.goals),
        ("計畫期程", f"本計畫期程為{years}至{last}年。"),
        ("實施對象", plan.scope),
    ]
    depth = max((len(r.path) for r in rows), default=0)
    document = PlanDocument(
        title=plan.title,
        agency=plan.agency.name,
        revisions=[r.label for r in plan.revisions.all()],
        sections=[(title, text) for title, text in sections if text.strip()],
        depth=depth,
        rows=rows,
        indicators=[
            IndicatorRow(
                name=i.name,
                unit=i.unit,
                direction=i.get_direction_display(),
                baseline="" if i.baseline is None else f"{i.baseline:g}",
                targets=[(format_roc_year(t.year), f"{t.value:,g}") for t in i.targets.all()],
            )
            for i in indicators_of(plan)
        ],
        closing=[
            (title, text)
            for title, text in (
                ("實施步驟", plan.steps),
                ("管制考核", plan.oversight),
                ("獎勵方式", plan.rewards),
            )
            if text.strip()
        ],
        has_actions=any(r.actions for r in rows),
        has_benefits=any(r.benefit for r in rows),
    )
    path_names = [PATH_COLUMNS[level] if level < len(PATH_COLUMNS) else "" for level in range(depth)]
    document.columns = item_columns(document, path_names)
    return document


def item_columns(document: PlanDocument, framework: list[str]) -> list[str]:
    """The table's header, in the order row_cells writes the cells."""
    return [
        *framework,
        "執行方法",
        *(["執行重點"] if document.has_actions else []),
        "完成期限",
        *(["承辦單位"] if document.has_units else []),
        *(["預期效益"] if document.has_benefits else []),
    ]
