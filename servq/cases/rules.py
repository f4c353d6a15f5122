"""Case rules with no Django: states and transitions, time limits on the office calendar, pauses and
the one extension, on-time rates and percentiles, duplicates, de-identification, rising topics."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from servq.agencies.rules import Grant, Role, holds, supervises
from servq.core import rules as core_rules
from servq.core.rules import OfficeCalendar, add_working_days, working_days_between
from servq.core.workflow import Transition, TransitionRefused, Workflow

__all__ = ["TransitionRefused"]  # the one refusal of every workflow, for callers of next_state

# --- states and transitions ---------------------------------------------------------------------

RECEIVED, ASSIGNED, IN_PROGRESS, WAITING, CLOSED, REOPENED = (
    "received",
    "assigned",
    "in_progress",
    "waiting",
    "closed",
    "reopened",
)
STATES = (RECEIVED, ASSIGNED, IN_PROGRESS, WAITING, CLOSED, REOPENED)
OPEN_STATES = frozenset(STATES) - {CLOSED}

ASSIGN, START, WAIT, RESUME, REPLY, REOPEN, TRANSFER = (
    "assign",
    "start",
    "wait",
    "resume",
    "reply",
    "reopen",
    "transfer",
)
ACTIONS = (ASSIGN, START, WAIT, RESUME, REPLY, REOPEN, TRANSFER)

STATE_NAMES = {
    RECEIVED: "已收件",
    ASSIGNED: "已分派",
    IN_PROGRESS: "處理中",
    WAITING: "待民眾補充",
    CLOSED: "已回覆結案",
    REOPENED: "重新處理",
}
ACTION_NAMES = {
    ASSIGN: "分派",
    START: "開始處理",
    WAIT: "請民眾補充",
    RESUME: "繼續處理",
    REPLY: "回覆結案",
    REOPEN: "重新處理",
    TRANSFER: "移文",
}


# Every action leads to one state, from the states listed. Anything not listed is refused.
WORKFLOW = Workflow(
    "案件",
    [
        Transition(
            ASSIGN, frozenset({RECEIVED, ASSIGNED, IN_PROGRESS, REOPENED}), ASSIGNED, ACTION_NAMES[ASSIGN]
        ),
        Transition(START, frozenset({ASSIGNED, REOPENED}), IN_PROGRESS, ACTION_NAMES[START]),
        Transition(WAIT, frozenset({IN_PROGRESS}), WAITING, ACTION_NAMES[WAIT]),
        Transition(RESUME, frozenset({WAITING}), IN_PROGRESS, ACTION_NAMES[RESUME]),
        # Answered at once (a duplicate, not ours) or after handling.
        Transition(REPLY, frozenset(OPEN_STATES), CLOSED, ACTION_NAMES[REPLY]),
        Transition(REOPEN, frozenset({CLOSED}), REOPENED, ACTION_NAMES[REOPEN]),
        Transition(
            TRANSFER, frozenset({RECEIVED, ASSIGNED, IN_PROGRESS, REOPENED}), RECEIVED, ACTION_NAMES[TRANSFER]
        ),
    ],
    state_names=STATE_NAMES,
    refusal="{noun}「{state}」時不能「{label}」。",
)


def next_state(state: str, action: str) -> str:
    return WORKFLOW.check(action, state).target


def allowed_actions(state: str) -> list[str]:
    return [t.action for t in WORKFLOW.allowed(state)]


# --- time limits --------------------------------------------------------------------------------


def due_date(
    received: dt.date, limit_days: int, *, working_days: bool, cal: OfficeCalendar, months: int = 0
) -> dt.date:
    """The last day to reply: 「6個工作日內」 counts office working days from the day after receipt;
    「1個月」 is the same day a month later, or that month's last day (core.rules.add_months)."""
    if months:
        return core_rules.add_months(received, months)
    if working_days:
        return add_working_days(received, limit_days, cal)
    return received + dt.timedelta(days=limit_days)


