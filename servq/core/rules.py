"""Pure rules about dates the way Taiwanese offices write them, with no Django.

- ROC (民國) dates: 「104年9月24日」 is 2015-09-24; spaces and full-width digits are allowed.
- Deadlines: what staff write in a plan's 完成期限 column, turned into a value that says what it
  means (a date, a range of years, a recurrence, 「經常辦理」, or dated milestones) while always
  keeping the words as written.
- Working days by the government office calendar: weekends rest unless they are make-up working
  days (補行上班); holidays and typhoon days off rest even on weekdays.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

ROC_OFFSET: Final = 1911
# The ROC calendar starts in 1912 (民國元年); a plan never names a year past 民國 300.
ROC_YEAR_RANGE: Final = range(1, 300)

DATE: Final = "date"
RANGE: Final = "range"
RECURRING: Final = "recurring"
CONTINUOUS: Final = "continuous"
MILESTONES: Final = "milestones"
TEXT: Final = "text"
KINDS: Final = (DATE, RANGE, RECURRING, CONTINUOUS, MILESTONES, TEXT)

EVERY_LABELS: Final = {
    "year": "每年",
    "half_year": "每半年",
    "quarter": "每季",
    "month": "每月",
    "week": "每週",
}
CONTINUOUS_WORDS: Final = ("經常辦理", "持續辦理", "隨時辦理", "隨時", "持續", "經常性", "常態辦理")


# --- ROC dates ----------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """Full-width digits and letters to ASCII (NFKC) and no spaces around numbers: 「１０６ 年 １２ 月」→「106年12月」."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"(?<=\d)\s+(?=[年月日至到\-~－–])|(?<=[年月日至到\-~－–])\s+(?=\d)", "", text)
    return re.sub(r"[－–~～]", "-", text).replace("民國", "")


def to_roc_year(year: int) -> int:
    """The ROC (民國) year of a Gregorian year: 2026 → 115."""
    return year - ROC_OFFSET


def year_from_either(year: int) -> int:
    """A year a user typed as ROC (115) or Gregorian (2026), as Gregorian: below 1000 means ROC."""
    return year + ROC_OFFSET if year < 1000 else year


def to_gregorian_year(roc_year: int) -> int:
    if roc_year not in ROC_YEAR_RANGE:
        raise ValueError(f"民國 {roc_year} 年不是合理的年份")
    return roc_year + ROC_OFFSET


def last_day_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


ROC_DATE = re.compile(r"(\d{1,3})年(\d{1,2})月(\d{1,2})日")
ROC_MONTH = re.compile(r"(\d{1,3})年(\d{1,2})月")


def parse_roc_date(text: str) -> dt.date:
    """「104年9月24日」, 「民國104年9月24日」, 「１０４年９月２４日」, 「104 年 9 月 24 日」 → date(2015, 9, 24)."""
    match = ROC_DATE.fullmatch(normalize(text).strip())
    if not match:
        raise ValueError(f"「{text}」不是民國日期（例如 104年9月24日）")
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(to_gregorian_year(year), month, day)
    except ValueError as exc:
        raise ValueError(f"「{text}」不是存在的日期") from exc


_SLASHED_DATE = re.compile(r"(\d{2,4})[/.\-](\d{1,2})[/.\-](\d{1,2})")


def parse_any_date(text: str) -> dt.date:
    """A date as an office worker types it: ROC (「115年3月5日」, 「115/3/5」, 「115.03.05」) or
    Gregorian (「2026-03-05」, 「2026/3/5」). A year below 1000 is ROC."""
    cleaned = normalize(text).strip()
    if "年" in cleaned:
        return parse_roc_date(cleaned)
    match = _SLASHED_DATE.fullmatch(cleaned)
    if not match:
        raise ValueError(f"「{text}」不是日期（例如 115/3/5 或 2026-03-05）")
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year_from_either(year), month, day)
    except ValueError as exc:
        raise ValueError(f"「{text}」不是存在的日期") from exc


def parse_roc_month(text: str) -> tuple[int, int]:
    """「106 年 12 月」 → (2017, 12)."""
    match = ROC_MONTH.fullmatch(normalize(text).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"「{text}」不是民國年月（例如 106年12月）")
    return to_gregorian_year(int(match.group(1))), int(match.group(2))


