"""The plan review workflow as pure rules: which action, from which state, by whom.

A user stands to a plan in one or more *capacities*, worked out from their roles by the selectors:
- ``author``: coordinator of the plan's own agency, or a supervisor of it (implementation plans);
- ``reviewer``: a supervisor whose subtree holds the plan's agency;
- ``unit_staff``: staff of a unit inside the plan's agency (edits only their unit's items).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from servq.agencies.rules import Grant, Role
from servq.core.workflow import Transition, TransitionRefused, Workflow

__all__ = ["Transition", "TransitionRefused"]

DRAFT: Final = "draft"
SUBMITTED: Final = "submitted"
RETURNED: Final = "returned"
APPROVED: Final = "approved"
PUBLISHED: Final = "published"
SUPERSEDED: Final = "superseded"

AUTHOR: Final = "author"
REVIEWER: Final = "reviewer"  # capacities, named like the roles they mostly come from
UNIT_STAFF: Final = "unit_staff"

EDITABLE_STATES: Final = frozenset({DRAFT, RETURNED})


WORKFLOW: Final = Workflow(
    "計畫",
    [
        Transition("submit", frozenset({DRAFT, RETURNED}), SUBMITTED, "送審", frozenset({AUTHOR})),
        Transition("withdraw", frozenset({SUBMITTED}), DRAFT, "撤回", frozenset({AUTHOR})),
        Transition("return", frozenset({SUBMITTED}), RETURNED, "退回修正", frozenset({REVIEWER})),
        Transition("approve", frozenset({SUBMITTED}), APPROVED, "核定", frozenset({REVIEWER})),
        Transition("publish", frozenset({APPROVED}), PUBLISHED, "公告", frozenset({AUTHOR, REVIEWER})),
        # Revising a published plan starts a new version as a draft; the published one stays up.
        Transition("revise", frozenset({PUBLISHED}), DRAFT, "修正", frozenset({AUTHOR})),
    ],
)
TRANSITIONS: Final = WORKFLOW.transitions


def check_transition(action: str, state: str, capacities: frozenset[str] | set[str]) -> Transition:
    return WORKFLOW.check(action, state, capacities)


def allowed_actions(state: str, capacities: frozenset[str] | set[str]) -> list[Transition]:
    return WORKFLOW.allowed(state, capacities)


# The decisions on a submitted plan; the person who submitted it takes neither (separation of duties).
DECISIONS = frozenset({"approve", "return"})


def decides_own_submission(action: str, submitted_by: int | None, actor: int | None) -> bool:
    return action in DECISIONS and submitted_by is not None and submitted_by == actor


def may_edit_plan(state: str, capacities: frozenset[str] | set[str]) -> bool:
    return state in EDITABLE_STATES and AUTHOR in capacities


def may_edit_item(
    state: str, capacities: frozenset[str] | set[str], item_unit_paths: list[str], user_unit_paths: list[str]
) -> bool:
    """Authors edit every item; unit staff only items assigned to their own unit."""
    if state not in EDITABLE_STATES:
        return False
    if AUTHOR in capacities:
        return True
    return UNIT_STAFF in capacities and bool(set(item_unit_paths) & set(user_unit_paths))


@dataclass(frozen=True)
class DiffRow:
    """One line of a side-by-side comparison: ``kind`` is equal, changed, added or removed."""

    kind: str
    left: str
    right: str


def side_by_side(left: list[str], right: list[str]) -> list[DiffRow]:
    """Align two versions' lines (one per item) and say what happened to each."""
    import difflib

    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            rows += [DiffRow("equal", line, line) for line in left[a0:a1]]
        elif op == "delete":
            rows += [DiffRow("removed", line, "") for line in left[a0:a1]]
        elif op == "insert":
            rows += [DiffRow("added", "", line) for line in right[b0:b1]]
        else:
            olds, news = left[a0:a1], right[b0:b1]
            for n in range(max(len(olds), len(news))):
                old = olds[n] if n < len(olds) else ""
                new = news[n] if n < len(news) else ""
                kind = "changed" if old and new else ("removed" if old else "added")
                rows.append(DiffRow(kind, old, new))
    return rows


# --- completeness at submission ----------------------------------------------------------------