def resume_due(
    due: dt.date, paused_from: dt.date, resumed: dt.date, *, working_days: bool, cal: OfficeCalendar
) -> dt.date:
    """The clock stops while the case waits for the citizen: the due date moves by the days waited."""
    if resumed <= paused_from:
        return due
    if working_days:
        return add_working_days(due, working_days_between(paused_from, resumed, cal), cal)
    return due + (resumed - paused_from)


class ExtensionRefused(ValueError):
    pass


def extended_due(
    due: dt.date,
    days: int,
    *,
    already_extended: int,
    limit_days: int,
    working_days: bool,
    cal: OfficeCalendar,
) -> dt.date:
    """One extension (展期), at most as long as the original limit (so the total is at most twice it)."""
    if already_extended:
        raise ExtensionRefused("每件案件只能展期一次。")
    if not 1 <= days <= limit_days:
        raise ExtensionRefused(f"展期天數須介於 1 到 {limit_days} 天（原處理期限）。")
    return add_working_days(due, days, cal) if working_days else due + dt.timedelta(days=days)


def closed_on_time(closed: dt.date, due: dt.date) -> bool:
    return closed <= due


# --- how a case ends ----------------------------------------------------------------------------

# An application for a service ends with a decision on it (an administrative act: 核准 or 駁回);
# a petition ends with an answer (已處理完成, 已說明 …), never with a decision.
APPROVED, REJECTED = "approved", "rejected"
DECISIONS = frozenset({APPROVED, REJECTED})


def outcome_refusal(outcome: str, *, application: bool, remedy: str) -> str | None:
    """Why an outcome cannot close this kind of case, or None: an application is 核准 or 駁回, and a
    駁回 tells the applicant how to contest it (行政程序法第96條: 救濟方法、期間及其受理機關)."""
    if application and outcome not in DECISIONS:
        return "申辦案件須以「核准」或「駁回」結案。"
    if not application and outcome in DECISIONS:
        return "核准或駁回只用於申辦案件；陳情案件請選擇處理結果。"
    if outcome == REJECTED and not remedy.strip():
        return "駁回須寫明救濟方法、期間及受理機關（例如訴願）。"
    return None


# --- measures -----------------------------------------------------------------------------------


def on_time_rate(closed_on_time: int, closed: int, open_overdue: int) -> Decimal | None:
    """Cases closed on time ÷ (cases closed + open cases already overdue), in percent."""
    return core_rules.share(closed_on_time, closed + open_overdue)


