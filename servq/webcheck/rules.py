"""Website-health rules with no Django: start URLs, schedules, freshness dates, owners, WCAG levels."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import unquote, urlsplit

from servq.agencies.rules import Grant, coordinates_or_supervises
from servq.core.rules import explained, year_from_either

WEEKLY, MONTHLY = "weekly", "monthly"
SCHEDULE_DAYS = {WEEKLY: 7, MONTHLY: 30}

# --- the sites an agency registers --------------------------------------------------------------


def start_url_problem(url: str) -> str | None:
    """Why a start URL cannot be checked, or None: http(s) only, a host, no credentials in it."""
    text = url.strip()
    if not text:
        return "請輸入網址。"
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in text):
        return f"網址「{text[:80]}」含有空白或控制字元。"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return f"網址「{text[:80]}」格式不正確。"
    if parts.scheme.lower() not in ("http", "https"):
        return f"只能檢測 http:// 或 https:// 網站，「{text[:80]}」不是。"
    if not parts.hostname:
        return f"網址「{text[:80]}」沒有主機名稱。"
    if parts.username or parts.password:
        return "網址不可含帳號密碼。"
    if port is not None and not 0 < port < 65536:
        return f"埠號 {port} 不正確。"
    return None


def next_run_due(last_queued: dt.datetime | None, schedule: str, now: dt.datetime) -> bool:
    """A site is due when it never ran or its interval has passed since the last run was queued."""
    if last_queued is None:
        return True
    return now - last_queued >= dt.timedelta(days=SCHEDULE_DAYS[schedule])


# --- freshness ----------------------------------------------------------------------------------

_LABEL = r"(?:更新日期|最後更新|更新時間|資料更新|上版日期|修改日期|發布日期|Last\s*updated?|Updated)"
_SHOWN_DATE = re.compile(
    _LABEL + r"[^0-9]{0,12}?(\d{2,4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})",
    re.IGNORECASE,
)


# Where a page shows its date: its head or its foot (a template's 「更新日期」), not the middle of a
# long page; reading only these bounds the work on large pages.
SHOWN_DATE_HEAD, SHOWN_DATE_FOOT = 16 * 1024, 32 * 1024


_LABEL_ONLY = re.compile(_LABEL, re.IGNORECASE)


# Every label holds one of these: found by str.find (C speed) before the label pattern runs, since a
# case-blind alternation scanned at every position cost a tenth of the checker's CPU.
_LABEL_ANCHORS = ("更新", "日期", "update", "Update", "UPDATE")


def _label_spans(text: str) -> list[tuple[int, int]]:
    spans = set()
    for anchor in _LABEL_ANCHORS:
        position = text.find(anchor)
        while position >= 0:
            offset = max(0, position - 12)
            for label in _LABEL_ONLY.finditer(text[offset : position + 12]):
                spans.add((offset + label.start(), offset + label.end()))
            position = text.find(anchor, position + 1)
    return sorted(spans)


def shown_update_date(text: str) -> dt.date | None:
    """The latest 「更新日期」 a page shows, ROC (113-05-01, 113年5月1日) or Gregorian (2024/05/01).
    Only the text right after each label is normalised and read, not the whole page."""
    if len(text) > SHOWN_DATE_HEAD + SHOWN_DATE_FOOT:
        text = text[:SHOWN_DATE_HEAD] + "\n" + text[-SHOWN_DATE_FOOT:]
    found = []
    for start, end in _label_spans(text):
        window = unicodedata.normalize("NFKC", text[start : end + 60])
        match = _SHOWN_DATE.match(window)
        if match is None:
            continue
        year, month, day = (int(g) for g in match.groups())
        year = year_from_either(year)
        try:
            found.append(dt.date(year, month, day))
        except ValueError:
            continue
    return max(found) if found else None


def http_date(value: str | None) -> dt.date | None:
    """A Last-Modified header as a date; None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date() if parsed else None


def last_update(shown: dt.date | None, header: dt.date | None) -> dt.date | None:
    """What the page says beats what the server says: CMSs re-stamp Last-Modified on every render."""
    return shown or header


def is_stale(updated: dt.date | None, today: dt.date, max_age_days: int) -> bool:
    return updated is not None and (today - updated).days > max_age_days


# --- how old is too old, per site and per kind of page --------------------------------------------
#
# No seed sets an age at which a page is stale. What they ask: 000 「即時更新」 with named staff
# reviewing the site 「定期（至少每月1次）」, 002 a weekly check that important information is current
# (「每週定期檢查…是否即時與正確，如有過期…立即通知」). So pages meant to be current (news,
# announcements) are stale after 30 days by default — the month 000 allows between reviews — and
# other pages after 365 days, which is servq's own choice for content (laws, service descriptions)
# that changes rarely. Each site sets both, and any kind of page by a word in its address.

DEFAULT_STALE_DAYS = 365
CURRENT_PAGE_STALE_DAYS = 30
DEFAULT_FRESHNESS_RULES = "\n".join(
    f"{word}｜{CURRENT_PAGE_STALE_DAYS}" for word in ("news", "announce", "bulletin", "公告", "消息")
)
MAX_FRESHNESS_RULES = 50


