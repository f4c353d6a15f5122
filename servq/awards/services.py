"""Every write of the award: editions and their set-up (copied from the last one), the entrant survey,
entries with answers, evidence and people, reviewers and conflicts, assignments and scores, closing a
stage by its method, national results and prizes, rulebooks and the rewards they propose. Each
audited in its transaction."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from servq.agencies.models import Agency
from servq.agencies.rules import in_conflict
from servq.agencies.selectors import home_agency, ties_of
from servq.awards import rules, selectors
from servq.awards.models import (
    Answer,
    Assignment,
    Category,
    Criterion,
    CriterionGrade,
    Edition,
    Entry,
    EntryPerson,
    Evidence,
    Intention,
    PersonRole,
    Result,
    Reviewer,
    Reward,
    Rulebook,
    Score,
    Stage,
    StageKind,
)
from servq.core import audit, notices
from servq.core.actors import Actor, person
from servq.core.errors import ServiceError
from servq.core.measures import Scope, get
from servq.core.permissions import has_perm
from servq.core.rules import format_roc_year
from servq.inspections import services as inspection_services
from servq.plans.models import Plan
from servq.reporting import services as reporting_services
from servq.reporting.models import Grade, SelfEvaluation


class AwardError(ServiceError):
    pass


def _require_organizer(by: Actor, body: Agency) -> None:
    AwardError.require(has_perm(by, "awards.organize", body), f"您不是{body.name}的評獎承辦人員。")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.replace("|", "｜").split("｜")]


def _numbered(text: str) -> list[tuple[int, list[str]]]:
    return [(n, _cells(line)) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]


# --- editions -------------------------------------------------------------------------------------


@transaction.atomic
def create_edition(
    *,
    by: Actor,
    body: Agency,
    name: str,
    year: int,
    thresholds: Mapping[str, str] | None = None,
    survey_due: dt.date | None = None,
    apply_to: dt.date | None = None,
) -> Edition:
    _require_organizer(by, body)
    AwardError.require(bool(name.strip()) and len(name) <= 200, "請填寫名稱（200 字內）。", "name")
    AwardError.require(
        not Edition.objects.filter(body=body, name=name.strip()).exists(), f"已有「{name.strip()}」。", "name"
    )
    edition = Edition.objects.create(
        body=body,
        name=name.strip(),
        year=year,
        # No seed gives grade thresholds: 85 and 75 are servq's starting values, which the organiser
        # sets per edition (docs/awards.md says so).
        thresholds=_thresholds(thresholds or {"優等": "85", "甲等": "75"}),
        survey_due=survey_due,
        apply_to=apply_to,
    )
    audit.record(
        by=by, action="award.edition", obj=edition, agency=body, after={"name": edition.name, "year": year}
    )
    return edition


def _thresholds(given: Mapping[str, str]) -> dict[str, str]:
    cleaned = {}
    for name, value in given.items():
        AwardError.require(name in rules.GRADES, f"沒有「{name}」這個等第。", "thresholds")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise AwardError(f"{name}的門檻「{value}」不是數字。", "thresholds") from None
        AwardError.require(0 <= number <= 100, f"{name}的門檻須介於 0 與 100。", "thresholds")
        cleaned[name] = str(number)
    return cleaned


@transaction.atomic
def set_up(*, by: Actor, edition: Edition, categories: str, criteria: str, stages: str) -> Edition:
    """The edition's set-up from three texts, replaced whole while no entry exists:
    categories 「代碼｜類別｜參獎資格」; criteria 「類別代碼｜代號｜構面｜權重｜滿分｜上層代號」;
    stages 「階段｜方式（書面審查/實地訪查/推薦）｜晉級數｜計分方式（mean/trimmed/zscore）」."""
    _require_organizer(by, edition.body)
    AwardError.require(not edition.entries.exists(), "已有報名，不能再改評獎架構。")
    parsed_categories = []
    for n, cells in _numbered(categories):
        AwardError.require(
            len(cells) >= 2 and bool(cells[0]) and bool(cells[1]),
            f"類別第 {n} 列須寫成「代碼｜類別｜參獎資格」。",
            "categories",
        )
        parsed_categories.append((cells[0][:30], cells[1][:60], cells[2] if len(cells) > 2 else ""))
    AwardError.require(bool(parsed_categories), "請至少列一個類別。", "categories")
    codes = {c for c, _, _ in parsed_categories}
    parsed_criteria = []
    for n, cells in _numbered(criteria):
        AwardError.require(
            len(cells) >= 3 and cells[0] in codes, f"構面第 {n} 列的類別代碼不在類別中。", "criteria"
        )
        try:
            weight = Decimal(cells[3]) if len(cells) > 3 and cells[3] else Decimal(1)
            max_score = int(cells[4]) if len(cells) > 4 and cells[4] else 10
        except (InvalidOperation, ValueError):
            raise AwardError(f"構面第 {n} 列的權重或滿分不是數字。", "criteria") from None
        AwardError.require(
            0 < weight <= 100 and 1 <= max_score <= 1000, f"構面第 {n} 列的權重或滿分超出範圍。", "criteria"
        )
        parsed_criteria.append(
            (cells[0], cells[1][:20], cells[2][:200], weight, max_score, cells[5] if len(cells) > 5 else "")
        )
    parsed_stages = []
    kinds = {str(label): str(value) for value, label in StageKind.choices}
    for n, cells in _numbered(stages):
        AwardError.require(bool(cells[0]), f"階段第 {n} 列沒有名稱。", "stages")
        written = cells[1] if len(cells) > 1 else "書面審查"
        kind = kinds.get(written, written)
        AwardError.require(
            kind in StageKind.values, f"階段第 {n} 列的方式「{written[:10]}」看不懂。", "stages"
        )
        advance = int(cells[2]) if len(cells) > 2 and cells[2].isdigit() else None
        method = cells[3] if len(cells) > 3 and cells[3] else rules.MEAN
        AwardError.require(
            method in rules.METHOD_NAMES, f"階段第 {n} 列的計分方式「{method[:10]}」看不懂。", "stages"
        )
        parsed_stages.append((cells[0][:60], kind, advance, method))
    AwardError.require(bool(parsed_stages), "請至少列一個階段。", "stages")
    edition.categories.all().delete()
    edition.stages.all().delete()
    by_code = {
        c: Category.objects.create(edition=edition, code=c, name=name, eligibility=e)
        for c, name, e in parsed_categories
    }
    made: dict[tuple[str, str], Criterion] = {}
    for position, (category, code, name, weight, max_score, parent) in enumerate(parsed_criteria):
        AwardError.require((category, code) not in made, f"構面代號「{code}」重複。", "criteria")
        AwardError.require(
            not parent or (category, parent) in made,
            f"構面「{code}」的上層「{parent}」要先列出。",
            "criteria",
        )
        made[(category, code)] = Criterion.objects.create(
            category=by_code[category],
            code=code,
            name=name,
            weight=weight,
            max_score=max_score,
            position=position,
            parent=made.get((category, parent)) if parent else None,
        )
    Stage.objects.bulk_create(
        Stage(edition=edition, position=i, name=name, kind=kind, advance=advance, method=method)
        for i, (name, kind, advance, method) in enumerate(parsed_stages)
    )
    audit.record(
        by=by,
        action="award.set_up",
        obj=edition,
        agency=edition.body,
        after={
            "categories": len(parsed_categories),
            "criteria": len(parsed_criteria),
            "stages": [s[0] for s in parsed_stages],
        },
    )
    return edition


@transaction.atomic
def copy_edition(*, by: Actor, edition: Edition, name: str, year: int) -> Edition:
    """Next year's edition from this one's set-up: categories, criteria, stages and thresholds."""
    new = create_edition(by=by, body=edition.body, name=name, year=year, thresholds=edition.thresholds)
    new.copied_from = edition
    new.save(update_fields=["copied_from"])
    for category in edition.categories.all():
        copy = Category.objects.create(
            edition=new, code=category.code, name=category.name, eligibility=category.eligibility
        )
        made: dict[int, Criterion] = {}
        for c in category.criteria.order_by("position"):
            made[c.pk] = Criterion.objects.create(
                category=copy,
                code=c.code,
                name=c.name,
                weight=c.weight,
                max_score=c.max_score,
                position=c.position,
                parent=made.get(c.parent_id) if c.parent_id else None,
            )
    Stage.objects.bulk_create(
        Stage(edition=new, position=s.position, name=s.name, kind=s.kind, advance=s.advance, method=s.method)
        for s in edition.stages.all()
    )
    return new


# --- the entrant survey and entries ---------------------------------------------------------------


def _in_body(edition: Edition, agency: Agency) -> None:
    AwardError.require(
        agency.path.startswith(edition.body.path) and agency.kind != "unit",
        f"{agency.name} 不在{edition.body.name}的參獎範圍。",
        "agency",
    )


@transaction.atomic
def answer_survey(
    *,
    by: Actor,
    edition: Edition,
    agency: Agency,
    will_enter: bool,
    category: Category | None = None,
    note: str = "",
) -> Intention:
    """An agency says whether it will enter, and in which category (參獎意願調查)."""
    _in_body(edition, agency)
    AwardError.require(has_perm(by, "awards.enter", agency), f"您不能代表{agency.name}填報。")
    AwardError.require(not will_enter or category is not None, "參獎請選擇類別。", "category")
    AwardError.require(category is None or category.edition_id == edition.pk, "類別不屬於本屆。", "category")
    # Entering a category replaces a 「不參獎」; not entering replaces every category entered.
    answered = Intention.objects.filter(edition=edition, agency=agency)
    (answered.filter(category__isnull=True) if will_enter else answered.exclude(category=None)).delete()
    intention, _ = Intention.objects.update_or_create(
        edition=edition,
        agency=agency,
        category=category if will_enter else None,
        defaults={"will_enter": will_enter, "note": note.strip()[:300]},
    )
    audit.record(
        by=by,
        action="award.survey",
        obj=intention,
        agency=agency,
        after={"will_enter": will_enter, "category": category.name if category and will_enter else ""},
    )
    return intention


@transaction.atomic
def designate(*, by: Actor, edition: Edition, agency: Agency, category: Category) -> Intention:
    """The body designates an entrant (「由本部就具獲獎潛力之機關指定參選」)."""
    _require_organizer(by, edition.body)
    _in_body(edition, agency)
    Intention.objects.filter(edition=edition, agency=agency, category__isnull=True).delete()
    intention, _ = Intention.objects.update_or_create(
        edition=edition,
        agency=agency,
        category=category,
        defaults={"will_enter": True, "designated": True},
    )
    audit.record(
        by=by, action="award.designate", obj=intention, agency=agency, after={"category": category.code}
    )
    return intention


def _first_stage(edition: Edition) -> Stage:
    stage = edition.stages.order_by("position").first()
    AwardError.require(stage is not None, "本屆尚未設定評審階段。")
    assert stage is not None
    return stage


@transaction.atomic
def enter(
    *,
    by: Actor,
    edition: Edition,
    agency: Agency,
    category: Category,
    title: str,
    answers: Mapping[int, str],
    people: Sequence[tuple[str, str, str]],
    year_end_report: bool = False,
) -> Entry:
    """An application: text per criterion, the people on it (name, title, role)."""
    _in_body(edition, agency)
    AwardError.require(has_perm(by, "awards.enter", agency), f"您不能代表{agency.name}報名。")
    AwardError.require(category.edition_id == edition.pk, "類別不屬於本屆。", "category")
    first = _first_stage(edition)
    AwardError.require(not first.closed, f"「{first.name}」已結束，不再受理報名。")
    AwardError.require(bool(title.strip()) and len(title) <= 200, "請填寫參獎主題（200 字內）。", "title")
    AwardError.require(
        not Entry.objects.filter(edition=edition, agency=agency, category=category).exists(),
        f"{agency.name}已報名{category.name}。",
    )
    criteria = {c.pk: c for c in category.criteria.all()}
    unknown = [k for k in answers if k not in criteria]
    AwardError.require(not unknown, "有說明不屬於這個類別的構面。", "answers")
    AwardError.require(
        all(len(t) <= 20000 for t in answers.values()), "每個構面的說明最多 20000 字。", "answers"
    )
    roles = PersonRole.values
    for name, _, role in people:
        AwardError.require(
            bool(name.strip()) and role in roles, f"人員「{name[:20]}」的姓名或角色不正確。", "people"
        )
    number = (Entry.objects.filter(edition=edition).aggregate(n=Max("number"))["n"] or 0) + 1
    entry = Entry.objects.create(
        edition=edition,
        category=category,
        agency=agency,
        title=title.strip(),
        number=number,
        year_end_report=year_end_report,
        reached=first,
        submitted_at=timezone.now(),
    )
    Answer.objects.bulk_create(
        Answer(entry=entry, criterion_id=k, text=t.strip()) for k, t in answers.items() if t.strip()
    )
    EntryPerson.objects.bulk_create(
        EntryPerson(entry=entry, name=n.strip()[:60], title=t.strip()[:60], role=r) for n, t, r in people
    )
    audit.record(
        by=by,
        action="award.enter",
        obj=entry,
        agency=agency,
        after={"title": entry.title, "category": category.code},
    )
    inspection_services.note_award_entered(by=by, agency=agency, year=edition.year)
    return entry


@transaction.atomic
def link_evidence(*, by: Actor, entry: Entry, measure: str) -> Evidence:
    """A live value from servq itself for the entry's agency and year, kept as it read now."""
    AwardError.require(has_perm(by, "awards.enter", entry.agency), f"您不能修改{entry.agency.name}的報名。")
    try:
        found = get(measure)
    except KeyError:
        raise AwardError(f"沒有「{measure[:40]}」這項量測。", "measure") from None
    year = entry.edition.year
    value = found.value(
        Scope(entry.agency.path, dt.date(year, 1, 1), min(dt.date(year, 12, 31), timezone.localdate()))
    )
    evidence = Evidence.objects.create(
        entry=entry,
        measure=measure,
        label=str(found.label),
        value=value,
        unit=found.unit,
        read_at=timezone.now(),
    )
    audit.record(
        by=by,
        action="award.evidence",
        obj=evidence,
        agency=entry.agency,
        within=entry,
        after={"measure": measure, "value": str(value)},
    )
    return evidence


