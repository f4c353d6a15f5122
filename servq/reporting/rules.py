"""Reporting rules with no Django: periods, due dates, the calendar's windows, achievement, roll-up, notices."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from servq.agencies.rules import Grant, Role, holds, holds_anywhere, may_act_on, supervises
from servq.core.rules import (
    OfficeCalendar,
    add_working_days,
    format_roc_date,
    format_roc_year,
    last_day_of_month,
    normalize,
    plain_number,
    to_gregorian_year,
)

# --- periods ------------------------------------------------------------------------------------

MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY = "monthly", "quarterly", "half_yearly", "yearly"
MONTHS_PER_PERIOD = {MONTHLY: 1, QUARTERLY: 3, HALF_YEARLY: 6, YEARLY: 12}
HALF_NAMES = ("上半年", "下半年")


@dataclass(frozen=True)
class PeriodSpan:
    label: str
    start: dt.date
    end: dt.date


def period_label(frequency: str, year: int, index: int) -> str:
    roc = format_roc_year(year)
    if frequency == MONTHLY:
        return f"{roc}{index}月"
    if frequency == QUARTERLY:
        return f"{roc}第{index}季"
    if frequency == HALF_YEARLY:
        return f"{roc}{HALF_NAMES[index - 1]}"
    return f"{roc}度"


def periods_of_year(frequency: str, year: int) -> list[PeriodSpan]:
    """The reporting periods of one year at the given frequency, in order."""
    if frequency not in MONTHS_PER_PERIOD:
        raise ValueError(f"unknown reporting frequency {frequency!r}")
    step = MONTHS_PER_PERIOD[frequency]
    spans = []
    for index, first_month in enumerate(range(1, 13, step), start=1):
        last_month = first_month + step - 1
        spans.append(
            PeriodSpan(
                period_label(frequency, year, index),
                dt.date(year, first_month, 1),
                last_day_of_month(year, last_month),
            )
        )
    return spans


# --- due rules ----------------------------------------------------------------------------------

_AFTER_END = re.compile(r"結束後(\d+)個?(工作)?[日天]內")
_NEXT_YEAR_DAY = re.compile(r"次年度?(\d{1,2})月(\d{1,2})日(?:前|以前)?")
_NEXT_MONTH_DAY = re.compile(r"次月(\d{1,2})日(?:前|以前)?")
_ROC_DAY = re.compile(r"(\d{2,3})年(\d{1,2})月(\d{1,2})日")


class DueRuleError(ValueError):
    pass


def due_date(rule: str, period_end: dt.date, cal: OfficeCalendar) -> dt.date:
    """When a period's report is due, from a rule as a supervisor writes it.

    「結束後10個工作日內」 counts working days on the office calendar; 「結束後15日內」 calendar days;
    「次年1月15日前」 and 「次月10日前」 are dates after the period; 「116年1月20日」 is a date as written.
    """
    text = normalize(rule).replace(" ", "")
    if m := _AFTER_END.search(text):
        days = int(m.group(1))
        if m.group(2):
            return add_working_days(period_end, days, cal)
        return period_end + dt.timedelta(days=days)
    if m := _NEXT_YEAR_DAY.search(text):
        return _checked_date(period_end.year + 1, int(m.group(1)), int(m.group(2)), rule)
    if m := _NEXT_MONTH_DAY.search(text):
        year, month = (
            (period_end.year + 1, 1) if period_end.month == 12 else (period_end.year, period_end.month + 1)
        )
        return _checked_date(year, month, int(m.group(1)), rule)
    if m := _ROC_DAY.search(text):
        return _checked_date(to_gregorian_year(int(m.group(1))), int(m.group(2)), int(m.group(3)), rule)
    raise DueRuleError(
        f"看不懂期限「{rule}」；請寫成「結束後10個工作日內」、「結束後15日內」、「次年1月15日前」、「次月10日前」或「116年1月20日」。"
    )


def _checked_date(year: int, month: int, day: int, rule: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DueRuleError(f"期限「{rule}」不是有效的日期。") from None


# --- the calendar's windows (作業時程) ---------------------------------------------------------

_PART_OF_MONTH = {"上旬": (1, 10), "中旬": (11, 20), "下旬": (21, None)}
_MONTH_POINT = re.compile(r"(次年)?(\d{1,2})月(?:(\d{1,2})日前?)?(上旬|中旬|下旬|底|初)?")


MAX_SCHEDULE_LINES = 60


def schedule_rows(text: str) -> list[tuple[str, str, str]]:
    """(作業項目, 辦理單位, 時程) rows from lines of 「作業項目｜時程」 or 「作業項目｜辦理單位｜時程」:
    004's calendar has two columns, a body that names who does each step writes three."""
    rows = []
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_SCHEDULE_LINES:
        raise ValueError(f"作業時程最多 {MAX_SCHEDULE_LINES} 列。")
    for number, line in enumerate(lines, start=1):
        cells = [cell.strip() for cell in line.replace("|", "｜").split("｜")]
        if len(cells) == 2:
            cells.insert(1, "")
        if len(cells) != 3:
            raise ValueError(
                f"第 {number} 列應有兩欄（作業項目｜時程）或三欄（作業項目｜辦理單位｜時程），實有 {len(cells)} 欄。"
            )
        rows.append((cells[0], cells[1], cells[2]))
    return rows


