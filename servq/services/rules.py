"""Service catalogue rules with no Django: time limits as agencies write them, SOP steps, online
levels, the flowchart's layout, and the figures of the service board (on-time rate, median days,
online share) from roll-up counts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from servq.agencies.rules import Grant, Role, coordinates_or_supervises, holds_anywhere
from servq.core.rules import add_months, digits_for_chinese_numbers, normalize

# --- online levels (資訊提供 → 表單下載 → 線上申辦 → 全程線上) ------------------------------------------

INFO, FORM, APPLY, FULL = 1, 2, 3, 4
LEVEL_NAMES = {
    INFO: "資訊提供",
    FORM: "表單下載",
    APPLY: "線上申辦",
    FULL: "全程線上（含繳費與通知）",
}
ONLINE_LEVELS = tuple(LEVEL_NAMES)


def parse_level(raw: str) -> int | None:
    """A level as a number (1–4) or by its name, as a catalogue sheet may write it."""
    text = normalize(raw).strip()
    if text.isdigit() and int(text) in LEVEL_NAMES:
        return int(text)
    for level, name in LEVEL_NAMES.items():
        if text and (text == name or name.startswith(text)):
            return level
    return None


# Where a service is applied for; a service may be offered in several ways.
CHANNELS = {
    "counter": "臨櫃",
    "online": "網路",
    "mail": "郵寄",
    "mobile": "行動服務（到府、定點或行動櫃檯）",
    "any_office": "跨區受理",
}
# How applications are counted per channel: online ones against the online share.
ONLINE_CHANNELS = frozenset({"online"})


def parse_channels(raw: str) -> tuple[list[str], list[str]]:
    """Channel names or codes separated by 、,; or spaces → (codes, words not understood)."""
    codes: list[str] = []
    unknown: list[str] = []
    by_name = {name.split("（")[0]: code for code, name in CHANNELS.items()}
    by_name.update({"線上": "online", "網路申辦": "online", "行動": "mobile", "跨區": "any_office"})
    for word in re.split(r"[、,，;；/\s]+", normalize(raw).strip()):
        if not word:
            continue
        code = word if word in CHANNELS else by_name.get(word)
        if code is None:
            unknown.append(word)
        elif code not in codes:
            codes.append(code)
    return codes, unknown


def channel_of(raw: str) -> str | None:
    """One channel, by code or name (a records file's 申辦方式 column)."""
    text = raw.strip()
    if text in CHANNELS:
        return text
    codes, unknown = parse_channels(text)
    return codes[0] if len(codes) == 1 and not unknown else None


# --- time limits (處理期限) ----------------------------------------------------------------------

# 行政程序法 §48 counts 「日」 as calendar days; agencies that mean office days write 工作天 / 工作日.
_LIMIT = re.compile(
    r"^(?:約|共|計)?(?P<n>\d{1,3})\s*(?:個)?\s*(?P<unit>工作天|工作日|日曆天|天|日|週|星期|個月|月)(?:內)?$"
)
_SAME_DAY = re.compile(r"^(?:即時|立即|當日|當天|隨到隨辦|隨即)(?:辦理|辦結|受理|核發)?$")


@dataclass(frozen=True)
class TimeLimit:
    days: int
    working_days: bool
    # 「1個月」 is a civil month (民法第121條: the same day next month), not 30 days; ``days`` then
    # holds 30 a month, the bound an extension may not pass.
    months: int = 0

    def describe(self) -> str:
        if self.months:
            return f"{self.months} 個月"
        return f"{self.days} {'個工作天' if self.working_days else '日（日曆天）'}"


class BadTimeLimit(ValueError):
    pass


def parse_time_limit(raw: str) -> TimeLimit:
    """「7個工作天」, 「10日」, 「三十日曆天」, 「2週」, 「1個月」, 「即時」 → days and their kind.

    A same-day service (即時、隨到隨辦) gets one working day, the shortest the clock can hold."""
    text = digits_for_chinese_numbers(normalize(raw).strip().replace(" ", ""))
    if _SAME_DAY.match(text):
        return TimeLimit(1, True)
    m = _LIMIT.match(text)
    if m is None:
        raise BadTimeLimit(f"處理期限「{raw.strip()[:30]}」看不懂，請寫成「7個工作天」或「30日」。")
    n, unit = int(m["n"]), m["unit"]
    months = n if unit in ("月", "個月") else 0
    days = n * 7 if unit in ("週", "星期") else n * 30 if months else n
    if not 1 <= days <= 365:
        raise BadTimeLimit(f"處理期限「{raw.strip()[:30]}」須介於 1 到 365 日。")
    return TimeLimit(days, working_days=unit in ("工作天", "工作日"), months=months)


# --- SOP steps -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    role: str
    action: str
    limit_days: int | None = None


class BadStep(ValueError):
    pass


_STEP_LIMIT = re.compile(r"[（(]\s*(?P<limit>[^（）()]+?)\s*[）)]\s*$")


def parse_steps(raw: str) -> list[Step]:
    """Steps written one a line or separated by → or ；, each 「角色：動作（期限）」, e.g.
    「櫃檯：受理及檢核文件（即時）→ 承辦人：審查（3個工作天）→ 課長：核定」."""
    steps: list[Step] = []
    parts = [p.strip() for p in re.split(r"\s*(?:→|->|；|;|\n)\s*", raw.strip()) if p.strip()]
    for number, part in enumerate(parts, start=1):
        role, colon, action = part.partition("：") if "：" in part else part.partition(":")
        if not colon or not role.strip():
            raise BadStep(f"第 {number} 步「{part[:30]}」沒有角色，請寫成「角色：動作」。")
        limit_days = None
        m = _STEP_LIMIT.search(action)
        if m is not None:
            try:
                limit_days = parse_time_limit(m["limit"]).days
            except BadTimeLimit:
                raise BadStep(f"第 {number} 步的期限「{m['limit'][:20]}」看不懂。") from None
            action = action[: m.start()]
        if not action.strip():
            raise BadStep(f"第 {number} 步「{part[:30]}」沒有寫要做什麼。")
        steps.append(Step(role.strip()[:40], action.strip()[:200], limit_days))
    return steps


def format_steps(steps: Iterable[Step]) -> str:
    """The steps as parse_steps reads them (what the catalogue sheet and the edit form show)."""
    return "\n".join(
        f"{s.role}：{s.action}" + (f"（{s.limit_days}日）" if s.limit_days else "") for s in steps
    )


# --- the flowchart -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int
    texts: tuple[tuple[int, str], ...]  # (baseline y, text); the first is the role
    arrow: tuple[int, int] | None  # (from y, to y) down to the next box, at the drawing's centre


FLOW_WIDTH = 320
LINE_HEIGHT = 22
BOX_GAP = 34
CHARS_PER_LINE = 16


def _wrap(text: str, width: int = CHARS_PER_LINE) -> tuple[str, ...]:
    return tuple(text[i : i + width] for i in range(0, len(text), width)) or ("",)


def flow_layout(steps: Sequence[Step]) -> tuple[list[Box], int]:
    """Boxes one under the other, each tall enough for its wrapped text, an arrow between; and the
    drawing's height. A vertical flow reads the same at 390 px and 1366 px, and in reading order."""
    boxes: list[Box] = []
    y = 10
    for number, step in enumerate(steps, start=1):
        limit = f"（{step.limit_days}日）" if step.limit_days else ""
        lines = (f"{number}. {step.role}", *_wrap(step.action + limit))
        height = LINE_HEIGHT * len(lines) + 12
        texts = tuple((y + 24 + LINE_HEIGHT * i, line) for i, line in enumerate(lines))
        last = number == len(steps)
        arrow = None if last else (y + height, y + height + BOX_GAP - 4)
        boxes.append(Box(10, y, FLOW_WIDTH - 20, height, texts, arrow))
        y += height + BOX_GAP
    return boxes, max(y - BOX_GAP + 10, 20)


# --- the board's figures -------------------------------------------------------------------------


# --- who may do what -----------------------------------------------------------------------------


def may_manage_catalogue(grants: Sequence[Grant], agency_path: str) -> bool:
    """An agency's coordinator keeps its catalogue; supervisors at or above it may too."""
    return coordinates_or_supervises(grants, agency_path)


def may_take_applications(grants: Sequence[Grant], counter_path: str) -> bool:
    """Staff of an agency (or of its units) work its counter; that counter takes applications for
    every service of the body (一處收件、全程服務), which the service checks."""
    return any(
        g.path.startswith(counter_path) and g.role in (Role.SUPERVISOR, Role.COORDINATOR, Role.UNIT_STAFF)
        for g in grants
    )


def may_read_board(grants: Sequence[Grant]) -> bool:
    return holds_anywhere(grants, Role.SUPERVISOR, Role.COORDINATOR)


def review_due(reviewed_on: dt.date, months: int) -> dt.date:
    """When a service's SOP and forms are next to be read again: a civil-code month count on."""
    return add_months(reviewed_on, months)