def format_roc_date(day: dt.date) -> str:
    return f"{to_roc_year(day.year)}年{day.month}月{day.day}日"


def format_roc_datetime(moment: dt.datetime) -> str:
    """A local date and time as offices write it: 「115年3月5日 14:30」."""
    return f"{format_roc_date(moment.date())} {moment:%H:%M}"


def format_roc_month(day: dt.date) -> str:
    return f"{to_roc_year(day.year)}年{day.month}月"


def short_roc_month(day: dt.date) -> str:
    """「115/3」: a month as a chart's axis can fit it, twelve to a phone's width."""
    return f"{to_roc_year(day.year)}/{day.month}"


def format_roc_year(year: int) -> str:
    return f"{to_roc_year(year)}年"


# The same dates for the English pages, which read the Gregorian calendar (issue 33.13).
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def format_english_date(day: dt.date) -> str:
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"


def format_english_month(day: dt.date) -> str:
    return f"{ENGLISH_MONTHS[day.month - 1]} {day.year}"


def find_roc_dates(text: str) -> list[dt.date]:
    """Every full ROC date in a piece of text, e.g. the 訂定/修訂 lines of a plan."""
    found = []
    for match in ROC_DATE.finditer(normalize(text)):
        try:
            found.append(parse_roc_date(match.group(0)))
        except ValueError:
            continue
    return found


# --- deadlines ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    due: dt.date
    text: str


@dataclass(frozen=True)
class Deadline:
    """A deadline as written (``raw``) and as understood (``kind`` and the dates)."""

    raw: str
    kind: str
    due: dt.date | None = None
    start: dt.date | None = None
    every: str | None = None
    # For recurrences: the (month, day) each period is due by, e.g. (1, 31) for 「每年1月底前」.
    anchor: tuple[int, int] | None = None
    # For 「每季終了後10日內」: due this many days after each period ends (working days if ``working``).
    after_days: int | None = None
    working: bool = False
    milestones: tuple[Milestone, ...] = field(default_factory=tuple)

    @property
    def meaning(self) -> str:
        return describe(self)

    def as_dict(self) -> dict[str, Any]:
        return {
            "raw": self.raw,
            "kind": self.kind,
            "due": self.due.isoformat() if self.due else None,
            "start": self.start.isoformat() if self.start else None,
            "every": self.every,
            "anchor": list(self.anchor) if self.anchor else None,
            "after_days": self.after_days,
            "working": self.working,
            "milestones": [{"due": m.due.isoformat(), "text": m.text} for m in self.milestones],
            "meaning": self.meaning,
        }


def describe(deadline: Deadline) -> str:
    """A short zh-Hant sentence a coordinator can check against what they meant."""
    if deadline.kind == DATE and deadline.due:
        return f"{format_roc_date(deadline.due)}前"
    if deadline.kind == RANGE and deadline.start and deadline.due:
        span = f"{format_roc_year(deadline.start.year)}至{format_roc_year(deadline.due.year)}"
        return f"{span}{'每年辦理' if deadline.every == 'year' else ''}（至{format_roc_date(deadline.due)}）"
    if deadline.kind == RECURRING:
        return _describe_recurrence(deadline)
    if deadline.kind == CONTINUOUS:
        return "經常辦理（無固定期限）"
    if deadline.kind == MILESTONES:
        return "；".join(
            f"{format_roc_date(m.due)}前：{m.text}" if m.text else f"{format_roc_date(m.due)}前"
            for m in deadline.milestones
        )
    return "無法辨識的期限（保留原文）"


def _describe_recurrence(deadline: Deadline) -> str:
    label = EVERY_LABELS.get(deadline.every or "", "定期")
    if deadline.every == "event" and deadline.after_days is not None:
        unit = "個工作日" if deadline.working else "日"
        return f"收文（或通知）後{deadline.after_days}{unit}內"
    if deadline.after_days is not None:
        unit = "個工作日" if deadline.working else "日"
        return f"{label}終了後{deadline.after_days}{unit}內"
    if deadline.anchor:
        month, day = deadline.anchor
        return f"{label}{month}月{day}日前"
    return f"{label}辦理"


def _year_end(roc_year: int) -> dt.date:
    return dt.date(to_gregorian_year(roc_year), 12, 31)