def schedule_window(text: str, year: int) -> tuple[dt.date, dt.date]:
    """The first and last day a step of the calendar covers, from 「2 月至 4 月」, 「上半年」, 「12 月下旬至次年 1 月」,
    「次年 1 月 15 日前」."""
    compact = normalize(text).replace(" ", "")
    if compact.startswith("上半年"):
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    if compact.startswith("下半年"):
        return dt.date(year, 7, 1), dt.date(year, 12, 31)
    parts = re.split(r"至|到|~|－|-", compact, maxsplit=1)
    first = _MONTH_POINT.search(parts[0])
    if first is None:
        raise ValueError(
            f"看不懂時程「{text}」；請寫成「5 月」、「2 月至 4 月」、「上半年」或「12 月下旬至次年 1 月」。"
        )
    start, end = _month_point(first, year)
    if len(parts) == 2:
        last = _MONTH_POINT.search(parts[1])
        if last is None:
            raise ValueError(f"看不懂時程「{text}」的結束月份。")
        next_year = bool(last.group(1)) or bool(first.group(1))
        _, end = _month_point(last, year + 1 if next_year else year, plain=True)
    if end < start:
        raise ValueError(f"時程「{text}」結束早於開始。")
    return start, end


def _checked_day(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{month} 月沒有 {day} 日。") from None


def _month_point(m: re.Match[str], year: int, plain: bool = False) -> tuple[dt.date, dt.date]:
    if m.group(1) and not plain:
        year += 1
    month = int(m.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"月份 {month} 不存在。")
    last = last_day_of_month(year, month)
    if m.group(3):  # a day: 「次年 1 月 15 日前」 (003) is that day, not the month
        day = _checked_day(year, month, int(m.group(3)))
        return day, day
    part = m.group(4)
    if part in _PART_OF_MONTH:
        first_day, last_day = _PART_OF_MONTH[part]
        return dt.date(year, month, first_day), last if last_day is None else dt.date(year, month, last_day)
    if part == "底":
        return last, last
    return dt.date(year, month, 1), last


# --- achievement --------------------------------------------------------------------------------

HUNDRED = Decimal(100)


def achievement(actual: Decimal | None, target: Decimal | None, *, higher_is_better: bool) -> Decimal | None:
    """How far the actual value reaches the target, in percent (100 = met); None when either is missing.

    Higher-is-better: actual ÷ target. Lower-is-better: target ÷ actual, with an actual of 0 meeting any
    target. A target of 0 is met by anything at or beyond it.
    """
    if actual is None or target is None:
        return None
    if higher_is_better:
        ratio = actual / target if target else (Decimal(1) if actual >= 0 else Decimal(0))
    elif actual <= 0:
        ratio = Decimal(1)
    else:
        ratio = target / actual if target > 0 else Decimal(0)
    return (ratio * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def current_value(values: Iterable[Decimal], *, cumulative: bool) -> Decimal | None:
    """The value to hold against a target: the latest reading, or their sum for a cumulative indicator."""
    readings = list(values)
    if not readings:
        return None
    return sum(readings, Decimal(0)) if cumulative else readings[-1]


# --- roll-up up the agency tree -----------------------------------------------------------------


def ancestors_of(path: str) -> list[str]:
    """Every materialised path from the root down to ``path`` itself ('/ey/', '/ey/mof/', …)."""
    codes = [code for code in path.split("/") if code]
    return [("/" + "/".join(codes[: depth + 1]) + "/") for depth in range(len(codes))]


def roll_up(counts_by_path: Mapping[str, Counter[str]]) -> dict[str, Counter[str]]:
    """Each agency's own counts plus those of every agency below it."""
    totals: dict[str, Counter[str]] = {}
    for path, counts in counts_by_path.items():
        for ancestor in ancestors_of(path):
            totals.setdefault(ancestor, Counter()).update(counts)
    return totals


# --- compliance and notices ---------------------------------------------------------------------

ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"
REMINDER, OVERDUE, ESCALATION = "reminder", "overdue", "escalation"


def compliance(submitted_on: dt.date | None, due: dt.date, today: dt.date) -> str:
    """On time, late, missing (past due, nothing yet) or pending (not due yet, nothing yet)."""
    if submitted_on is not None:
        return ON_TIME if submitted_on <= due else LATE
    return MISSING if today > due else PENDING


def notices_due(
    due: dt.date, today: dt.date, cal: OfficeCalendar, *, remind_days: int, escalate_days: int
) -> tuple[str, ...]:
    """The notices an unsubmitted report has called for by today, oldest first.

    A reminder from ``remind_days`` working days before the due date up to it; an overdue notice to the
    coordinator after it; escalation to the supervisor and the head from ``escalate_days`` working days
    after. Every notice whose time has come is listed, so a run that was missed is made up by the next;
    the outbox sends each one once.
    """
    if today > due:
        if today >= add_working_days(due, escalate_days, cal):
            return (OVERDUE, ESCALATION)
        return (OVERDUE,)
    if today >= add_working_days(due, -remind_days, cal):
        return (REMINDER,)
    return ()


# --- who may do what in the reporting cycle ------------------------------------------------------


def may_supervise_cycle(grants: Iterable[Grant], cycle_agency_path: str) -> bool:
    """Periods, the calendar, closing and reopening: supervisors of the cycle's agency or above."""
    return supervises(grants, cycle_agency_path)


def may_report_on(
    plan_capacities: frozenset[str], item_unit_paths: Iterable[str], user_unit_paths: Iterable[str]
) -> bool:
    """The plan's author reports every item; unit staff the items assigned to their unit."""
    if "author" in plan_capacities:
        return True
    units = list(user_unit_paths)
    return any(path.startswith(unit) for path in item_unit_paths for unit in units)


def may_compile_year_end(grants: Iterable[Grant], agency_path: str) -> bool:
    """The agency's coordinator or a supervisor reaching it."""
    return may_act_on(grants, agency_path) and holds_anywhere(grants, Role.SUPERVISOR, Role.COORDINATOR)


def may_sign_year_end(grants: Iterable[Grant], agency_path: str) -> bool:
    """首長核定: the head of exactly that agency."""
    return holds(grants, Role.HEAD, agency_path)


# --- the head's sign-off of the year (年度執行成果) -------------------------------------------------


def sign_off_refusal(*, year_ends: dt.date, today: dt.date, items: int, unreported: int, reason: str) -> str:
    """Why the head may not sign the year's report yet, or "" (issue 33.6): an empty report never;
    before the year has ended, or with items not reported, only with a stated reason."""
    if items == 0:
        return "彙整結果沒有任何項目，不能核定；請先確認計畫項目與填報。"
    if reason.strip():
        return ""
    if today <= year_ends:
        return f"年度到 {format_roc_date(year_ends)} 才結束：年度結束前核定，請說明理由。"
    if unreported:
        return f"尚有 {unreported} 個項目未填報辦理情形：請先填報，或說明理由後再核定。"
    return ""


def self_evaluation_due(year: int, half: int) -> dt.date:
    """When a half-year's self-evaluation (自行考核, 003: 上、下半年度各1次) is due: the last day of the
    month after the half ends (7月31日, next 1月31日). No seed gives the day; it is servq's, and a
    body that sets its own calendar date says so in its 作業時程."""
    return dt.date(year, 7, 31) if half == 1 else dt.date(year + 1, 1, 31)


def half_year_end(year: int, half: int) -> dt.date:
    return dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)


# --- the year-end report's first draft ------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorFigure:
    """An indicator's year as the year-end report states it; ``source`` says where the value came
    from: ``measured`` (a measure), ``override`` (set by hand with a reason) or ``typed`` (reported)."""

    name: str
    unit: str
    target: Decimal | None
    value: Decimal | None
    met: bool | None
    source: str


def _amount(value: Decimal, unit: str) -> str:
    text = plain_number(value)
    return f"{text}{unit}" if unit in ("%", "％") else f"{text} {unit}".rstrip()


def _figure(figure: IndicatorFigure) -> str:
    value = _amount(figure.value, figure.unit) if figure.value is not None else "無資料"
    target = f"，目標 {_amount(figure.target, figure.unit)}" if figure.target is not None else ""
    return f"「{figure.name}」{value}{target}"


def draft_summary(
    *, year: int, totals: Mapping[str, int], labels: Mapping[str, str], figures: Iterable[IndicatorFigure]
) -> str:
    """The first draft of 綜合說明, written only from figures servq computed or a person typed: the
    items by status, then the indicators that met their target, fell short, or have no data. The
    coordinator edits it; nothing here is a number from anywhere else."""
    items = int(totals.get("items", 0))
    lines = []
    if items:
        by_status = "、".join(
            f"{label} {totals[key]} 項" for key, label in labels.items() if int(totals.get(key, 0))
        )
        unreported = int(totals.get("unreported", 0))
        tail = f"、未填報 {unreported} 項" if unreported else ""
        lines.append(f"{year - 1911}年度計畫項目共 {items} 項：{by_status}{tail}。")
    figures = list(figures)
    met = [f for f in figures if f.met is True]
    short = [f for f in figures if f.met is False]
    unknown = [f for f in figures if f.value is None]
    if figures:
        lines.append(f"量化指標 {len(figures)} 項，達成目標 {len(met)} 項、未達目標 {len(short)} 項。")
    if met:
        lines.append("達成目標：" + "；".join(_figure(f) for f in met) + "。")
    if short:
        lines.append("未達目標：" + "；".join(_figure(f) for f in short) + "。請說明原因與改善作法。")
    if unknown:
        lines.append("尚無資料：" + "、".join(f"「{f.name}」" for f in unknown) + "。")
    return "\n".join(lines)