# --- the panel ------------------------------------------------------------------------------------


@transaction.atomic
def add_reviewer(*, by: Actor, edition: Edition, user: Any, conflicts: Sequence[Agency] = ()) -> Reviewer:
    """A person with an account joins the panel. Whom they may not review follows from their roles
    and the affiliations they declared (agencies.selectors.ties_of), never from what is typed here;
    ``conflicts`` adds agencies declared for this edition only."""
    _require_organizer(by, edition.body)
    AwardError.require(user.is_active, f"{user.get_full_name() or user.get_username()}的帳號已停用。", "user")
    reviewer, _ = Reviewer.objects.get_or_create(
        edition=edition, user=user, defaults={"agency": home_agency(user, edition.body)}
    )
    reviewer.conflicts.add(*conflicts)
    entry = audit.record(
        by=by,
        action="award.reviewer",
        obj=reviewer,
        agency=edition.body,
        after={"user": user.get_username(), "conflicts": [a.code for a in conflicts]},
    )
    notices.notify(
        event=entry,
        recipients=[user],
        subject=f"邀請您擔任「{edition}」評審委員",
        body=f"{edition.body.name}邀請您擔任「{edition}」評審委員；分配給您的參獎案會列在您的待辦。",
        url=reverse("awards:edition", args=[edition.pk]),
    )
    return reviewer