# What a plan must contain, as 003 (伍、一) lists it: 計畫依據、目標、實施對象、執行策略及具體推動作法
# (the items), 實施步驟、考核作業、獎勵方式; 001 (伍、二) asks at least 依據、目標、執行策略、具體推動
# 作法及考核作業, a subset. By the header field that holds each.
REQUIRED_SECTIONS = (
    ("basis", "計畫依據"),
    ("goals", "計畫目標"),
    ("scope", "實施對象"),
    ("steps", "實施步驟"),
    ("oversight", "管制考核"),
    ("rewards", "獎勵方式"),
)
GAPS_NAMED = 10
# What every item may be asked to carry, and the plan's quantified targets (001: 1–3 年量化目標).
ITEM_FIELDS = (("deadline", "完成期限"), ("units", "承辦單位"))
TARGETS = "targets"


@dataclass(frozen=True)
class Requirements:
    """What an execution plan must have before it is submitted: the body's own list, written on its
    implementation plan (issue 37.9: 003 asks every section and each item's deadline and unit; 001
    part of the sections and, above all, quantified targets for each year; 004's 附件2/3 format has
    no 實施步驟, deadlines or units). Without one written, 003's full list."""

    sections: tuple[str, ...] = tuple(field for field, _ in REQUIRED_SECTIONS)
    item_fields: tuple[str, ...] = tuple(field for field, _ in ITEM_FIELDS)
    targets: bool = False

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> Requirements:
        if not data:
            return cls()
        known_sections = {field for field, _ in REQUIRED_SECTIONS}
        known_fields = {field for field, _ in ITEM_FIELDS}
        return cls(
            tuple(f for f in data.get("sections", []) if f in known_sections),
            tuple(f for f in data.get("item_fields", []) if f in known_fields),
            bool(data.get(TARGETS)),
        )

    def as_data(self) -> dict[str, Any]:
        return {"sections": list(self.sections), "item_fields": list(self.item_fields), TARGETS: self.targets}


@dataclass(frozen=True)
class ItemFacts:
    position: int
    text: str
    deadline_raw: str
    units: int


def completeness_gaps(
    sections: dict[str, str],
    items: list[ItemFacts],
    required: Requirements = Requirements(),
    years_without_targets: Sequence[int] = (),
) -> list[str]:
    """What a plan still lacks before it can be submitted for review, each gap named, by the
    requirements its body set."""
    gaps = [
        f"缺少「{label}」"
        for field, label in REQUIRED_SECTIONS
        if field in required.sections and not sections.get(field, "").strip()
    ]
    if not items:
        gaps.append("沒有任何計畫項目（策略與作法）")
    if required.targets and years_without_targets:
        years = "、".join(f"{year - 1911}年" for year in years_without_targets)
        gaps.append(f"沒有{years}的量化目標（請為指標訂定各年度目標值）")
    item_gaps = []
    for item in items:
        label = f"第{item.position + 1}項"
        if not item.text.strip():
            item_gaps.append(f"{label}沒有內容")
        if "deadline" in required.item_fields and not item.deadline_raw.strip():
            item_gaps.append(f"{label}沒有完成期限")
        if "units" in required.item_fields and item.units == 0:
            item_gaps.append(f"{label}沒有承辦單位")
    if len(item_gaps) > GAPS_NAMED:
        item_gaps = [*item_gaps[:GAPS_NAMED], f"另有 {len(item_gaps) - GAPS_NAMED} 處"]
    return gaps + item_gaps


# --- how a user stands to a plan -----------------------------------------------------------------


# A file brought in as the next version follows a decided version, as 修正 does: a draft is edited,
# a submitted plan is decided first.
IMPORTABLE_AFTER: Final = frozenset({APPROVED, PUBLISHED})


def may_import_new_version(state: str, capacities: frozenset[str]) -> bool:
    return state in IMPORTABLE_AFTER and AUTHOR in capacities


