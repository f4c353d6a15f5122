"""Pure rules of the open-data inventory: its vocabularies (frequency, format, state, license), when
a dataset is next due, which moves the workflow allows, and which columns look personal."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from servq.cases.rules import EMAIL_IN_TEXT, HOUSE_NUMBER, ID_NUMBER, PHONE_IN_TEXT

# 政府資料開放授權條款－第1版: the default license of every Taiwanese government dataset.
GOVERNMENT_LICENSE = "政府資料開放授權條款－第1版"
GOVERNMENT_LICENSE_URL = "https://data.gov.tw/license"

# (code, label, days until the next update is due; None for 不定期/即時, which are never overdue)
FREQUENCY_DAYS: dict[str, int | None] = {
    "realtime": None,
    "daily": 1,
    "weekly": 7,
    "monthly": 31,
    "quarterly": 92,
    "halfyearly": 183,
    "yearly": 366,
    "irregular": None,
}
FREQUENCIES = [
    ("realtime", "即時"),
    ("daily", "每日"),
    ("weekly", "每週"),
    ("monthly", "每月"),
    ("quarterly", "每季"),
    ("halfyearly", "每半年"),
    ("yearly", "每年"),
    ("irregular", "不定期"),
]
# The EU frequency vocabulary DCAT-AP names (accrualPeriodicity).
FREQUENCY_IRI = {
    "realtime": "CONT",
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "halfyearly": "ANNUAL_2",
    "yearly": "ANNUAL",
    "irregular": "IRREG",
}

FORMATS = [("CSV", "CSV"), ("JSON", "JSON"), ("ODS", "ODS"), ("XML", "XML")]
MEDIA_TYPES = {
    "CSV": "text/csv",
    "JSON": "application/json",
    "ODS": "application/vnd.oasis.opendocument.spreadsheet",
    "XML": "application/xml",
}

STATES = [
    ("planned", "規劃中"),
    ("in_review", "審核中"),
    ("approved", "已核准"),
    ("published", "已上架"),
    ("withdrawn", "已下架"),
]
# Which move leads where: nothing is published without the approval step before it.
MOVES: dict[str, tuple[set[str], str]] = {
    "submit": ({"planned", "withdrawn"}, "in_review"),
    "return": ({"in_review"}, "planned"),
    "approve": ({"in_review"}, "approved"),
    "publish": ({"approved"}, "published"),
    "withdraw": ({"published", "approved"}, "withdrawn"),
}


def next_move(state: str, move: str) -> str | None:
    """The state a move leads to from ``state``, or None where the workflow does not allow it."""
    allowed = MOVES.get(move)
    if allowed is None or state not in allowed[0]:
        return None
    return allowed[1]


def next_update(last: dt.date | None, frequency: str) -> dt.date | None:
    days = FREQUENCY_DAYS.get(frequency)
    if last is None or days is None:
        return None
    return last + dt.timedelta(days=days)


def overdue(last: dt.date | None, frequency: str, today: dt.date) -> bool:
    """Published and not updated by its frequency; never updated at all counts from publication."""
    due = next_update(last, frequency)
    return due is not None and due < today


def search_text(title: str, keywords: str, description: str) -> str:
    """What a catalogue search matches: one lower-cased NFKC column, so a query is one plain LIKE
    (three case-folding ILIKEs over long descriptions cost three times as much)."""
    return unicodedata.normalize("NFKC", f"{title}\n{keywords}\n{description}").lower()


def search_words(query: str) -> list[str]:
    return unicodedata.normalize("NFKC", query).lower().split()[:5]


# --- personal columns ---------------------------------------------------------------------------

# Column names that say what they hold (「申請人姓名」, 「身分證字號」, 「聯絡電話」, 「E-mail」…).
PERSONAL_NAMES: list[tuple[str, re.Pattern[str]]] = [
    ("id_number", re.compile(r"身分證|身份證|統一證號|居留證|國民身分|id.?(no|number)", re.IGNORECASE)),
    ("name", re.compile(r"姓名|^名字$|申請人$|聯絡人$|負責人$|^name$|full.?name", re.IGNORECASE)),
    ("phone", re.compile(r"電話|手機|行動|phone|mobile|tel", re.IGNORECASE)),
    ("email", re.compile(r"e-?mail|電子郵件|電子信箱|信箱", re.IGNORECASE)),
    ("address", re.compile(r"住址|地址|戶籍地|通訊處|address", re.IGNORECASE)),
    ("birthday", re.compile(r"生日|出生|birth", re.IGNORECASE)),
]
# Values that are personal whatever their column is called; the same patterns the case open data
# scrubs (cases.rules).
PERSONAL_VALUES: list[tuple[str, re.Pattern[str]]] = [
    ("id_number", ID_NUMBER),
    ("email", EMAIL_IN_TEXT),
    ("phone", PHONE_IN_TEXT),
    ("address", HOUSE_NUMBER),
]
PERSONAL_LABELS = {
    "id_number": "身分證統一編號",
    "name": "姓名",
    "phone": "電話",
    "email": "電子郵件",
    "address": "地址",
    "birthday": "出生日期",
}


def personal_kind(column: str, sample: list[str]) -> str | None:
    """What personal data a column seems to hold, from its name or from a fifth of its values."""
    for kind, pattern in PERSONAL_NAMES:
        if pattern.search(column.strip()):
            return kind
    values = [v for v in sample if v.strip()]
    if not values:
        return None
    for kind, pattern in PERSONAL_VALUES:
        if sum(1 for v in values if pattern.search(v)) * 5 >= len(values):
            return kind
    return None


def formula_start(cell: str) -> bool:
    """A cell a spreadsheet would run as a formula: = + @ tab or CR first, or - not before a number."""
    if not cell:
        return False
    first = cell[0]
    if first in "=+@\t\r":
        return not (first == "+" and _NUMBER.fullmatch(cell[1:]) is not None)
    return first == "-" and _NUMBER.fullmatch(cell[1:]) is None


_NUMBER = re.compile(r"\d[\d,]*(\.\d+)?|\.\d+")