def _ties(reviewer: Reviewer) -> set[str]:
    """The agencies the reviewer may not review: their roles, their affiliations, and what they
    declared for this edition."""
    return ties_of(reviewer.user) | {a.path for a in reviewer.conflicts.all()}


def _conflicted(reviewer: Reviewer, entry: Entry, ties: set[str]) -> bool:
    return in_conflict(ties, entry.agency.path, reviewer.edition.body.path)


def _withdraw(*, by: Actor, assignment: Assignment) -> None:
    """An assignment the reviewer turned out to be conflicted in goes, with its scores: a score
    from a conflicted reviewer must not count. The audit log keeps what was there."""
    audit.record(
        by=by,
        action="award.withdraw",
        obj=assignment,
        agency=assignment.entry.agency,
        before={"reviewer": assignment.reviewer.user.get_username(), "scores": assignment.scores.count()},
    )
    assignment.delete()


@transaction.atomic
def withdraw_conflicted(*, user: Any, by: Actor = None) -> int:
    """Withdraw the open assignments of ``user`` that their ties now put in conflict (a role granted
    or an affiliation declared after they were assigned); how many."""
    withdrawn = 0
    for assignment in (
        Assignment.objects.filter(reviewer__user=user, stage__closed=False)
        .select_related("entry__agency", "reviewer__edition__body", "reviewer__user")
        .prefetch_related("reviewer__conflicts")
    ):
        if _conflicted(assignment.reviewer, assignment.entry, _ties(assignment.reviewer)):
            _withdraw(by=by, assignment=assignment)
            withdrawn += 1
    return withdrawn