# Patterns over normalised text. Order matters: the most specific first.
# 「…前完成」, 「…前辦竣」: the completion words add nothing to the date.
DONE = r"(?:完成|辦理完成|辦竣|完竣|完成辦理)?"
P_FULL_DATE = re.compile(r"(\d{1,3})年(\d{1,2})月(\d{1,2})日(?:前|止|以前)?" + DONE)
P_MONTH_END = re.compile(r"(\d{1,3})年(\d{1,2})月(?:底|底前|前|止|以前)?" + DONE)
P_YEAR_END = re.compile(r"(\d{1,3})年(?:底|底前|年底前|12月底前|度|度內|內)?(?:前)?" + DONE)
# 「116年3月、9月」: several month ends in one year.
P_MONTHS_OF_YEAR = re.compile(r"(\d{1,3})年(\d{1,2})月(?:底|底前|前)?(?:[、及和與]\d{1,2}月(?:底|底前|前)?)+")
# 「每季終了後10日內」, 「每月終了後5個工作日內」.
P_EVERY_AFTER = re.compile(r"每(年|半年|季|月)(?:終了|結束)後(\d{1,3})(個工作)?日內")
P_HALF_OF_YEAR = re.compile(r"(\d{1,3})?年?([上下])半年(?:度)?(?:前|底前)?")
P_RANGE = re.compile(r"(\d{1,3})(?:年)?[-至到](\d{1,3})年(度)?(每年)?")
P_EVERY_YEAR_BY = re.compile(r"每年(?:度)?(\d{1,2})月(?:(\d{1,2})日|底)?(?:前|止|以前)?")
P_EVERY = re.compile(r"每(年|半年|季|月|週|周)(?:辦理)?(?:1次|一次)?")
EVERY_WORDS: Final = {
    "年": "year",
    "半年": "half_year",
    "季": "quarter",
    "月": "month",
    "週": "week",
    "周": "week",
}
# 「115年第3季」, 「第三季前」: the end of a quarter.
P_QUARTER = re.compile(r"(?:(\d{1,3})年(?:度)?)?第([1-4])季(?:前|底前|結束前|止)?" + DONE)
# 「每年3月及9月10日前」: the same day of several months, every year.
P_MONTHS_EVERY_YEAR = re.compile(r"每年(?:度)?((?:\d{1,2}月[、及和與])+\d{1,2}月)(\d{1,2})日(?:前|止|以前)?")
# 「7月及翌年1月5日前」: one day this year and one early next year (a half-year's report), every year.
P_MONTH_AND_NEXT_YEAR = re.compile(
    r"(?:每年)?(\d{1,2})月(?:\d{1,2}日)?及(?:翌|次)年(\d{1,2})月(\d{1,2})日(?:前|止|以前)?"
)
# 「隔月5日前」, 「次月10日前」: each month's, by that day of the month after.
P_NEXT_MONTH_DAY = re.compile(r"(?:每月)?(?:於)?(?:隔|次)月(\d{1,2})日(?:前|止|以前)?")
P_MONTH_START = re.compile(r"每月(?:月初|初)(?:辦理)?")
# 「收文後7日內」, 「最遲於10日內」: counted from an event (a letter, a request), not from the calendar.
P_AFTER_EVENT = re.compile(
    r"(?:(?:收文|收件|受理|接獲通知|通知|函送)後|最遲於?)(\d{1,3})(個工作)?(?:日|天)內(?:辦理|完成)?"
)
# Commas split clauses, except inside numbers such as 1,200.
CLAUSE_SPLIT = re.compile(r"[；;。\n]+|(?<!\d),|,(?!\d)")
YEAR_AT_START = re.compile(r"^(?:並於|並|於|預計|自)?(\d{1,3})(?:年)?(?:[-至到](\d{1,3}))?年")


def parse_deadline(raw: str, *, years: tuple[int, int] | None = None) -> Deadline:
    """Understand a 完成期限 as written; anything unrecognised is kind ``text``, never an error."""
    raw = (raw or "").strip()
    text = _compact(raw)
    if not text:
        return Deadline(raw=raw, kind=TEXT)
    try:
        return _parse_whole(raw, text, years) or _parse_milestones(raw, years) or Deadline(raw=raw, kind=TEXT)
    except ValueError:
        # A year or month out of range ("民國 999 年", "13月"): keep the words, say we could not read them.
        return Deadline(raw=raw, kind=TEXT)