def capacities(grants: Iterable[Grant], plan_agency_path: str) -> frozenset[str]:
    """Author (coordinator or supervisor of the plan's agency), reviewer (supervisor at or above
    it) and/or unit staff (of a unit inside it): the capacities the workflow table is written in."""
    found: set[str] = set()
    for grant in grants:
        if grant.path == plan_agency_path and grant.role in (Role.COORDINATOR, Role.SUPERVISOR):
            found.add(AUTHOR)
        if grant.role == Role.SUPERVISOR and plan_agency_path.startswith(grant.path):
            found.add(REVIEWER)
        if grant.role == Role.UNIT_STAFF and grant.path.startswith(plan_agency_path):
            found.add(UNIT_STAFF)
    return frozenset(found)


# --- publication by the cycle's date (001: website, 003: website and premises, 「每年1月底前」) -----

ON_TIME, LATE, OVERDUE, PENDING = "on_time", "late", "overdue", "pending"
PUBLICATION_LABELS = {ON_TIME: "如期公告", LATE: "逾期公告", OVERDUE: "逾期未公告", PENDING: "尚未到期"}


def publication_state(published_on: dt.date | None, publish_by: dt.date | None, today: dt.date) -> str:
    """Whether an agency's plan was made public by the cycle's date; '' when the cycle sets none."""
    if publish_by is None:
        return ""
    if published_on is not None:
        return ON_TIME if published_on <= publish_by else LATE
    return OVERDUE if today > publish_by else PENDING


# --- categories a participant chooses (001 參, 003 參) --------------------------------------------

OVERALL, PROJECT = "overall", "project"
# Each category and the dimensions it is judged on, in 003's words (參、二、(一)(二)).
CATEGORY_DIMENSIONS: Final = {
    OVERALL: ("基礎服務", "服務遞送", "服務量能", "服務評價", "開放創新"),
    PROJECT: ("問題分析", "規劃內容", "推動成效", "開放創新"),
}


def dimensions_of(category: str) -> tuple[str, ...]:
    """The dimensions a participant of this category is judged on; none before it has chosen."""
    return CATEGORY_DIMENSIONS.get(category, ())


# --- indicator targets --------------------------------------------------------------------------


def target_refusal(
    *, higher_is_better: bool, cumulative: bool, baseline: Decimal | None, targets: dict[int, Decimal]
) -> str:
    """Why a set of yearly targets cannot stand ("" when it can): a cumulative count that falls from
    one year to the next, or a target on the wrong side of the baseline for the indicator's direction
    (a 越高越好 indicator aiming below where it starts)."""
    years = sorted(targets)
    for earlier, later in itertools.pairwise(years):
        if cumulative and targets[later] < targets[earlier]:
            return (
                f"累計指標的目標值不能逐年減少：{later - 1911}年的 {targets[later]} "
                f"少於 {earlier - 1911}年的 {targets[earlier]}。"
            )
    if baseline is not None:
        for year in years:
            wrong = targets[year] < baseline if higher_is_better else targets[year] > baseline
            if wrong:
                side, direction = ("低於", "越高越好") if higher_is_better else ("高於", "越低越好")
                return (
                    f"{year - 1911}年的目標值 {targets[year]} {side}基準值 {baseline}，"
                    f"與指標方向「{direction}」相反；請確認方向或目標值。"
                )
    return ""


def meets_target(value: Decimal | None, target: Decimal | None, *, higher_is_better: bool) -> bool | None:
    """Whether a value reaches its target in the indicator's direction; None when either is missing."""
    if value is None or target is None:
        return None
    return value >= target if higher_is_better else value <= target


# A year or a span of years before 年: 「106年」, 「106 年」, 「104-107年」.
_ROC_YEARS = re.compile(r"(?<![\d.])(\d{2,3})(?:(\s*[-–~至到]\s*)(\d{2,3}))?(\s*年)")


def shift_roc_years(text: str, years: int) -> str:
    """A deadline as written, moved on ``years`` (「106年12月」 → 「107年12月」, 「104-107年」 →
    「105-108年」), for a plan copied into a later year; words without a year (「經常辦理」, 「每年1月底
    前」, 「1個月」) stay as they are. Only numbers that read as ROC years (80–200) move."""
    if not years:
        return text

    def moved(number: str) -> str:
        value = int(number)
        return str(value + years) if 80 <= value <= 200 else number

    def span(m: re.Match[str]) -> str:
        return moved(m[1]) + (m[2] + moved(m[3]) if m[3] else "") + m[4]

    return _ROC_YEARS.sub(span, text)