def _reached(stage: Stage, entry: Entry) -> bool:
    return entry.reached is not None and entry.reached.position >= stage.position


@transaction.atomic
def assign(*, by: Actor, stage: Stage, entry: Entry, reviewer: Reviewer) -> Assignment:
    _require_organizer(by, stage.edition.body)
    AwardError.require(not stage.closed, f"「{stage.name}」已結束。")
    AwardError.require(_reached(stage, entry), f"{entry.agency.name}未晉級到「{stage.name}」。")
    AwardError.require(
        not _conflicted(reviewer, entry, _ties(reviewer)),
        f"{reviewer.user.get_full_name() or reviewer.user.get_username()}與{entry.agency.name}有利益衝突，不能評審。",
        "reviewer",
    )
    assignment, _ = Assignment.objects.get_or_create(stage=stage, entry=entry, reviewer=reviewer)
    audit.record(
        by=by,
        action="award.assign",
        obj=assignment,
        agency=entry.agency,
        after={"reviewer": reviewer.user.get_username()},
    )
    return assignment


@transaction.atomic
def assign_evenly(*, by: Actor, stage: Stage, per_entry: int) -> int:
    """Every entry of the stage to ``per_entry`` reviewers, the least loaded first, never one with a
    conflict; refused (nothing stored) if an entry cannot get that many."""
    _require_organizer(by, stage.edition.body)
    reviewers = list(
        stage.edition.reviewers.select_related("user", "edition__body").prefetch_related("conflicts")
    )
    ties = {r.pk: _ties(r) for r in reviewers}
    load: dict[int, int] = defaultdict(int)
    rows = []
    for entry in (
        Entry.objects.filter(edition=stage.edition, reached__position__gte=stage.position)
        .select_related("agency")
        .order_by("number")
    ):
        eligible = sorted(
            (r for r in reviewers if not _conflicted(r, entry, ties[r.pk])),
            key=lambda r: (load[r.pk], r.pk),
        )
        AwardError.require(
            len(eligible) >= per_entry, f"{entry.agency.name}只有 {len(eligible)} 位無利益衝突的委員。"
        )
        for reviewer in eligible[:per_entry]:
            load[reviewer.pk] += 1
            rows.append(Assignment(stage=stage, entry=entry, reviewer=reviewer))
    Assignment.objects.bulk_create(rows, ignore_conflicts=True)
    audit.record(
        by=by,
        action="award.assign_evenly",
        obj=stage,
        agency=stage.edition.body,
        after={"assignments": len(rows)},
    )
    return len(rows)