CN_DIGITS: Final = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
# A number in Chinese numerals right before what it counts: 「一百零五年」, 「一〇五年」, 「十日」, 「第三季」.
CN_NUMBER = re.compile(r"([〇○零一二兩三四五六七八九十百]+)(?=[年月日季個])")


def chinese_number(text: str) -> int | None:
    """「一百零五」 → 105, 「一〇五」 → 105 (digit by digit), 「二十」 → 20, 「十」 → 10; None if not a number."""
    if not text or any(ch not in CN_DIGITS and ch not in "十百" for ch in text):
        return None
    if "十" not in text and "百" not in text:
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total, digit = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        else:
            total += (digit or 1) * (100 if ch == "百" else 10)
            digit = 0
    return total + digit


def digits_for_chinese_numbers(text: str) -> str:
    """Dates written in Chinese numerals as digits: 「民國一百零五年三月一日」 → 「民國105年3月1日」."""
    return CN_NUMBER.sub(lambda m: str(n) if (n := chinese_number(m[1])) is not None else m[1], text)


def _compact(raw: str) -> str:
    """Normalised, without spaces and trailing punctuation, a repeated phrase once (「106年12月 106年12月」);
    numbers in Chinese numerals as digits."""
    text = re.sub(r"\s+", "", normalize(digits_for_chinese_numbers(raw))).strip("。.,；;")
    repeated = re.fullmatch(r"(.+?)\1+", text)
    return repeated.group(1) if repeated else text


def _parse_whole(raw: str, text: str, years: tuple[int, int] | None) -> Deadline | None:
    """The whole phrase is one recognised form."""
    if text in CONTINUOUS_WORDS or text.rstrip("辦理") in CONTINUOUS_WORDS:
        return Deadline(raw=raw, kind=CONTINUOUS)
    if m := P_FULL_DATE.fullmatch(text):
        due = dt.date(to_gregorian_year(int(m[1])), int(m[2]), int(m[3]))
        return Deadline(raw=raw, kind=DATE, due=due)
    if m := P_MONTH_END.fullmatch(text):
        if not 1 <= int(m[2]) <= 12:
            return None
        return Deadline(raw=raw, kind=DATE, due=last_day_of_month(to_gregorian_year(int(m[1])), int(m[2])))
    if m := P_YEAR_END.fullmatch(text):
        return Deadline(raw=raw, kind=DATE, due=_year_end(int(m[1])))
    if m := P_MONTHS_OF_YEAR.fullmatch(text):
        return _months_of_year(raw, text, int(m[1]))
    if m := P_EVERY_AFTER.fullmatch(text):
        return _recurring_after(raw, EVERY_WORDS[m[1]], int(m[2]), bool(m[3]), years)
    if m := P_RANGE.fullmatch(text):
        first, last = to_gregorian_year(int(m[1])), to_gregorian_year(int(m[2]))
        if first > last:
            return None
        return Deadline(
            raw=raw,
            kind=RANGE,
            start=dt.date(first, 1, 1),
            due=dt.date(last, 12, 31),
            every="year" if m[4] else None,
        )
    if m := P_HALF_OF_YEAR.fullmatch(text):
        return _half_of_year(raw, m, years)
    if m := P_EVERY_YEAR_BY.fullmatch(text):
        month = int(m[1])
        if not 1 <= month <= 12:
            return None
        day = int(m[2]) if m[2] else calendar.monthrange(2001, month)[1]
        return _recurring(raw, "year", (month, day), years)
    if m := P_EVERY.fullmatch(text):
        return _recurring(raw, EVERY_WORDS[m[1]], None, years)
    return _parse_more(raw, text, years)


