"""The agency list a body imports (機關代碼, name, parent, level), compared with the tree it has: pure,
no Django. ``plan_import`` reads the rows, refuses what cannot be right (naming the line and the
value), and says what the import would add, rename, move or re-level, and which agencies of the body
the list no longer names (shown, never deleted: an abolished agency keeps its history).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from servq.core.tables import cell_text, heading_columns, missing_headings

# The national agency-code list's codes are ten characters, digits and capitals ("376580000A").
OFFICIAL_CODE = re.compile(r"[0-9A-Z]{10}")
UNIT_LEVELS = frozenset({"單位", "科", "課", "室", "處", "組", "unit"})
MAX_ROWS = 50_000

# What a column may be headed, as lists are published (lower-cased, spaces removed before matching).
HEADERS = {
    "code": ("機關代碼", "代碼", "機關代號", "code", "agencycode", "agency_code"),
    "name": ("機關名稱", "名稱", "單位名稱", "name"),
    "parent": (
        "上級機關代碼",
        "上級代碼",
        "隸屬機關代碼",
        "上級機關代號",
        "parent",
        "parentcode",
        "parent_code",
    ),
    "level": ("層級", "機關層級", "層級名稱", "level"),
}


@dataclass(frozen=True)
class Existing:
    """An agency the body has now, as the import compares it."""

    code: str
    name: str
    parent: str  # the parent's code; the body's own code for a first-level agency
    level: str


@dataclass(frozen=True)
class Row:
    line: int
    code: str
    name: str
    parent: str
    level: str

    @property
    def is_unit(self) -> bool:
        return self.level in UNIT_LEVELS


@dataclass
class ImportPlan:
    add: list[Row] = field(default_factory=list)
    rename: list[tuple[Row, str]] = field(default_factory=list)  # (row, the name it had)
    move: list[tuple[Row, str]] = field(default_factory=list)  # (row, the parent it had)
    relevel: list[tuple[Row, str]] = field(default_factory=list)  # (row, the level it had)
    unlisted: list[Existing] = field(default_factory=list)  # the body's agencies the list does not name


class ImportRefused(ValueError):
    """The list cannot be imported; the message names the line and the value."""


def columns(header: Sequence[str], name: str) -> dict[str, int]:
    """Where each field's column is, by any of its usual headings; refuses naming what is missing."""
    found = heading_columns(header, HEADERS)
    missing = missing_headings(found, HEADERS, ("code", "name", "parent"))
    if missing:
        raise ImportRefused(
            f"{name} 第 1 列：找不到欄位「{'」「'.join(missing)}」（欄名可用：機關代碼、機關名稱、上級機關代碼、層級）。"
        )
    return found


def read_rows(lines: Iterable[tuple[int, list[str]]], where: dict[str, int], name: str) -> list[Row]:
    rows: list[Row] = []
    for line, cells in lines:
        if len(rows) >= MAX_ROWS:
            raise ImportRefused(f"{name}：超過 {MAX_ROWS:,} 列，請分批匯入。")

        def cell(key: str, cells: list[str] = cells) -> str:
            return cell_text(cells, where, key)

        rows.append(Row(line, cell("code").upper(), cell("name"), cell("parent").upper(), cell("level")))
    return rows


def plan_import(rows: Sequence[Row], existing: Iterable[Existing], body_code: str, name: str) -> ImportPlan:
    """What importing ``rows`` into the body would change; ImportRefused for the first bad line."""
    have = {agency.code: agency for agency in existing}
    listed: dict[str, Row] = {}
    for row in rows:
        where = f"{name} 第 {row.line} 列"
        if not OFFICIAL_CODE.fullmatch(row.code):
            raise ImportRefused(f"{where}：機關代碼「{row.code[:20]}」不是 10 碼的英數字（如 376580000A）。")
        if row.code in listed:
            raise ImportRefused(f"{where}：機關代碼 {row.code} 重複（第 {listed[row.code].line} 列已有）。")
        if not row.name or len(row.name) > 120:
            raise ImportRefused(f"{where}：機關名稱須為 1 到 120 字。")
        if row.name[0] in "=+-@\t\r":
            raise ImportRefused(
                f"{where}：機關名稱「{row.name[:20]}」以 {row.name[0]!r} 開頭，像是試算表公式。"
            )
        if len(row.level) > 40:
            raise ImportRefused(f"{where}：層級「{row.level[:20]}…」超過 40 字。")
        listed[row.code] = row
    for row in rows:
        parent = row.parent or body_code
        if parent != body_code and parent not in listed and parent not in have:
            raise ImportRefused(
                f"{name} 第 {row.line} 列：上級機關代碼 {parent} 不在清單中，也不是已有的機關。"
            )
        _refuse_cycle(row, listed, body_code, name)
        if parent in listed and listed[parent].is_unit:
            raise ImportRefused(
                f"{name} 第 {row.line} 列：上級 {parent} 是單位（科／課／室），單位之下不能再有機關。"
            )
    plan = ImportPlan()
    for row in rows:
        before = have.get(row.code)
        if before is None:
            plan.add.append(row)
            continue
        if before.name != row.name:
            plan.rename.append((row, before.name))
        if before.parent != (row.parent or body_code):
            plan.move.append((row, before.parent))
        if row.level and before.level != row.level:
            plan.relevel.append((row, before.level))
    plan.unlisted = [agency for code, agency in sorted(have.items()) if code not in listed]
    plan.add = _parents_first(plan.add, body_code)
    return plan


def _refuse_cycle(row: Row, listed: dict[str, Row], body_code: str, name: str) -> None:
    seen = {row.code}
    current = row
    while current.parent and current.parent != body_code and current.parent in listed:
        current = listed[current.parent]
        if current.code in seen:
            chain = " → ".join([row.code, *sorted(seen - {row.code})])
            raise ImportRefused(f"{name} 第 {row.line} 列：上級機關形成循環（{chain}）。")
        seen.add(current.code)


def _parents_first(rows: list[Row], body_code: str) -> list[Row]:
    """New agencies in an order where each one's parent exists before it."""
    pending = {row.code: row for row in rows}
    ordered: list[Row] = []
    while pending:
        ready = [row for row in pending.values() if (row.parent or body_code) not in pending]
        for row in sorted(ready, key=lambda r: r.line):
            ordered.append(row)
            del pending[row.code]
    return ordered
