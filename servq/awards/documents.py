"""The nominees sent up (推薦參加政府服務獎), as one document in every format servq writes plans in:
each application's answers and the panel's result and coaching notes."""

from __future__ import annotations

from servq.awards.models import Edition, Entry, Result
from servq.core.rules import format_roc_year
from servq.plans.exporting import FORMATS
from servq.plans.exporting.document import ItemRow, PlanDocument


def nominees(edition: Edition) -> PlanDocument:
    entries = list(
        Entry.objects.filter(edition=edition, nominated=True)
        .select_related("agency", "category")
        .order_by("category__code", "number")
    )
    last = {
        r.entry_id: r
        for r in Result.objects.filter(stage__edition=edition, entry__in=entries).order_by("stage__position")
    }
    rows = [
        ItemRow(
            path=[],
            text=f"{e.agency.name}：{e.title}（{e.category.name}）",
            actions="",
            deadline=f"{last[e.pk].raw_mean}（第 {last[e.pk].rank} 名）" if e.pk in last else "—",
            units="",
            benefit=e.grade or "—",
        )
        for e in entries
    ]
    closing = []
    for e in entries:
        answers = "\n".join(
            f"{a.criterion.code} {a.criterion.name}：{a.text}" for a in e.answers.select_related("criterion")
        )
        notes = "\n".join(a.coaching for a in e.assignments.all() if a.coaching)
        closing.append(
            (f"{e.agency.name}：{e.title}", answers + (f"\n委員輔導意見：{notes}" if notes else ""))
        )
    return PlanDocument(
        title=f"{edition.body.name}{format_roc_year(edition.year)}度{edition.name}推薦名單",
        agency=edition.body.name,
        revisions=[],
        sections=[("推薦說明", f"經{edition.body.name}初評小組評審，推薦下列機關參加政府服務獎。")],
        depth=0,
        rows=rows,
        indicators=[],
        closing=closing,
        has_benefits=True,
        has_units=False,
        columns=["機關及參獎主題", "評審成績", "等第"],
        table_title="推薦名單",
    )


def render(edition: Edition, fmt: str) -> bytes:
    return FORMATS[fmt].render(nominees(edition))