def save_scores(
    *, by: Actor, assignment: Assignment, scores: Mapping[int, str], coaching: str = ""
) -> Assignment:
    """A reviewer's scores for one entry (a criterion left empty stays unscored); all or nothing.
    Conflicts are checked again: an assignment the reviewer is now conflicted in is withdrawn (its
    withdrawal kept, whatever else is refused) and the scores refused."""
    user = person(by)
    AwardError.require(
        user is not None and assignment.reviewer.user_id == user.pk, "這份評審不是分派給您的。"
    )
    if _conflicted(assignment.reviewer, assignment.entry, _ties(assignment.reviewer)):
        with transaction.atomic():
            _withdraw(by=by, assignment=assignment)
        raise AwardError(f"您與{assignment.entry.agency.name}有利益衝突，這份評審已撤回，分數不予採計。")
    return _save_scores(by=by, assignment=assignment, scores=scores, coaching=coaching)


@transaction.atomic
def _save_scores(
    *, by: Actor, assignment: Assignment, scores: Mapping[int, str], coaching: str = ""
) -> Assignment:
    AwardError.require(not assignment.stage.closed, f"「{assignment.stage.name}」已結束，分數不能再改。")
    criteria = {c.pk: c for c in assignment.entry.category.criteria.all()}
    parsed: dict[int, Decimal] = {}
    for key, raw in scores.items():
        if str(raw).strip() == "":
            continue
        criterion = criteria.get(key)
        AwardError.require(criterion is not None, "有分數不屬於這個類別的構面。")
        assert criterion is not None
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise AwardError(f"「{criterion.code}」的分數「{str(raw)[:10]}」不是數字。", "score") from None
        AwardError.require(
            0 <= value <= criterion.max_score and value == value.quantize(Decimal("0.1")),
            f"「{criterion.code}」的分數須介於 0 與 {criterion.max_score}，最多一位小數。",
            "score",
        )
        parsed[key] = value
    for key, value in parsed.items():
        Score.objects.update_or_create(assignment=assignment, criterion_id=key, defaults={"score": value})
    assignment.coaching = coaching.strip()[:5000]
    assignment.save(update_fields=["coaching"])
    audit.record(
        by=by,
        action="award.score",
        obj=assignment,
        agency=assignment.entry.agency,
        after={str(k): str(v) for k, v in parsed.items()},
    )
    return assignment


