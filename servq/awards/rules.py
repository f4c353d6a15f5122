"""Award rules with no Django: fair scores (plain mean, trimmed mean, z-scores per reviewer) and a
stated tie-break; the reward vocabulary (嘉獎, 記功, 記大功) and its order; rulebooks read from the
lines a body keeps (conditions | roles | reward), and each person's proposed reward, the highest only
(「以最高額度辦理敘獎，不得重複敘獎」)."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from servq.core.rules import chinese_number, normalize

# --- fair scores ----------------------------------------------------------------------------------

MEAN, TRIMMED, ZSCORE = "mean", "trimmed", "zscore"
METHOD_NAMES = {
    MEAN: "平均數",
    TRIMMED: "去掉最高與最低分後的平均（3 位以上委員）",
    ZSCORE: "委員標準分數（z 分數）平均：校正評分寬嚴不一",
}
# Not the raw mean: a tie-break the z-scores' correction would undo (a softer reviewer raises it).
TIE_RULE = "同分時，依評分委員人數多者在前；再同，依報名序號。"


@dataclass(frozen=True)
class Ranked:
    entry: int
    score: Decimal  # on the method's own scale (z-scores as 50 + 10z)
    raw_mean: Decimal
    reviewers: int
    rank: int


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _trimmed(values: Sequence[float]) -> float:
    if len(values) < 3:
        return _mean(values)
    ordered = sorted(values)
    return _mean(ordered[1:-1])


def _zscores(totals: Mapping[tuple[int, int], float]) -> dict[tuple[int, int], float]:
    """Each reviewer's totals as standard scores against that reviewer's own mean and spread, so a
    reviewer who scores every entry 10 points higher (or harder) ranks them the same."""
    by_reviewer: dict[int, list[float]] = defaultdict(list)
    for (_, reviewer), total in totals.items():
        by_reviewer[reviewer].append(total)
    stats = {}
    for reviewer, values in by_reviewer.items():
        mean = _mean(values)
        spread = math.sqrt(_mean([(v - mean) ** 2 for v in values]))
        stats[reviewer] = (mean, spread)
    return {
        key: 0.0 if stats[key[1]][1] < 1e-9 else (total - stats[key[1]][0]) / stats[key[1]][1]
        for key, total in totals.items()
    }


def rank(totals: Mapping[tuple[int, int], float], method: str) -> list[Ranked]:
    """Entries ranked from {(entry, reviewer): that reviewer's weighted total}, by the round's method,
    ties broken by TIE_RULE. The input's order never matters: everything is keyed."""
    if method not in METHOD_NAMES:
        raise ValueError(f"unknown method {method!r}")
    values = _zscores(totals) if method == ZSCORE else dict(totals)
    per_entry: dict[int, list[float]] = defaultdict(list)
    raw: dict[int, list[float]] = defaultdict(list)
    for (entry, _), value in sorted(values.items()):
        per_entry[entry].append(value)
        raw[entry].append(totals[(entry, _)])
    scored = []
    for entry, entry_values in per_entry.items():
        combined = _trimmed(entry_values) if method == TRIMMED else _mean(entry_values)
        if method == ZSCORE:
            combined = 50 + 10 * combined
        # Rounded so that float noise (x + 10 - 10 ≠ x) never decides a place.
        scored.append((round(combined, 6), round(_mean(sorted(raw[entry])), 6), len(entry_values), entry))
    scored.sort(key=lambda s: (-s[0], -s[2], s[3]))
    return [
        Ranked(entry, _dec(score), _dec(raw_mean), n, position)
        for position, (score, raw_mean, n, entry) in enumerate(scored, start=1)
    ]


def _dec(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def weighted_total(
    scores: Mapping[int, Decimal], criteria: Sequence[tuple[int, int, Decimal]]
) -> float | None:
    """One reviewer's total for one entry on a 100-point scale from {criterion: score} and the
    criteria (id, max score, weight); None until every criterion is scored."""
    if not criteria or any(c not in scores for c, _, _ in criteria):
        return None
    weights = sum(float(w) for _, _, w in criteria)
    return sum(float(scores[c]) / m * float(w) for c, m, w in criteria) * 100 / weights


GRADES = ("優等", "甲等", "乙等")


def grade(score: Decimal, thresholds: Mapping[str, Decimal]) -> str:
    """The internal grade by the edition's thresholds (e.g. 優等 ≥ 85, 甲等 ≥ 75); '' below them."""
    for name in GRADES:
        if name in thresholds and score >= thresholds[name]:
            return name
    return ""


# --- rewards ---------------------------------------------------------------------------------------

COMMENDATION, MERIT, MAJOR_MERIT = "嘉獎", "記功", "記大功"
# 嘉獎三次為記功一次，記功三次為記大功一次 (公務人員考績法施行細則): one scale to compare rewards.
POINTS = {COMMENDATION: 1, MERIT: 3, MAJOR_MERIT: 9}


@dataclass(frozen=True, order=True)
class Reward:
    points: int = field(init=False, repr=False, compare=True)
    kind: str = field(compare=False)
    times: int = field(compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", POINTS[self.kind] * self.times)

    def __str__(self) -> str:
        return f"{self.kind}{self.times}次"


_REWARD = re.compile(r"(記大功|記功|嘉獎)(\d+)次")
_CHINESE_TIMES = re.compile(r"([一二兩三四五六七八九十]+)(?=次)")


def parse_reward(text: str) -> Reward:
    written = _CHINESE_TIMES.sub(
        lambda m: str(chinese_number(m[1].replace("兩", "二")) or m[1]), normalize(text).strip()
    )
    m = _REWARD.fullmatch(written)
    if m is None:
        raise BadRulebook(f"看不懂獎勵「{text[:20]}」，請寫成「記功1次」「嘉獎2次」或「記大功1次」。")
    return Reward(m[1], int(m[2]))


# Roles as rulebooks name them.
HEAD, MAIN, OTHER, COACH, PANEL, ASSISTING, AGENCY = (
    "head",
    "main",
    "other",
    "coach",
    "panel",
    "assisting",
    "agency",
)
ROLE_NAMES = {
    HEAD: "首長（主管）",
    MAIN: "主要承辦人員",
    OTHER: "其他有功人員",
    COACH: "輔導有功人員",
    PANEL: "初評小組",
    ASSISTING: "協辦人員",
    AGENCY: "機關",
}
_ROLE_WORDS = {
    "首長": HEAD,
    "首長（主管）": HEAD,
    "首長(主管)": HEAD,
    "主管": HEAD,
    "主要承辦人員": MAIN,
    "其他有功人員": OTHER,
    "輔導有功人員": COACH,
    "上級機關輔導有功人員": COACH,
    "主管機關輔導有功人員": COACH,
    "初評小組": PANEL,
    "初評小組人員": PANEL,
    "協辦人員": ASSISTING,
    "協辦機關相關人員": ASSISTING,
    "機關": AGENCY,
}

# What an entry's results can be; a line's conditions name some of them (none: any entry, or people
# outside entries such as the panel).
NATIONAL = ("winner", "finalist", "not_finalist")
NATIONAL_NAMES = {
    "winner": "獲頒政府服務獎",
    "finalist": "入圍（實地訪查）未獲獎",
    "not_finalist": "推薦參獎未入圍",
}


class BadRulebook(ValueError):
    pass


@dataclass(frozen=True)
class Line:
    """One line of a rulebook: when it applies, to whom, and what it gives."""

    number: int
    conditions: tuple[tuple[str, str], ...]  # ("national", "winner"), ("grade", "優等"), ("nominated", "no")
    roles: tuple[str, ...]
    options: tuple[Reward, ...] = ()  # 「記功1次或嘉獎2次」: either; one option: that
    ceiling: bool = False  # 「最高記功1次」: up to it
    discretionary: bool = False  # 「依權責覈實敘獎」: the agency decides
    prizes: tuple[str, ...] = ()  # for the agency: 獎狀1幀, 獎座及獎金
    source: str = ""

    def applies(self, facts: Mapping[str, str]) -> bool:
        return all(facts.get(key) == value for key, value in self.conditions)


_CONDITION = re.compile(r"^(national|grade|nominated|selfeval)=(\S+)$")
# A self-evaluation's overall grade (003 柒、一: 就自行考核結果辦理獎懲), as the rulebook writes it.
SELF_EVALUATION_GRADES = ("優", "甲", "乙", "丙")


def _rulebook_cells(text: str) -> list[tuple[int, list[str]]]:
    """Each written line's number and cells (「條件 | 角色 | 獎勵 | 出處」); blank and # lines skipped."""
    found = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in raw.replace("｜", "|").split("|")]
        if len(cells) < 3:
            raise BadRulebook(f"第 {number} 列須寫成「條件 | 角色 | 獎勵」。")
        found.append((number, cells))
    return found


def _conditions(number: int, cell: str) -> tuple[tuple[str, str], ...]:
    conditions = []
    for word in cell.split():
        if word == "any":
            continue
        m = _CONDITION.match(word)
        if (
            m is None
            or (m[1] == "national" and m[2] not in NATIONAL)
            or (m[1] == "nominated" and m[2] not in ("yes", "no"))
            or (m[1] == "selfeval" and m[2] not in SELF_EVALUATION_GRADES)
        ):
            raise BadRulebook(f"第 {number} 列的條件「{word[:30]}」看不懂。")
        conditions.append((m[1], m[2]))
    return tuple(conditions)


def _roles(number: int, cell: str) -> tuple[str, ...]:
    if not cell.strip():
        raise BadRulebook(f"第 {number} 列請選擇適用的對象。")
    roles = []
    for word in re.split(r"[、,，]", cell):
        role = _ROLE_WORDS.get(word.strip())
        if role is None:
            raise BadRulebook(f"第 {number} 列的角色「{word.strip()[:20] or '（空白）'}」看不懂。")
        roles.append(role)
    return tuple(roles)


def parse_rulebook(text: str) -> list[Line]:
    """Lines 「條件 | 角色 | 獎勵 | 出處」, e.g.
    「national=winner | 首長、主要承辦人員 | 記大功1次 | (一)」,
    「grade=優等 nominated=no | 首長 | 記功1次或嘉獎2次 | (四)1」,
    「national=winner | 其他有功人員 | 最高記功1次」, 「any | 初評小組 | 嘉獎1次」,
    「any | 其他有功人員、協辦人員 | 依權責覈實敘獎」, 「national=winner | 機關 | 獎座及獎金、獎狀1幀」,
    「selfeval=優 | 主要承辦人員 | 嘉獎1次 | 柒、一」 (a half-year self-evaluation graded 優).
    This is how a rulebook is stored; people write it as rows of choices (RuleRow)."""
    return [
        _line(
            number,
            _conditions(number, cells[0]),
            _roles(number, cells[1]),
            cells[2],
            cells[3] if len(cells) > 3 else "",
        )
        for number, cells in _rulebook_cells(text)
    ]


# --- the rulebook as people write it: rows of choices ----------------------------------------------

CONDITION_KEYS = ("national", "grade", "nominated", "selfeval")


@dataclass(frozen=True)
class RuleRow:
    """One row of the rulebook form: a choice per condition ('' = 不限), the roles ticked, the reward
    as the rulebook words it (記功1次或嘉獎2次, 最高嘉獎2次, 依權責覈實敘獎, 獎狀1幀), and its source."""

    conditions: Mapping[str, str]
    roles: tuple[str, ...]
    reward: str
    source: str = ""

    @property
    def empty(self) -> bool:
        return not self.roles and not self.reward.strip() and not any(self.conditions.values())


def rulebook_rows(text: str) -> list[RuleRow]:
    """The stored rulebook as the form's rows."""
    return [
        RuleRow(
            dict(_conditions(number, cells[0])),
            _roles(number, cells[1]),
            cells[2],
            cells[3] if len(cells) > 3 else "",
        )
        for number, cells in _rulebook_cells(text)
    ]


def rulebook_text(rows: Sequence[RuleRow]) -> str:
    """The form's rows as the stored rulebook; an empty row stays a blank line, so 第 N 列 in a
    refusal is the Nth row on the page."""
    lines = []
    for row in rows:
        if row.empty:
            lines.append("")
            continue
        conditions = " ".join(f"{k}={row.conditions[k]}" for k in CONDITION_KEYS if row.conditions.get(k))
        roles = "、".join(ROLE_NAMES[r] for r in row.roles if r in ROLE_NAMES)
        cells = [conditions or "any", roles, _one_line(row.reward)]
        if row.source.strip():
            cells.append(_one_line(row.source))
        lines.append(" | ".join(cells))
    return "\n".join(lines).strip("\n")


def _one_line(text: str) -> str:
    """A cell as typed, without what would break the row apart (a bar or a line break)."""
    return " ".join(text.replace("|", " ").replace("｜", " ").split())


def _line(
    number: int, conditions: tuple[tuple[str, str], ...], roles: tuple[str, ...], reward: str, source: str
) -> Line:
    text = normalize(reward).strip()
    if AGENCY in roles:
        if roles != (AGENCY,):
            raise BadRulebook(f"第 {number} 列：機關的獎勵（獎狀、獎座）請與人員分列。")
        return Line(
            number,
            conditions,
            roles,
            prizes=tuple(p.strip() for p in re.split(r"[、,，]", text) if p.strip()),
            source=source,
        )
    if "依權責" in text or "覈實敘獎" in text:
        return Line(number, conditions, roles, discretionary=True, source=source)
    ceiling = text.startswith("最高")
    try:
        options = tuple(parse_reward(part) for part in text.removeprefix("最高").split("或"))
    except BadRulebook as error:
        raise BadRulebook(f"第 {number} 列：{error}") from None
    if ceiling and len(options) > 1:
        raise BadRulebook(f"第 {number} 列：「最高」只能接一種獎勵。")
    return Line(number, conditions, roles, options=options, ceiling=ceiling, source=source)


@dataclass(frozen=True)
class Proposal:
    """What servq proposes for one person: the highest reward any matching line gives."""

    person: str
    role: str
    line: Line | None
    reward: Reward | None  # None: discretionary, or nothing applies
    options: tuple[Reward, ...]
    ceiling: Reward | None
    note: str


def describe(line: Line) -> str:
    if line.discretionary:
        return "依權責覈實敘獎"
    if line.prizes:
        return "、".join(line.prizes)
    text = "或".join(str(o) for o in line.options)
    return f"最高{text}" if line.ceiling else text


def propose(
    person: str, roles_and_facts: Iterable[tuple[str, Mapping[str, str]]], lines: Sequence[Line]
) -> Proposal:
    """One proposal per person however many roles and entries they have: among the lines that apply
    to any of them, the one giving the most (「以最高額度辦理敘獎，不得重複敘獎」); a discretionary line
    proposes nothing but says so."""
    best: tuple[Reward, Line, str] | None = None
    discretionary: tuple[Line, str] | None = None
    for role, facts in roles_and_facts:
        for line in lines:
            if role not in line.roles or not line.applies(facts):
                continue
            if line.discretionary:
                discretionary = discretionary or (line, role)
                continue
            top = max(line.options)
            if best is None or top > best[0]:
                best = (top, line, role)
    if best is not None:
        top, line, role = best
        return Proposal(person, role, line, top, line.options, top if line.ceiling else None, describe(line))
    if discretionary is not None:
        line, role = discretionary
        return Proposal(person, role, line, None, (), None, "依權責覈實敘獎")
    return Proposal(person, "", None, None, (), None, "")


def check_choice(proposal: Proposal, chosen: Reward | None, reason: str) -> None:
    """A supervisor's choice: one of the options, anything up to a ceiling, or — with a reason — any
    other; a discretionary line's reward is the agency's call and needs a reason too."""
    if chosen is None:
        return
    fits = chosen in proposal.options or (proposal.ceiling is not None and chosen <= proposal.ceiling)
    if not fits and not reason.strip():
        limit = f"上限為{proposal.ceiling}" if proposal.ceiling else f"規定為「{proposal.note or '無'}」"
        raise BadRulebook(f"{proposal.person}：{chosen}不在規定內（{limit}），請寫明理由。")
