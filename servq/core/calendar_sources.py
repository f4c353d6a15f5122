"""Where the office calendar comes from: the `holidays` package, or the government's open-data CSV.

The Directorate-General of Personnel Administration publishes 「中華民國政府行政機關辦公日曆表」 each
year as CSV: one row a day, columns 西元日期 (YYYYMMDD), 星期, 是否放假 (2 = day off, 0 = working
day), 備註. Files come as UTF-8 (often with a BOM) or Big5.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import holidays
from charset_normalizer import from_bytes

HOLIDAY = "holiday"
MAKEUP_WORKDAY = "makeup_workday"
GOV_COLUMNS = ("西元日期", "星期", "是否放假", "備註")
MAX_CALENDAR_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class CalendarRow:
    date: dt.date
    kind: str
    name: str


class CalendarFileError(ValueError):
    """A calendar file that cannot be loaded; the message names the file and the line."""


def from_holidays_package(first_year: int, last_year: int) -> list[CalendarRow]:
    """Days off (public category) and make-up working days (補行上班) as the `holidays` package knows them."""
    years = range(first_year, last_year + 1)
    tw = holidays.country_holidays("TW", years=years, language="zh_TW")
    rows = [CalendarRow(day, HOLIDAY, name) for day, name in sorted(tw.items())]
    makeup = sorted(d for d in getattr(tw, "weekend_workdays", set()) if d.year in years)
    rows += [CalendarRow(day, MAKEUP_WORKDAY, "補行上班") for day in makeup]
    return rows


def read_government_csv(path: Path) -> list[CalendarRow]:
    """The official office calendar CSV as rows that differ from the weekday/weekend default."""
    name = path.name
    if not path.is_file():
        raise CalendarFileError(f"{path}: no such file")
    raw = path.read_bytes()
    if len(raw) > MAX_CALENDAR_BYTES:
        raise CalendarFileError(f"{name}: {len(raw)} bytes is too large for an office calendar")
    text = _decode(raw, name)
    if not text.strip():
        raise CalendarFileError(f"{name}: the file is empty")
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip() for cell in next(reader, [])]
    if tuple(header[:3]) != GOV_COLUMNS[:3]:
        raise CalendarFileError(
            f"{name}, line 1: expected the columns {'、'.join(GOV_COLUMNS)}, found {header}"
        )
    rows = []
    for line_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = _government_row(name, line_number, cells)
        if row is not None:
            rows.append(row)
    if not rows and reader.line_num < 3:
        raise CalendarFileError(f"{name}: no days after the header")
    return rows


def _decode(raw: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "cp950"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(raw).best()
    if best is None:
        raise CalendarFileError(f"{name}: not a text file in UTF-8 or Big5")
    return str(best)


def _government_row(name: str, line_number: int, cells: list[str]) -> CalendarRow | None:
    if len(cells) < 3:
        raise CalendarFileError(
            f"{name}, line {line_number}: expected at least 3 columns, found {len(cells)}"
        )
    raw_date, off = cells[0].strip(), cells[2].strip()
    try:
        day = dt.datetime.strptime(raw_date, "%Y%m%d").date()
    except ValueError as exc:
        raise CalendarFileError(
            f"{name}, line {line_number}: 西元日期 {raw_date!r} is not a date (YYYYMMDD)"
        ) from exc
    if off not in ("0", "2"):
        raise CalendarFileError(f"{name}, line {line_number}: 是否放假 {off!r} must be 0 or 2")
    note = cells[3].strip() if len(cells) > 3 else ""
    weekend = day.weekday() >= 5
    if off == "2" and not weekend:
        return CalendarRow(day, HOLIDAY, note or "放假")
    if off == "0" and weekend:
        return CalendarRow(day, MAKEUP_WORKDAY, note or "補行上班")
    return None