def stage_totals(stage: Stage) -> dict[tuple[int, int], float]:
    """{(entry, reviewer): weighted total} of every finished score sheet of the stage (leaf criteria)."""
    leaves: dict[int, list[tuple[int, int, Decimal]]] = defaultdict(list)
    for c in Criterion.objects.filter(category__edition=stage.edition, subcriteria__isnull=True):
        leaves[c.category_id].append((c.pk, c.max_score, c.weight))
    sheets: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    category_of: dict[int, int] = {}
    for entry_id, reviewer_id, category_id, criterion_id, score in Score.objects.filter(
        assignment__stage=stage
    ).values_list(
        "assignment__entry_id",
        "assignment__reviewer_id",
        "assignment__entry__category_id",
        "criterion_id",
        "score",
    ):
        sheets[(entry_id, reviewer_id)][criterion_id] = score
        category_of[entry_id] = category_id
    totals = {}
    for key, scores in sheets.items():
        total = rules.weighted_total(scores, leaves[category_of[key[0]]])
        if total is not None:
            totals[key] = total
    return totals


@transaction.atomic
def close_stage(*, by: Actor, stage: Stage) -> list[Result]:
    """Rank the stage's entries by its method; the first ``advance`` move on to the next stage (all,
    when none is set); grades by the edition's thresholds; after the last stage, those moving on are
    the nominees sent up."""
    _require_organizer(by, stage.edition.body)
    AwardError.require(not stage.closed, f"「{stage.name}」已結束。")
    earlier = stage.edition.stages.filter(position__lt=stage.position, closed=False).first()
    AwardError.require(earlier is None, f"請先結束「{earlier.name if earlier else ''}」。")
    ranked = rules.rank(stage_totals(stage), stage.method)
    AwardError.require(bool(ranked), f"「{stage.name}」還沒有完成的評分。")
    following = stage.edition.stages.filter(position__gt=stage.position).order_by("position").first()
    thresholds = {k: Decimal(v) for k, v in stage.edition.thresholds.items()}
    entries = Entry.objects.in_bulk([r.entry for r in ranked])
    results = []
    for r in ranked:
        moved_on = stage.advance is None or r.rank <= stage.advance
        results.append(
            Result(
                stage=stage,
                entry_id=r.entry,
                rank=r.rank,
                score=r.score,
                raw_mean=r.raw_mean,
                reviewers=r.reviewers,
                moved_on=moved_on,
            )
        )
        entry = entries[r.entry]
        entry.grade = rules.grade(r.raw_mean, thresholds)
        if moved_on:
            if following is not None:
                entry.reached = following
            else:
                entry.nominated = True
    Result.objects.bulk_create(results)
    Entry.objects.bulk_update(entries.values(), ["grade", "reached", "nominated"])
    stage.closed = True
    stage.save(update_fields=["closed"])
    audit.record(
        by=by,
        action="award.close_stage",
        obj=stage,
        agency=stage.edition.body,
        after={
            "method": stage.method,
            "ranking": [r.entry for r in ranked],
            "moved_on": [r.entry for r in ranked if stage.advance is None or r.rank <= stage.advance],
        },
    )
    return results


