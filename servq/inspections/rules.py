"""Inspection rules with no Django: reply deadlines as bodies write them, who is visited first (and
a draw that anyone can reproduce), scores within a criterion's scale and the panel's result, the
visit's and the finding's workflows, and who may do what."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from servq.agencies.rules import Grant, Role, holds, parent_path, supervises
from servq.core.rules import (
    OfficeCalendar,
    add_months,
    add_working_days,
    digits_for_chinese_numbers,
    normalize,
)
from servq.core.workflow import Transition, Workflow

# --- kinds of visit -------------------------------------------------------------------------------

REGULAR, UNANNOUNCED, SPOT, THEMATIC, COACHING = "regular", "unannounced", "spot", "thematic", "coaching"
KIND_NAMES = {
    REGULAR: "定期考核",
    UNANNOUNCED: "不定期考核",
    SPOT: "抽查",
    THEMATIC: "專案查核",
    COACHING: "輔導訪視",
}
SCORED_KINDS = frozenset({REGULAR, UNANNOUNCED, THEMATIC})  # coaching advises; a spot check records

# --- reply deadlines (「於接獲建議事項後1個月內」, 「於2個月內」, 「10個工作天」) ------------------------------


@dataclass(frozen=True)
class ReplyRule:
    count: int
    unit: str  # "months" or "working_days" or "days"

    def describe(self) -> str:
        return f"{self.count}{ {'months': '個月', 'working_days': '個工作天', 'days': '日'}[self.unit] }".replace(
            " ", ""
        )

    def due(self, notified: dt.date, cal: OfficeCalendar) -> dt.date:
        if self.unit == "months":
            return add_months(notified, self.count)
        if self.unit == "working_days":
            return add_working_days(notified, self.count, cal)
        return notified + dt.timedelta(days=self.count)


class BadReplyRule(ValueError):
    pass


_RULE = re.compile(
    r"^(?:於|自)?(?:接獲[^0-9]*後)?(?P<n>\d{1,3})\s*(?:個)?\s*(?P<unit>月|工作天|工作日|日|天)(?:內)?$"
)


def parse_reply_rule(raw: str) -> ReplyRule:
    """「1個月」, 「2個月內」, 「於接獲建議事項後1個月內」, 「10個工作天」, 「三十日」."""
    text = digits_for_chinese_numbers(normalize(raw).strip().replace(" ", ""))
    m = _RULE.match(text)
    if m is None:
        raise BadReplyRule(
            f"回復期限「{raw.strip()[:30]}」看不懂，請寫成「1個月」「2個月」或「10個工作天」。"
        )
    n, unit = int(m["n"]), m["unit"]
    kind = "months" if unit == "月" else "working_days" if unit in ("工作天", "工作日") else "days"
    limit = {"months": 12, "working_days": 250, "days": 365}[kind]
    if not 1 <= n <= limit:
        raise BadReplyRule(f"回復期限「{raw.strip()[:30]}」超出範圍。")
    return ReplyRule(n, kind)


# --- who is visited first ------------------------------------------------------------------------

NO_AWARD, CRITICISM, ENTERING, OVERDUE_FINDINGS = "no_award", "criticism", "entering", "overdue_findings"
PRIORITY_RULES = {
    NO_AWARD: "近{years}年未參加政府服務獎",
    CRITICISM: "曾受媒體或民眾批評",
    ENTERING: "今年參加政府服務獎",
    OVERDUE_FINDINGS: "有逾期未改善的缺失",
}


@dataclass(frozen=True)
class AgencyFacts:
    """What the rules look at, per agency: read by selectors, judged here."""

    agency_id: int
    name: str
    last_award_year: int | None
    criticisms: int
    entering: bool
    overdue_findings: int


@dataclass(frozen=True)
class Ranked:
    agency_id: int
    name: str
    reasons: tuple[str, ...]
    drawn: bool = False


class BadDraw(ValueError):
    pass


def priority(
    facts: Iterable[AgencyFacts], chosen: Sequence[str], *, year: int, no_award_years: int = 3
) -> list[Ranked]:
    """Agencies ordered by how many of the chosen rules name them (most first), then by name; each
    with its reasons in words, to be shown and stored with the plan."""
    ranked = []
    for f in facts:
        reasons = []
        if NO_AWARD in chosen and (f.last_award_year is None or f.last_award_year <= year - no_award_years):
            reasons.append(PRIORITY_RULES[NO_AWARD].format(years=no_award_years))
        if CRITICISM in chosen and f.criticisms:
            reasons.append(PRIORITY_RULES[CRITICISM] + f"（{f.criticisms} 則）")
        if ENTERING in chosen and f.entering:
            reasons.append(PRIORITY_RULES[ENTERING])
        if OVERDUE_FINDINGS in chosen and f.overdue_findings:
            reasons.append(PRIORITY_RULES[OVERDUE_FINDINGS] + f"（{f.overdue_findings} 項）")
        ranked.append(Ranked(f.agency_id, f.name, tuple(reasons)))
    return sorted(ranked, key=lambda r: (-len(r.reasons), r.name))


def draw(ranked: Sequence[Ranked], places: int, seed: int) -> list[Ranked]:
    """Fill ``places`` visits: everyone ranked above the last place's tie first, then a draw among
    those tied for it, from ``seed`` (stored, so anyone can draw again and get the same agencies)."""
    eligible = [r for r in ranked if r.reasons]
    if places < 1 or places > len(eligible):
        raise BadDraw(f"要抽 {places} 個機關，但符合條件的只有 {len(eligible)} 個。")
    cut = len(eligible[places - 1].reasons)
    sure = [r for r in eligible if len(r.reasons) > cut]
    tied = [r for r in eligible if len(r.reasons) == cut]
    picked = random.Random(seed).sample(tied, places - len(sure))  # noqa: S311 — a public, reproducible draw
    return sure + [
        Ranked(r.agency_id, r.name, r.reasons, drawn=True) for r in sorted(picked, key=lambda r: r.name)
    ]


# --- scores ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionScale:
    code: str
    max_score: int
    weight: Decimal


class BadScore(ValueError):
    pass


def check_score(score: Decimal, scale: CriterionScale) -> Decimal:
    if not (0 <= score <= scale.max_score) or score.as_tuple().exponent < -1:  # type: ignore[operator]
        raise BadScore(f"「{scale.code}」的分數須介於 0 與 {scale.max_score}，最多一位小數。")
    return score


def weighted_total(scores: Mapping[str, Decimal], scales: Sequence[CriterionScale]) -> Decimal | None:
    """One reviewer's total on a 100-point scale: each criterion's share of its maximum, weighted.
    None until every criterion is scored."""
    if any(s.code not in scores for s in scales) or not scales:
        return None
    weights = sum(s.weight for s in scales)
    total = sum(scores[s.code] / s.max_score * s.weight for s in scales) * 100 / weights
    return Decimal(total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def panel_result(totals: Iterable[Decimal | None]) -> Decimal | None:
    """The panel's result: the mean of the reviewers who finished; none until one has."""
    done = [t for t in totals if t is not None]
    if not done:
        return None
    return (sum(done, Decimal(0)) / len(done)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- workflows ------------------------------------------------------------------------------------

DRAFT, IN_REVIEW, APPROVED, SENT, PUBLISHED = "draft", "in_review", "approved", "sent", "published"
SUBMIT, RETURN, APPROVE, SEND, PUBLISH = "submit", "return", "approve", "send", "publish"
VISIT_STATES = {DRAFT: "草稿", IN_REVIEW: "陳核中", APPROVED: "已核定", SENT: "已函送", PUBLISHED: "已公布"}
VISIT_WORKFLOW = Workflow(
    "訪查",
    [
        Transition(SUBMIT, frozenset({DRAFT}), IN_REVIEW, "送陳核"),
        Transition(RETURN, frozenset({IN_REVIEW}), DRAFT, "退回修正"),
        Transition(APPROVE, frozenset({IN_REVIEW}), APPROVED, "核定"),
        Transition(SEND, frozenset({APPROVED}), SENT, "函送受訪機關"),
        Transition(PUBLISH, frozenset({SENT}), PUBLISHED, "公布於網頁"),
    ],
    state_names=VISIT_STATES,
    refusal="這次訪查目前{state}，不能「{label}」。",
)

OPEN, REPLIED, CLOSED = "open", "replied", "closed"
ANSWER, ACCEPT, SEND_BACK, KEEP_OPEN = "answer", "accept", "send_back", "keep_open"
FINDING_STATES = {OPEN: "待改善", REPLIED: "已回復", CLOSED: "已解除列管"}
FINDING_WORKFLOW = Workflow(
    "缺失",
    [
        Transition(ANSWER, frozenset({OPEN}), REPLIED, "回復改善情形"),
        Transition(ACCEPT, frozenset({REPLIED}), CLOSED, "同意解除列管"),
        Transition(SEND_BACK, frozenset({REPLIED}), OPEN, "退回再改善"),
        Transition(KEEP_OPEN, frozenset({REPLIED}), OPEN, "繼續列管"),
    ],
    state_names=FINDING_STATES,
    refusal="這項缺失目前{state}，不能「{label}」。",
)


# --- who may do what ------------------------------------------------------------------------------


def may_inspect(grants: Sequence[Grant], body_path: str) -> bool:
    """Any body inspects its own subtree: its supervisors plan, run and report visits."""
    return supervises(grants, body_path)


def may_approve(grants: Sequence[Grant], body_path: str) -> bool:
    """The approver in the inspecting body's chain: its head, or a supervisor at it or above it."""
    return holds(grants, Role.HEAD, body_path) or supervises(grants, body_path)


def may_answer(grants: Sequence[Grant], agency_path: str, unit_path: str | None) -> bool:
    """The agency's coordinator, the unit it was assigned to, and its 主管機關 (the agency above,
    which makes its subordinates reply and may answer for them)."""
    above = parent_path(agency_path)
    return (
        holds(grants, Role.COORDINATOR, agency_path)
        or (unit_path is not None and holds(grants, Role.UNIT_STAFF, unit_path))
        or (above is not None and (holds(grants, Role.COORDINATOR, above) or supervises(grants, above)))
    )