def _parse_more(raw: str, text: str, years: tuple[int, int] | None) -> Deadline | None:
    """Quarters, several dates a year, the month after, and deadlines counted from an event."""
    if m := P_QUARTER.fullmatch(text):
        month = 3 * int(m[2])
        if m[1]:
            return Deadline(raw=raw, kind=DATE, due=last_day_of_month(to_gregorian_year(int(m[1])), month))
        return _recurring(raw, "year", (month, calendar.monthrange(2001, month)[1]), years)
    if m := P_MONTHS_EVERY_YEAR.fullmatch(text):
        months = [int(month) for month in re.findall(r"(\d{1,2})月", m[1])]
        return _every_year_on(raw, [(0, month, int(m[2])) for month in months], years)
    if m := P_MONTH_AND_NEXT_YEAR.fullmatch(text):
        day = int(m[3])
        return _every_year_on(raw, [(0, int(m[1]), day), (1, int(m[2]), day)], years)
    if m := P_NEXT_MONTH_DAY.fullmatch(text):
        return _recurring_after(raw, "month", int(m[1]), False, years)
    if P_MONTH_START.fullmatch(text):
        return _recurring(raw, "month", None, years)
    if m := P_AFTER_EVENT.fullmatch(text):
        return Deadline(raw=raw, kind=RECURRING, every="event", after_days=int(m[1]), working=bool(m[2]))
    return None


def _every_year_on(
    raw: str, dates: list[tuple[int, int, int]], years: tuple[int, int] | None
) -> Deadline | None:
    """Several (year offset, month, day) dates in each year of the plan, as milestones; without the
    plan's years, a yearly recurrence anchored on the first of them."""
    if not all(1 <= month <= 12 and 1 <= day <= 31 for _, month, day in dates):
        return None
    if not years:
        _, month, day = dates[0]
        return Deadline(raw=raw, kind=RECURRING, every="year", anchor=(month, day))
    milestones = sorted(
        (
            Milestone(
                due=dt.date(year + offset, month, min(day, calendar.monthrange(year + offset, month)[1])),
                text="",
            )
            for year in range(years[0], years[1] + 1)
            for offset, month, day in dates
        ),
        key=lambda milestone: milestone.due,
    )
    return Deadline(raw=raw, kind=MILESTONES, due=milestones[-1].due, milestones=tuple(milestones))


def _months_of_year(raw: str, text: str, roc_year: int) -> Deadline | None:
    year = to_gregorian_year(roc_year)
    months = [int(month) for month in re.findall(r"(\d{1,2})月", text)]
    if not all(1 <= month <= 12 for month in months):
        return None
    milestones = tuple(
        Milestone(due=last_day_of_month(year, month), text=f"{roc_year}年{month}月")
        for month in sorted(set(months))
    )
    return Deadline(raw=raw, kind=MILESTONES, due=milestones[-1].due, milestones=milestones)


def _recurring_after(
    raw: str, every: str, days: int, working: bool, years: tuple[int, int] | None
) -> Deadline:
    """Due a number of days after each period ends; the last due date is that far into the next year
    (calendar days here; the reporting module counts working days on the office calendar)."""
    recurring = _recurring(raw, every, None, years)
    due = recurring.due + dt.timedelta(days=days) if recurring.due else None
    return Deadline(
        raw=raw, kind=RECURRING, due=due, start=recurring.start, every=every, after_days=days, working=working
    )


def _half_of_year(raw: str, m: re.Match[str], years: tuple[int, int] | None) -> Deadline:
    month = 6 if m[2] == "上" else 12
    if m[1]:
        year = to_gregorian_year(int(m[1]))
        return Deadline(raw=raw, kind=DATE, due=last_day_of_month(year, month))
    # 「上半年」 alone: the first half of every year of the plan.
    return _recurring(raw, "year", (month, 30 if month == 6 else 31), years)


def _recurring(
    raw: str, every: str, anchor: tuple[int, int] | None, years: tuple[int, int] | None
) -> Deadline:
    due = None
    start = None
    if years:
        first, last = years
        start = dt.date(first, 1, 1)
        due = dt.date(last, anchor[0], anchor[1]) if anchor else dt.date(last, 12, 31)
    return Deadline(raw=raw, kind=RECURRING, due=due, start=start, every=every, anchor=anchor)


def _parse_milestones(raw: str, years: tuple[int, int] | None) -> Deadline | None:
    """「104年完成3項…，105-107年每年至少增加1項…」 → one milestone per year named, each with its words."""
    milestones: list[Milestone] = []
    for clause in CLAUSE_SPLIT.split(normalize(raw)):
        clause = clause.strip()
        m = YEAR_AT_START.match(clause)
        if not m:
            continue
        what = clause[m.end() :].lstrip("底前度")
        first = int(m[1])
        last = int(m[2]) if m[2] else first
        if last < first:
            continue
        for roc_year in range(first, last + 1):
            milestones.append(Milestone(due=_year_end(roc_year), text=what or clause))
    if not milestones:
        return None
    milestones.sort(key=lambda ms: ms.due)
    return Deadline(
        raw=raw, kind=MILESTONES, due=milestones[-1].due, start=None, milestones=tuple(milestones)
    )