@transaction.atomic
def record_national(*, by: Actor, entry: Entry, national: str, practice: str = "") -> Entry:
    """The national result when it comes back; the agency's prizes by the body's rulebook."""
    _require_organizer(by, entry.edition.body)
    AwardError.require(entry.nominated, f"{entry.agency.name}未獲推薦參加政府服務獎。")
    AwardError.require(national in rules.NATIONAL, "請選擇政府服務獎結果。", "national")
    entry.national = national
    entry.practice = practice.strip()
    rulebook = current_rulebook(entry.edition.body)
    entry.prizes = prizes_for(entry, rulebook) if rulebook else []
    entry.save(update_fields=["national", "practice", "prizes"])
    audit.record(
        by=by,
        action="award.national",
        obj=entry,
        agency=entry.agency,
        after={"national": national, "prizes": entry.prizes},
    )
    return entry


def prizes_for(entry: Entry, rulebook: Rulebook) -> list[str]:
    facts = entry.facts()
    return [
        p
        for line in rules.parse_rulebook(rulebook.text)
        if rules.AGENCY in line.roles and line.applies(facts)
        for p in line.prizes
    ]


# --- rulebooks and rewards ----------------------------------------------------------------------


def current_rulebook(body: Agency) -> Rulebook | None:
    return Rulebook.objects.filter(body=body).order_by("-version").first()


@transaction.atomic
def save_rulebook(*, by: Actor, body: Agency, name: str, text: str) -> Rulebook:
    _require_organizer(by, body)
    try:
        lines = rules.parse_rulebook(text)
    except rules.BadRulebook as error:
        raise AwardError(str(error), "text") from None
    AwardError.require(bool(lines), "請至少寫一列敘獎規定。", "text")
    latest = current_rulebook(body)
    rulebook = Rulebook.objects.create(
        body=body,
        name=name.strip()[:200] or "敘獎規定",
        version=(latest.version + 1) if latest else 1,
        text=text.strip(),
    )
    audit.record(by=by, action="award.rulebook", obj=rulebook, agency=body, after={"lines": len(lines)})
    return rulebook


@transaction.atomic
def propose_rewards(*, by: Actor, edition: Edition) -> list[Reward]:
    """Each person's reward by the body's current rulebook: the people on the entries with their
    entry's results, and the panel (初評小組); one per person, the highest that applies."""
    _require_organizer(by, edition.body)
    rulebook = current_rulebook(edition.body)
    AwardError.require(rulebook is not None, f"{edition.body.name}尚未訂定敘獎規定。")
    assert rulebook is not None
    lines = rules.parse_rulebook(rulebook.text)
    people: dict[tuple[int, str], list[tuple[str, dict[str, str]]]] = defaultdict(list)
    for p in EntryPerson.objects.filter(entry__edition=edition).select_related("entry"):
        people[(p.entry.agency_id, p.name)].append((p.role, p.entry.facts()))
    for reviewer in edition.reviewers.select_related("user"):
        # 初評小組 rewards are the body's to give its own staff (003); an outside expert, holding no
        # role in the body's tree, is not 敘獎 by it.
        home = home_agency(reviewer.user, edition.body)
        if home is None:
            continue
        name = reviewer.user.get_full_name() or reviewer.user.get_username()
        people[(home.pk, name)].append((rules.PANEL, {}))
    if any(key == "selfeval" for line in lines for key, _ in line.conditions):
        # 003 柒、一: rewards on the self-evaluations' results, proposed to whoever filed them.
        for evaluation in _self_evaluations_of(edition):
            filer = evaluation.submitted_by
            name = filer.get_full_name() or filer.get_username()
            grade = Grade(evaluation.overall).label
            people[(evaluation.plan.agency_id, name)].append((rules.MAIN, {"selfeval": str(grade)}))
    kept = set(Reward.objects.filter(edition=edition).exclude(chosen="").values_list("agency_id", "person"))
    Reward.objects.filter(edition=edition, chosen="").delete()
    made = []
    for (agency_id, name), roles in sorted(people.items()):
        if (agency_id, name) in kept:
            continue  # a choice already made stands
        proposal = rules.propose(name, roles, lines)
        if proposal.line is None:
            continue
        made.append(
            Reward(
                edition=edition,
                rulebook=rulebook,
                line=proposal.line.number,
                person=name,
                agency_id=agency_id,
                role=proposal.role,
                basis=f"{proposal.line.source} {proposal.note}".strip(),
                proposed=str(proposal.reward) if proposal.reward else "",
            )
        )
    Reward.objects.bulk_create(made)
    audit.record(
        by=by,
        action="award.propose_rewards",
        obj=edition,
        agency=edition.body,
        after={"rulebook": rulebook.version, "people": len(made)},
    )
    return made