def percentile_from_histogram(histogram: Mapping[int, int], fraction: float) -> int | None:
    """The value below which ``fraction`` of the counted values fall (nearest rank), from value → count."""
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = max(1, -(-int(fraction * total * 1000) // 1000))  # ceil without float drift
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return max(histogram)


# --- input --------------------------------------------------------------------------------------

PHONE_CHARS = re.compile(r"[\s\-()#]")


def clean_phone(raw: str) -> str | None:
    """A Taiwanese phone number as digits (09xxxxxxxx, 0x-xxxxxxx, +886…), or None when it is not one."""
    text = PHONE_CHARS.sub("", unicodedata.normalize("NFKC", raw))
    if text.startswith("+886"):
        text = "0" + text[4:]
    if re.fullmatch(r"09\d{8}|0\d{8,9}|1999", text):
        return text
    return None


def api_key_hash(key: str) -> str:
    """API keys are stored as their SHA-256 only (a key is random and long: no slow hash needed)."""
    return hashlib.sha256(key.encode()).hexdigest()


def valid_email(raw: str) -> bool:
    """The one address rule of the platform (core.rules.valid_email), for the form and Open311."""
    return core_rules.valid_email(raw)


# --- duplicates ---------------------------------------------------------------------------------


def bigrams(text: str) -> set[str]:
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return {compact[i : i + 2] for i in range(len(compact) - 1)}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of character bigrams: robust for Chinese without segmentation."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


# --- de-identification --------------------------------------------------------------------------

# 身分證 (A123456789) and the new resident permit (A800000014: second digit 8 or 9); the old
# resident permit has two letters (AC01234567).
ID_NUMBER = re.compile(r"(?<![A-Za-z0-9])(?:[A-Z][12489]\d{8}|[A-Z][A-D]\d{8})(?!\d)", re.IGNORECASE)
EMAIL_IN_TEXT = re.compile(r"[^\s@<>\"'，。]{1,64}@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Card and account numbers: 13–19 digits, in groups or not.
CARD_NUMBER = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")
# Mobiles (0912-345-678), landlines with the area code in parentheses or not ((07)7123456,
# 02-2345-6789, (049)2345678), +886 forms, 0800 numbers, and an extension (#123, 分機123).
PHONE_IN_TEXT = re.compile(
    r"(?:\+?886[\s-]?\(?0?\d{1,3}\)?|\(0\d{1,3}\)|0\d{1,3})[\s-]?\d{3,4}[\s-]?\d{3,4}"
    r"(?:\s*(?:#|分機|轉|ext\.?)\s*\d{1,5})?",
    re.IGNORECASE,
)
# A house number, lane and floor in free text (「中山路二段100巷5弄3號5樓之1」): the street stays.
HOUSE_NUMBER = re.compile(r"(?:\d+巷)?(?:\d+弄)?\d+(?:之\d+)?號(?:\s*\d+樓(?:之\d+)?)?")
STREET = re.compile(r"^(.*?(?:路|街|大道)(?:[東西南北]?[一二三四五六七八九十\d]+段)?)")
# The commonest Taiwanese surnames (over 95 % of people), for names other than the citizen's own.
SURNAMES = (
    "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高簡朱鍾游彭詹胡施沈余盧梁趙顏柯翁魏"
    "孫戴范方宋鄧杜傅侯溫薛丁馬蔣唐卓藍馮姚石董紀歐程連古汪湯姜田康鄒白涂尤巫韓龔嚴袁黎金阮陸倪夏童邵"
)
TITLES = "先生|小姐|女士|太太|老師|同學|里長|議員|經理|主任|科長|課長|組長|警員|醫師|護理師|阿姨|伯伯"
NAME_WITH_TITLE = re.compile(rf"[{SURNAMES}][\u4e00-\u9fff]{{0,2}}?(?={TITLES})")
NAME_AFTER_WORD = re.compile(
    rf"(?P<word>我是|我叫|本人|姓名[:：]?|名字[:：]?|承辦人員?|鄰居|屋主|房東|住戶|小孩|兒子|女兒|先生是|太太是)"
    rf"\s*[{SURNAMES}][\u4e00-\u9fff]{{1,2}}"
)


# Numbers written in Chinese numerals (「零九一二三四五六七八」) are read as digits for the number
# patterns; one character for one, so a match's place is the same in the text as written.
CHINESE_DIGITS = str.maketrans("〇零一二三四五六七八九壹貳參肆伍陸柒捌玖", "0012345678912345678" + "9")


def _name_pattern(name: str) -> re.Pattern[str] | None:
    """The citizen's name as it may appear in their text: 「王 小明」 given finds 「王小明」 and 「王　小明」."""
    characters = [c for c in unicodedata.normalize("NFKC", name) if not c.isspace()]
    if len(characters) < 2:
        return None
    return re.compile(r"\s*".join(re.escape(c) for c in characters))


def _folded(text: str) -> tuple[str, list[int]]:
    """The text with each character NFKC-folded (full-width digits and letters read as ASCII), and
    for each folded character the index of the one it came from: patterns match the folded text,
    replacements are made in the text as written (issue 36.5: 「不亮，已經」 stayed 「不亮，已經」)."""
    pieces: list[str] = []
    origin: list[int] = []
    for index, character in enumerate(text):
        folded = unicodedata.normalize("NFKC", character)
        pieces.append(folded)
        origin.extend([index] * len(folded))
    return "".join(pieces), origin


def scrub(text: str, names: Iterable[str] = ()) -> str:
    """Free text with personal data replaced: e-mail, ID and resident permit numbers, card numbers,
    phone numbers in every Taiwanese form (in Chinese numerals too), house numbers, the citizen's
    name however it is spaced, and other people's names where a title or an introducing word marks
    them. Errs toward removing too much; everything else is kept exactly as the person wrote it."""
    folded, origin = _folded(text)
    as_digits = folded.translate(CHINESE_DIGITS)  # one character for one: the same places
    spans: list[tuple[int, int, str]] = []

    def take(start: int, end: int, label: str) -> None:
        if end > start and not any(start < e and s < end for s, e, _ in spans):
            spans.append((start, end, label))

    for match in EMAIL_IN_TEXT.finditer(folded):
        take(match.start(), match.end(), "〔電子郵件〕")
    for match in ID_NUMBER.finditer(folded):
        take(match.start(), match.end(), "〔身分證號〕")
    for match in CARD_NUMBER.finditer(as_digits):
        take(match.start(), match.end(), "〔號碼〕")
    for match in PHONE_IN_TEXT.finditer(as_digits):
        take(match.start(), match.end(), "〔電話〕")
    for match in HOUSE_NUMBER.finditer(folded):
        take(match.start(), match.end(), "〔門牌〕")
    for name in names:
        pattern = _name_pattern(name or "")
        for match in pattern.finditer(folded) if pattern is not None else ():
            take(match.start(), match.end(), "〔姓名〕")
    for match in NAME_AFTER_WORD.finditer(folded):
        take(match.end("word"), match.end(), "〔姓名〕")
    for match in NAME_WITH_TITLE.finditer(folded):
        take(match.start(), match.end(), "〔姓名〕")
    out, position = [], 0
    for start, end, label in sorted(spans):
        first, last = origin[start], origin[end - 1] + 1
        out += [text[position:first], label]
        position = last
    return "".join([*out, text[position:]])


# Public coordinates snap to a grid of about 500 m (0.005° of latitude), so a point on a map shows
# the neighbourhood of a report, never the door it came from.
COORDINATE_GRID = Decimal("0.005")


def public_coordinate(value: Decimal | float | None) -> float | None:
    if value is None:
        return None
    snapped = (Decimal(str(value)) / COORDINATE_GRID).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    ) * COORDINATE_GRID
    return float(snapped)


def coarsen_address(address: str) -> str:
    """An address cut back to its road or street (「高雄市三民區建工路」), house numbers and floors dropped."""
    text = unicodedata.normalize("NFKC", address).strip()
    match = STREET.match(text)
    if match:
        return match.group(1)
    district = re.match(r"^(.*?[市縣].*?[區鄉鎮市])", text)
    return district.group(1) if district else ""


_CITY = re.compile(r"^[\u4e00-\u9fff]{1,3}?[市縣]")
_DISTRICT = re.compile(r"^([\u4e00-\u9fff]{1,3}?[區鄉鎮市])")


def district_of(address: str) -> str:
    """The district an address names (「高雄市三民區建工路」 → 「三民區」, 「北區中山路」 → 「北區」), or ''."""
    text = unicodedata.normalize("NFKC", address).strip().replace("台", "臺")
    district = _DISTRICT.match(_CITY.sub("", text, count=1))
    return district.group(1) if district else ""


# --- topics -------------------------------------------------------------------------------------

STOPWORDS = frozenset(
    [
        "我們",
        "你們",
        "他們",
        "請問",
        "希望",
        "謝謝",
        "因為",
        "所以",
        "但是",
        "已經",
        "這個",
        "那個",
        "可以",
        "沒有",
        "什麼",
        "一下",
        "現在",
        "目前",
        "問題",
        "處理",
        "是否",
        "以及",
        "如果",
        "還是",
        "一直",
        "非常",
        "就是",
        "這樣",
        "附近",
        "應該",
        "造成",
        "相關",
        "進行",
        "時候",
        "不是",
        "還有",
        "一個",
        "要求",
        "反映",
        # Words that are true of any complaint and name no topic.
        "仍然",
        "很難",
        "需要",
        "哪些",
        "只能",
        "常有",
        "走到",
        "好幾天",
        "一週",
        "辦理",
        "不亮",
    ]
)


def topic_terms(words: Iterable[str]) -> list[str]:
    """Segmented words worth counting: two or more characters, no stopwords, no numbers."""
    return [w for w in words if len(w) >= 2 and w not in STOPWORDS and not w.isdigit() and not w.isascii()]


def rising_terms(
    this_month: Counter[str], last_month: Counter[str], *, top: int = 20, min_count: int = 3
) -> list[tuple[str, int, float]]:
    """Terms whose share grew most since last month: (term, count, growth ratio with add-one smoothing)."""
    total_now = sum(this_month.values()) or 1
    total_before = sum(last_month.values()) or 1
    scored = []
    for term, count in this_month.items():
        if count < min_count:
            continue
        share_now = count / total_now
        share_before = (last_month.get(term, 0) + 1) / (total_before + len(this_month))
        scored.append((term, count, round(share_now / share_before, 2)))
    return sorted(scored, key=lambda row: (-row[2], -row[1], row[0]))[:top]


# --- who may do what with a case (registered with django-rules in permissions.py) ---------------


def may_handle(grants: Sequence[Grant], agency_path: str, unit_path: str | None) -> bool:
    """The handling agency's coordinators, the handling unit's staff, and supervisors above them."""
    return (
        supervises(grants, agency_path)
        or holds(grants, Role.COORDINATOR, agency_path)
        or _staffs_unit(grants, unit_path)
    )


def may_see_personal_data(grants: Sequence[Grant], agency_path: str, unit_path: str | None) -> bool:
    """The handling unit and its supervisors; the agency's coordinator only while no unit has it."""
    return (
        supervises(grants, agency_path)
        or _staffs_unit(grants, unit_path)
        or (unit_path is None and holds(grants, Role.COORDINATOR, agency_path))
    )


def _staffs_unit(grants: Sequence[Grant], unit_path: str | None) -> bool:
    """Unit staff of the case's unit (or of a unit it lies inside)."""
    return unit_path is not None and any(
        g.role == Role.UNIT_STAFF and unit_path.startswith(g.path) for g in grants
    )


def may_configure(grants: Iterable[Grant], body_path: str) -> bool:
    """Categories, time limits and routing: the body's supervisors (or those above it)."""
    return supervises(grants, body_path)


# --- citizens' attachments ------------------------------------------------------------------------

# What a citizen may attach, by what the file's first bytes say it is (its name must agree).
ATTACHMENT_KINDS = {
    "jpeg": ((b"\xff\xd8\xff",), (".jpg", ".jpeg"), "image/jpeg"),
    "png": ((b"\x89PNG\r\n\x1a\n",), (".png",), "image/png"),
    "pdf": ((b"%PDF-",), (".pdf",), "application/pdf"),
}


def attachment_kind(name: str, head: bytes) -> str | None:
    """``jpeg``, ``png`` or ``pdf`` when the content and the name agree; None for anything else
    (an HTML page renamed photo.jpg is refused, so is a real photo named photo.exe)."""
    lowered = name.lower()
    for kind, (magics, suffixes, _type) in ATTACHMENT_KINDS.items():
        if any(head.startswith(magic) for magic in magics):
            return kind if lowered.endswith(suffixes) else None
    return None
