"""The survey report (調查報告) in every format servq writes plans in: method, sample, response rate,
results with intervals, reliability (α) and the comparison with last year; and the de-identified
responses as open data."""

from __future__ import annotations

from typing import Any

from servq.core.rules import format_roc_year
from servq.plans.exporting import FORMATS
from servq.plans.exporting.document import ItemRow, PlanDocument
from servq.surveys.models import Response, Survey
from servq.surveys.selectors import results


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def report(survey: Survey) -> PlanDocument:
    found = results(survey)
    method = [
        f"調查對象：{survey.questionnaire.get_audience_display()}；問卷：{survey.questionnaire}",
        f"抽樣：自 {survey.frame_size} 筆清冊以亂數種子 {survey.seed} 抽出 {found.invited} 人"
        if survey.seed is not None
        else "抽樣：開放填答",
        f"有效回收：{found.responses} 份"
        + (f"，回收率 {found.responses / found.invited:.1%}" if found.invited else ""),
        f"加權：依母體各層人數事後分層加權，設計效果 {found.design_effect:.2f}"
        if found.weighted and found.design_effect
        else "加權：未加權",
        "區間：滿意比率為 Wilson 95% 信賴區間（加權時以 Kish 有效樣本數），平均數為 t 分配 95% 信賴區間。",
    ]
    rows = [
        ItemRow(
            path=[r.item.section],
            text=f"{r.item.code} {r.item.text}",
            actions="",
            deadline=f"{_pct(r.share.estimate)}（{_pct(r.share.low)}–{_pct(r.share.high)}）"
            if r.share
            else "—",
            units="",
            benefit=f"{r.mean.estimate:.2f}（{r.mean.low:.2f}–{r.mean.high:.2f}），n={r.answered}"
            if r.mean
            else "、".join(f"{k} {v}" for k, v in r.counts.items()) or "—",
        )
        for r in found.items
    ]
    reliability = "\n".join(
        f"{section}：α = {alpha:.3f}" if alpha is not None else f"{section}：題數不足"
        for section, alpha in found.alphas.items()
    )
    comparison = (
        f"整體滿意比率與去年比較（{found.comparison.test}）：差 {found.comparison.difference * 100:+.1f} 個百分點，"
        f"統計量 {found.comparison.statistic:.3f}，p = {found.comparison.p_value:.4f}"
        if found.comparison
        else "無去年同一問卷的資料可比較。"
    )
    return PlanDocument(
        title=f"{survey.agency.name}{format_roc_year(survey.year)}度{survey.title}報告",
        agency=survey.agency.name,
        revisions=[],
        sections=[("調查方法", "\n".join(method))],
        depth=1,
        rows=rows,
        indicators=[],
        closing=[("信度分析", reliability or "—"), ("趨勢比較", comparison)],
        has_benefits=True,
        has_units=False,
        columns=["構面", "題目", "滿意比率（95% 信賴區間）", "平均數（95% 信賴區間）"],
        table_title="調查結果",
    )


def render(survey: Survey, fmt: str) -> bytes:
    return FORMATS[fmt].render(report(survey))


def open_data_rows(survey: Survey) -> tuple[list[str], list[list[Any]]]:
    """The raw answers, de-identified: no id, no stratum, the month only; free text left out (it may
    name people), choices as their labels."""
    items = list(survey.questionnaire.items.exclude(kind="text"))
    header = ["月份", "方式", *[i.code for i in items]]
    rows = []
    for on, channel, answers in (
        Response.objects.filter(survey=survey).order_by("on").values_list("on", "channel", "answers")
    ):
        cells = [f"{on:%Y-%m}", channel]
        for i in items:
            value = answers.get(i.code)
            if isinstance(value, list):
                cells.append("、".join(i.choices[v] for v in value))
            elif value is not None and i.kind in ("single",):
                cells.append(i.choices[value])
            else:  # a score stays a number: a spreadsheet averages it (issue 36.2)
                cells.append("" if value is None else value)
        rows.append(cells)
    return header, rows
