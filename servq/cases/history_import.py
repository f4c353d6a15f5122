"""Another system's case export (案號, 來源, 類別, 收件日期, 結案日期, 機關代碼, 狀態) read and checked
line by line: pure, no Django. A bad line refuses the whole file, naming the line and the value."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from servq.core.rules import parse_any_date
from servq.core.tables import cell_text, heading_columns, missing_headings

MAX_ROWS = 500_000
HEADERS = {
    "number": ("案號", "案件編號", "number"),
    "channel": ("來源", "管道", "受理管道", "channel"),
    "category": ("類別", "案件類別", "category"),
    "received": ("收件日期", "收件時間", "received"),
    "closed": ("結案日期", "結案時間", "closed"),
    "agency": ("機關代碼", "承辦機關代碼", "agency"),
    "status": ("狀態", "辦理狀態", "status"),
}
CHANNELS = {
    "網路": "web",
    "網路表單": "web",
    "網站": "web",
    "web": "web",
    "電話": "phone",
    "phone": "phone",
    "1999": "1999",
    "1999專線": "1999",
    "民意信箱": "mailbox",
    "信箱": "mailbox",
    "首長信箱": "mailbox",
    "mailbox": "mailbox",
    "臨櫃": "walk_in",
    "walk_in": "walk_in",
    "api": "api",
}
CLOSED_WORDS = frozenset({"結案", "已結案", "已回覆結案", "closed"})
OPEN_WORDS = frozenset({"處理中", "辦理中", "未結案", "open", "in_progress"})
NUMBER = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,23}")


class HistoryRefused(ValueError):
    """The export cannot be imported; the message names the line and the value."""


@dataclass(frozen=True)
class PastCase:
    line: int
    number: str
    channel: str
    category: str
    received: dt.date
    closed: dt.date | None
    agency: str


def columns(header: Sequence[str], name: str) -> dict[str, int]:
    found = heading_columns(header, HEADERS)
    missing = missing_headings(
        found, HEADERS, ("number", "channel", "category", "received", "agency", "status")
    )
    if missing:
        raise HistoryRefused(f"{name} 第 1 列：找不到欄位「{'」「'.join(missing)}」。")
    return found


def read_cases(
    lines: Iterable[tuple[int, list[str]]], where: dict[str, int], name: str, *, today: dt.date
) -> list[PastCase]:
    cases: list[PastCase] = []
    seen: dict[str, int] = {}
    for line, cells in lines:
        if len(cases) >= MAX_ROWS:
            raise HistoryRefused(f"{name}：超過 {MAX_ROWS:,} 列，請分批匯入。")

        def cell(key: str, cells: list[str] = cells) -> str:
            return cell_text(cells, where, key)

        at = f"{name} 第 {line} 列"
        number = cell("number")
        if not NUMBER.fullmatch(number):
            raise HistoryRefused(f"{at}：案號「{number[:30]}」須為 1 到 24 個英數字。")
        if number in seen:
            raise HistoryRefused(f"{at}：案號 {number} 與第 {seen[number]} 列重複。")
        channel = CHANNELS.get(cell("channel").lower())
        if channel is None:
            raise HistoryRefused(
                f"{at}：來源「{cell('channel')[:20]}」不是網路、電話、1999、民意信箱或臨櫃。"
            )
        received = _date(cell("received"), at, "收件日期")
        status, closed_text = cell("status"), cell("closed")
        if status in CLOSED_WORDS:
            if not closed_text:
                raise HistoryRefused(f"{at}：狀態為結案，卻沒有結案日期。")
            closed: dt.date | None = _date(closed_text, at, "結案日期")
        elif status in OPEN_WORDS:
            closed = None
        else:
            raise HistoryRefused(f"{at}：狀態「{status[:20]}」不是結案或處理中。")
        if received > today or (closed is not None and not received <= closed <= today):
            raise HistoryRefused(f"{at}：日期不合理（收件 {received}，結案 {closed}，今天 {today}）。")
        category = cell("category")
        if not category or category[0] in "=+-@":
            raise HistoryRefused(f"{at}：類別「{category[:20]}」不可空白或像試算表公式。")
        seen[number] = line
        cases.append(PastCase(line, number, channel, category, received, closed, cell("agency")))
    if not cases:
        raise HistoryRefused(f"{name}：沒有任何案件資料列。")
    return cases


def _date(text: str, at: str, field: str) -> dt.date:
    try:
        return parse_any_date(text.split(" ")[0])
    except ValueError:
        raise HistoryRefused(
            f"{at}：{field}「{text[:20]}」不是日期（例如 114/3/5 或 2025-03-05）。"
        ) from None