# --- working days -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeCalendar:
    """The days the government office calendar differs from 'weekdays work, weekends rest'."""

    holidays: frozenset[dt.date] = frozenset()
    makeup_workdays: frozenset[dt.date] = frozenset()


def is_working_day(day: dt.date, cal: OfficeCalendar) -> bool:
    if day in cal.makeup_workdays:
        return True
    return day.weekday() < 5 and day not in cal.holidays


def add_working_days(start: dt.date, n: int, cal: OfficeCalendar) -> dt.date:
    """The n-th working day after ``start`` (counting starts the next day, as 「5個工作日內」 does).

    n = 0 gives ``start`` itself when it is a working day, else the next working day; a negative n
    counts backwards from ``start``.
    """
    step = 1 if n >= 0 else -1
    day = start
    if n == 0:
        while not is_working_day(day, cal):
            day += dt.timedelta(days=1)
        return day
    remaining = abs(n)
    while remaining:
        day += dt.timedelta(days=step)
        if is_working_day(day, cal):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, cal: OfficeCalendar) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is before ``start``.

    So ``add_working_days(start, working_days_between(start, end, cal), cal) == end`` whenever ``end``
    is a working day.
    """
    if end < start:
        return -working_days_between(end, start, cal)
    return sum(
        1 for offset in range(1, (end - start).days + 1) if is_working_day(start + dt.timedelta(offset), cal)
    )


# --- e-mail addresses and outbox back-off ------------------------------------------------------

# One address, nothing else: no display name, no list, no quoted local part, no comments. What an
# SMTP server will take as a single recipient; "a,b@example.com" and "a@b.tw, c@d.tw" are refused.
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_EMAIL_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_EMAIL_TLD = re.compile(r"[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59}")


def valid_email(raw: str) -> bool:
    """True for a single plain address (local@domain.tld), the one rule every form and API uses."""
    text = raw.strip()
    if len(text) > 254 or text.count("@") != 1:
        return False
    local, domain = text.split("@")
    labels = domain.split(".")
    return (
        len(local) <= 64
        and _EMAIL_LOCAL.fullmatch(local) is not None
        and len(labels) >= 2
        and all(_EMAIL_LABEL.fullmatch(label) for label in labels)
        and _EMAIL_TLD.fullmatch(labels[-1]) is not None
    )


def retry_delay(attempts: int) -> dt.timedelta:
    """Back-off after the n-th failed delivery: 1, 4, 16, 64 minutes …, never more than 6 hours."""
    return min(dt.timedelta(minutes=4 ** max(attempts - 1, 0)), dt.timedelta(hours=6))


# --- messages in the user's language ---------------------------------------------------------------


def explained(message: str, table: Sequence[tuple[re.Pattern[str], str]]) -> str:
    """A message a component gives in English (for its command line) in zh-Hant for a page: the
    first pattern of ``table`` that matches the whole message, its words filled with the groups;
    a message not listed is shown as it is."""
    for pattern, words in table:
        match = pattern.fullmatch(message.strip())
        if match:
            return words.format(*match.groups())
    return message


def share(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` as a percentage with one decimal, half up; None (無資料) when there is
    nothing to count, never 0 % or 100 % — the one way every measure states a rate."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def add_months(day: dt.date, months: int) -> dt.date:
    """The civil code's month (民法第121條): the same day ``months`` later, or that month's last day
    where it has no such day (1/31 + 1 → 2/28). Every 「N個月」 in servq counts this way."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def plain_number(value: Decimal | int | float, *, grouped: bool = False) -> str:
    """A number as an office writes it: no trailing zeros (83.3, not 83.30; 62, not 62.0), thousands
    grouped when asked (1,440) — the one formatting pages, drafts and finding texts share."""
    number = Decimal(str(value))
    number = number.to_integral_value() if number == number.to_integral_value() else number.normalize()
    return f"{number:,f}" if grouped else f"{number:f}"