@transaction.atomic
def choose_reward(*, by: Actor, reward: Reward, chosen: str, reason: str = "") -> Reward:
    """The supervisor's choice: an option of the line, up to its ceiling, or anything with a reason."""
    _require_organizer(by, reward.edition.body)
    line = next((x for x in rules.parse_rulebook(reward.rulebook.text) if x.number == reward.line), None)
    try:
        choice = rules.parse_reward(chosen) if chosen.strip() else None
        proposal = rules.Proposal(
            reward.person,
            reward.role,
            line,
            None,
            line.options if line else (),
            max(line.options) if line and line.ceiling else None,
            rules.describe(line) if line else "",
        )
        rules.check_choice(proposal, choice, reason)
    except rules.BadRulebook as error:
        raise AwardError(str(error), "chosen") from None
    before = {"chosen": reward.chosen}
    reward.chosen, reward.reason = (str(choice) if choice else "不予敘獎"), reason.strip()[:300]
    reward.save(update_fields=["chosen", "reason"])
    audit.record(
        by=by,
        action="award.choose_reward",
        obj=reward,
        agency=reward.agency,
        before=before,
        after={"chosen": reward.chosen, "reason": reward.reason},
    )
    return reward


@transaction.atomic
def publish(*, by: Actor, edition: Edition) -> Edition:
    _require_organizer(by, edition.body)
    AwardError.require(edition.stages.filter(closed=False).count() == 0, "尚有評審階段未結束。")
    edition.published = True
    edition.save(update_fields=["published"])
    audit.record(by=by, action="award.publish", obj=edition, agency=edition.body, after={"published": True})
    return edition


# --- self-evaluation on the award's criteria ------------------------------------------------------


def _self_evaluations_of(edition: Edition) -> Any:
    """The year's submitted self-evaluations of the agencies in the body's subtree, with their filer."""
    return SelfEvaluation.objects.filter(
        plan__agency__path__startswith=edition.body.path,
        year=edition.year,
        submitted_at__isnull=False,
        submitted_by__isnull=False,
    ).select_related("plan", "submitted_by")


@transaction.atomic
def grade_self_evaluation(
    *, by: Actor, plan: Plan, year: int, half: int, grades: Mapping[int, tuple[str, str]]
) -> list[CriterionGrade]:
    """Grade a half-year's self-evaluation on the award's 構面 (003); once every 構面 is graded, the
    evaluation needs no item grades to be submitted. Grades left blank are kept blank."""
    category = selectors.self_evaluation_category(plan.agency, year)
    AwardError.require(category is not None, f"{format_roc_year(year)}沒有可依循的政府服務獎評獎項目。")
    assert category is not None  # for the type checker: refused just above
    evaluation = reporting_services.open_self_evaluation(by=by, plan=plan, year=year, half=half)
    criteria = {c.pk: c for c in selectors.top_criteria(category)}
    for criterion_id, (grade, remark) in grades.items():
        AwardError.require(criterion_id in criteria, "有評等不屬於這個類別的評獎構面。", "grades")
        AwardError.require(
            grade in Grade.values, f"評等「{grade[:10]}」不存在；請選 優、甲、乙 或 丙。", "grades"
        )
        AwardError.require(len(remark) <= 5000, "每個構面的說明最多 5000 字。", "grades")
    kept = []
    for criterion_id, (grade, remark) in grades.items():
        found, _ = CriterionGrade.objects.update_or_create(
            evaluation=evaluation,
            criterion_id=criterion_id,
            defaults={"grade": grade, "remark": remark.strip()},
        )
        kept.append(found)
    graded = set(evaluation.criterion_grades.values_list("criterion_id", flat=True))
    reporting_services.grade_on_award_criteria(evaluation=evaluation, complete=set(criteria) <= graded)
    audit.record(
        by=by,
        action="selfeval.criteria",
        obj=evaluation,
        agency=plan.agency,
        within=plan,
        after={"category": category.name, "grades": {criteria[k].name: g for k, (g, _) in grades.items()}},
    )
    return kept
