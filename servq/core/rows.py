"""Lists an official fills in as a table of rows (a questionnaire's items, a dataset's fields): one
input or choice per cell, never a line of code such as 「C1｜likert5｜…」. The services keep taking
the lines 「a｜b｜c」 they always took; this module turns the posted table into them and back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The most rows a table takes: far above any real list (a questionnaire has 10–40 items).
MAX_ROWS = 200
MAX_CELL = 500


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a lazy translation string
    choices: tuple[tuple[str, Any], ...] = ()  # a select in the office's words; empty: a text input
    size: int = 12  # the input's width in characters
    help: Any = ""


Row = dict[str, str]


def rows_of(lines: str, columns: Sequence[Column]) -> list[Row]:
    """The lines 「a｜b｜c」 as rows, one cell per column (missing cells empty)."""
    rows = []
    for line in lines.splitlines():
        if not line.strip():
            continue
        cells = [c.strip() for c in line.replace("|", "｜").split("｜")]
        rows.append({column.key: cells[i] if i < len(cells) else "" for i, column in enumerate(columns)})
    return rows


def lines_of(rows: Sequence[Mapping[str, str]], columns: Sequence[Column]) -> str:
    """The rows as the lines the services read; empty rows dropped, and a bar or line break typed in
    a cell cannot split it."""
    return "\n".join(
        "｜".join(_cell(row.get(column.key, "")) for column in columns)
        for row in rows
        if any(row.get(column.key, "").strip() for column in columns)
    )


def _cell(text: str) -> str:
    return " ".join(text.replace("|", " ").replace("｜", " ").split())


def posted(data: Any, prefix: str, columns: Sequence[Column]) -> list[Row]:
    """The table as posted (inputs named ``{prefix}-{row}-{key}``, the count in ``{prefix}-rows``)."""
    try:
        count = max(0, min(int(data.get(f"{prefix}-rows") or 0), MAX_ROWS))
    except ValueError:
        count = 0
    return [
        {column.key: str(data.get(f"{prefix}-{i}-{column.key}", ""))[:MAX_CELL] for column in columns}
        for i in range(count)
    ]


def adding(data: Any, prefix: str) -> bool:
    """「增加一列」 was pressed: show the table again with a row more, save nothing."""
    return f"{prefix}-add" in data


def table(
    rows: Sequence[Mapping[str, str]], columns: Sequence[Column], *, blank: int = 1
) -> list[list[tuple[Column, str]]]:
    """The rows to draw (with ``blank`` empty rows after them), each as its cells."""
    drawn = [*rows, *({} for _ in range(blank))]
    return [[(column, row.get(column.key, "")) for column in columns] for row in drawn]