def parse_freshness_rules(text: str) -> list[tuple[str, int]]:
    """「網址含｜天數」 lines: pages whose address contains the word are stale after that many days."""
    rules = []
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_FRESHNESS_RULES:
        raise ValueError(f"頁面類型最多 {MAX_FRESHNESS_RULES} 列。")
    for number, line in enumerate(lines, start=1):
        cells = [cell.strip() for cell in line.replace("|", "｜").split("｜")]
        if len(cells) != 2 or not cells[0] or not cells[1].isdigit():
            raise ValueError(
                f"頁面類型第 {number} 列「{line.strip()[:40]}」應寫成「網址含的字｜天數」，例如「news｜30」。"
            )
        days = int(cells[1])
        if not 1 <= days <= 3650:
            raise ValueError(f"頁面類型第 {number} 列的天數須介於 1 到 3650。")
        rules.append((cells[0].lower(), days))
    return rules


def stale_after_for(url: str, rules: list[tuple[str, int]], default: int) -> int:
    """The age limit of one page: the longest matching word wins (「news/archive」 over 「news」)."""
    address = unquote(url).lower()
    matching = [(len(word), days) for word, days in rules if word in address]
    return max(matching)[1] if matching else default


# --- owners and rates ---------------------------------------------------------------------------


def owner_of(url: str, prefixes: Iterable[tuple[str, int]]) -> int | None:
    """The unit owning a page: the longest registered path prefix the page's path starts with."""
    path = urlsplit(url).path or "/"
    best: tuple[int, int] | None = None
    for prefix, unit_id in prefixes:
        if path.startswith(prefix) and (best is None or len(prefix) > best[0]):
            best = (len(prefix), unit_id)
    return best[1] if best else None


def valid_link_rate(links: int, broken: int) -> Decimal | None:
    if links <= 0:
        return None
    return (Decimal(links - broken) * 100 / Decimal(links)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- accessibility ------------------------------------------------------------------------------

_AA_TAGS = {"wcag2aa", "wcag21aa", "wcag22aa"}
_A_TAGS = {"wcag2a", "wcag21a", "wcag22a"}


def wcag_level(tags: Iterable[str]) -> str | None:
    """The WCAG conformance level an axe-core rule belongs to, from its tags; None for best practices."""
    tag_set = set(tags)
    if tag_set & _A_TAGS:
        return "A"
    if tag_set & _AA_TAGS:
        return "AA"
    return None


# --- who manages a site ----------------------------------------------------------------------------


def may_manage_sites(grants: Sequence[Grant], agency_path: str) -> bool:
    """Coordinators of the agency, and supervisors at or above it, register and change its sites."""
    return coordinates_or_supervises(grants, agency_path)


# --- the checker's words, in the coordinator's --------------------------------------------------

# The crawler (also a command-line tool for CI) reports in English; pages show its notes and errors
# in zh-Hant through this table. A message not listed is shown as written.
EXPLANATIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"stopped after (\S+) s"), "檢測在 {0} 秒後停止（已達時間上限）"),
    (
        re.compile(r"crawler trap suspected: more than (\d+) query strings on (.+)"),
        "疑似無限網址：{1} 有超過 {0} 種查詢字串，其餘略過",
    ),
    (
        re.compile(r"page cap of (\d+) reached: further pages checked, not read"),
        "已達 {0} 頁上限：其後的頁面只檢查是否有效，不再讀取其中的連結",
    ),
    (re.compile(r"host (\S+) does not resolve"), "主機 {0} 查無 DNS 紀錄"),
    (
        re.compile(r"refused: (\S+) is a private or loopback address \((.+)\)"),
        "已拒絕：{0} 指向內部網址（{1}）",
    ),
    (re.compile(r"timeout after (\S+) s"), "逾時（{0} 秒無回應）"),
    (re.compile(r"redirect loop at (.+)"), "轉址迴圈（{0}）"),
    (re.compile(r"more than (\d+) redirects"), "轉址超過 {0} 次"),
    (re.compile(r"bad response: (.+)"), "回應格式錯誤：{0}"),
    (re.compile(r"check failed: (\w+)"), "檢查失敗（{0}）"),
    (
        re.compile(
            r"accessibility not checked: (\S+) is missing \(SERVQ_CHROMIUM\); install Debian's chromium"
        ),
        "未做無障礙檢測：這台伺服器沒有 Chromium（{0}）。請系統管理者安裝 Debian 套件 chromium"
        "（apt-get install chromium），或以 SERVQ_CHROMIUM 指定其位置；連結檢測不受影響。",
    ),
    (re.compile(r"accessibility not checked: (.+)"), "未做無障礙檢測：{0}"),
    (re.compile(r"malformed URL \(no host\)"), "網址格式錯誤（沒有主機名稱）"),
    (
        re.compile(r"soft 404: the page says it was not found"),
        "網頁回應正常，但內容是「找不到網頁」（軟性 404）",
    ),
    (
        re.compile(r"certificate expires on (\S+) \((-?\d+) days\)"),
        "憑證將於 {0} 到期（剩 {1} 天），請儘早更新",
    ),
    (re.compile(r"certificate has expired"), "憑證已過期，民眾的瀏覽器會顯示安全警告"),
    (re.compile(r"Hostname mismatch.*"), "憑證不是發給這個網址的主機名稱，民眾的瀏覽器會顯示安全警告"),
    (
        re.compile(r"(?:self[- ]signed certificate.*|unable to get local issuer certificate)"),
        "憑證不是由受信任的憑證機構簽發，民眾的瀏覽器會顯示安全警告",
    ),
]


def explain(message: str) -> str:
    """A crawler note or error in zh-Hant, e.g. 「host x does not resolve」 → 「主機 x 查無 DNS 紀錄」."""
    return explained(message, EXPLANATIONS)
