"""Award pages: editions and their set-up, the entrant survey and entries, the panel's scoring,
closing stages, nominees and national results, rulebooks and rewards, and the public results."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from servq.agencies.access import access
from servq.agencies.models import Agency
from servq.agencies.rules import Role
from servq.agencies.selectors import agencies_where, panel_candidates
from servq.awards import documents, rulebooks, rules, selectors, services
from servq.awards.models import Assignment, Edition, Entry, PersonRole, Reward, StageKind
from servq.core import rows
from servq.core.downloads import as_download
from servq.core.errors import ServiceError
from servq.core.forms import YearField
from servq.core.http import chosen
from servq.core.measures import all_measures
from servq.core.permissions import has_perm
from servq.core.refusals import refusals_to
from servq.core.sheets import to_ods, to_xlsx
from servq.plans.exporting import FORMATS
from servq.reporting.models import Grade, SelfEvaluation
from servq.reporting.selectors import plans_reported_to

# The people on an entry as a table, each role chosen by name (issue 33.11: typed as 「姓名｜職稱｜角色」).
PEOPLE_COLUMNS = (
    rows.Column("name", _("姓名"), size=8),
    rows.Column("title", _("職稱"), size=8),
    rows.Column("role", _("角色"), choices=tuple(PersonRole.choices)),
)


def _edition(request: HttpRequest, pk: int) -> Edition:
    edition = selectors.editions_for(request.user).filter(pk=pk).first()
    if edition is None:
        raise Http404
    return edition


def _organizer(request: HttpRequest, edition: Edition) -> bool:
    return has_perm(request.user, "awards.organize", edition.body)


@access(signed_in=True)
def index(request: HttpRequest) -> HttpResponse:
    bodies = agencies_where(request.user, "awards.organize")
    if request.method == "POST" and bodies:
        body = chosen(request, bodies, "body") or bodies[0]
        try:
            year = _year(request.POST.get("year", ""))
            edition = services.create_edition(
                by=request.user, body=body, name=request.POST.get("name", ""), year=year
            )
            return redirect("awards:edition", pk=edition.pk)
        except ServiceError as error:
            messages.error(request, error.message)
    return render(
        request, "awards/index.html", {"editions": selectors.editions_for(request.user), "bodies": bodies}
    )


@access(signed_in=True)
def edition(request: HttpRequest, pk: int) -> HttpResponse:
    found = _edition(request, pk)
    organizer = _organizer(request, found)
    mine = [a for a in agencies_where(request.user, "awards.enter") if a.path.startswith(found.body.path)]
    return render(
        request,
        "awards/edition.html",
        {
            "edition": found,
            "organizer": organizer,
            "categories": found.categories.prefetch_related("criteria"),
            "stages": found.stages.all(),
            "intentions": found.intentions.select_related("agency", "category"),
            "entries": selectors.entries_of(found, request.user),
            "reviewers": found.reviewers.select_related("user", "agency").prefetch_related("conflicts")
            if organizer
            else [],
            "candidates": panel_candidates(found.body) if organizer else [],
            "progress": selectors.progress(found) if organizer else [],
            "results": selectors.results(found) if organizer else [],
            "rewards": selectors.rewards(found) if organizer else [],
            "assignments": selectors.assignments_for(request.user, found),
            "mine": mine,
            "national": rules.NATIONAL_NAMES,
            "methods": rules.METHOD_NAMES,
            "tie_rule": rules.TIE_RULE,
            "formats": [(f, FORMATS[f].label) for f in ("odt", "docx", "pdf")],
        },
    )


# The edition's set-up as three tables: categories, criteria (構面), stages with their kind and
# scoring method by name. The service reads them as the lines it always read (core/rows.py).
CATEGORY_COLUMNS = (
    rows.Column("code", _("代碼（英數字）"), size=10),
    rows.Column("name", _("類別"), size=14),
    rows.Column("eligibility", _("參獎資格"), size=24),
)
CRITERION_COLUMNS = (
    rows.Column("category", _("所屬類別代碼"), size=10),
    rows.Column("code", _("代號"), size=4),
    rows.Column("name", _("構面"), size=20),
    rows.Column("weight", _("權重"), size=4),
    rows.Column("max_score", _("滿分"), size=4),
    rows.Column("parent", _("上層代號（子構面填寫）"), size=4),
)
STAGE_COLUMNS = (
    rows.Column("name", _("階段"), size=12),
    rows.Column("kind", _("方式"), choices=tuple(StageKind.choices)),
    rows.Column("advance", _("晉級數（空白：全部晉級）"), size=4),
    rows.Column("method", _("計分方式"), choices=tuple(rules.METHOD_NAMES.items())),
)
SET_UP_TABLES = (("cat", CATEGORY_COLUMNS), ("crit", CRITERION_COLUMNS), ("stage", STAGE_COLUMNS))


def _set_up_rows(found: Edition) -> dict[str, list[rows.Row]]:
    return {
        "cat": [
            {"code": c.code, "name": c.name, "eligibility": c.eligibility} for c in found.categories.all()
        ],
        "crit": [
            {
                "category": c.category.code,
                "code": c.code,
                "name": c.name,
                "weight": f"{c.weight:g}",
                "max_score": str(c.max_score),
                "parent": c.parent.code if c.parent else "",
            }
            for cat in found.categories.all()
            for c in cat.criteria.select_related("category", "parent")
        ],
        "stage": [
            {"name": s.name, "kind": s.kind, "advance": str(s.advance or ""), "method": s.method}
            for s in found.stages.all()
        ],
    }


@access(roles=[Role.SUPERVISOR])
def set_up(request: HttpRequest, pk: int) -> HttpResponse:
    """評獎架構: categories, criteria and stages, changed as a whole while no entry exists."""
    found = _edition(request, pk)
    if not _organizer(request, found):
        raise Http404
    error = ""
    if request.method == "POST":
        typed = {prefix: rows.posted(request.POST, prefix, columns) for prefix, columns in SET_UP_TABLES}
        if not any(rows.adding(request.POST, prefix) for prefix, _columns in SET_UP_TABLES):
            texts = {prefix: rows.lines_of(typed[prefix], columns) for prefix, columns in SET_UP_TABLES}
            try:
                services.set_up(
                    by=request.user,
                    edition=found,
                    categories=texts["cat"],
                    criteria=texts["crit"],
                    stages=texts["stage"],
                )
                messages.success(request, gettext("已儲存評獎架構。"))
                return redirect("awards:edition", pk=pk)
            except ServiceError as refused:
                error = refused.message
        # 第 N 列 in a refusal counts the rows filled in.
        typed = {
            prefix: [row for row in found_rows if any(row.values())] for prefix, found_rows in typed.items()
        }
    else:
        typed = _set_up_rows(found)
    tables = [
        (prefix, columns, rows.table(typed[prefix], columns, blank=1 if typed[prefix] else 3))
        for prefix, columns in SET_UP_TABLES
    ]
    return render(
        request,
        "awards/set_up.html",
        {"edition": found, "tables": tables, "error": error, "locked": found.entries.exists()},
        status=400 if error else 200,
    )


def _organizer_action(action: Callable[[HttpRequest, Edition], str]) -> Callable[..., HttpResponse]:
    @access(roles=[Role.SUPERVISOR])
    @require_POST
    @refusals_to("awards:edition", pk="pk")
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        found = _edition(request, pk)
        if not _organizer(request, found):
            raise Http404
        done = action(request, found)
        messages.success(request, done)
        return redirect("awards:edition", pk=pk)

    view.__name__ = action.__name__
    return view


def _copy(request: HttpRequest, found: Edition) -> str:
    new = services.copy_edition(
        by=request.user,
        edition=found,
        name=request.POST.get("name", ""),
        year=_year(request.POST.get("year") or str(found.year + 1)),
    )
    return gettext("已複製為「%(name)s」。") % {"name": new.name}


def _year(raw: str) -> int:
    """A year typed as offices write it (115) or as 2026 (issue 33.12); refused with the reason."""
    try:
        year = YearField(label=gettext("年度")).clean(raw)
    except ValidationError as refused:
        raise services.AwardError("；".join(refused.messages), "year") from None
    return int(year)


def _designate(request: HttpRequest, found: Edition) -> str:
    agency = Agency.objects.filter(
        pk=request.POST.get("agency") or 0, path__startswith=found.body.path
    ).first()
    category = found.categories.filter(pk=request.POST.get("category") or 0).first()
    if agency is None or category is None:
        raise Http404
    services.designate(by=request.user, edition=found, agency=agency, category=category)
    return gettext("已指定%(agency)s參選。") % {"agency": agency.name}


def _add_reviewer(request: HttpRequest, found: Edition) -> str:
    """A person picked by name among those who can sit on the body's panels; whom they must not
    review follows from their roles and declared affiliations."""
    chosen = str(request.POST.get("user", ""))
    user = next((u for u, _label in panel_candidates(found.body) if str(u.pk) == chosen), None)
    if user is None:
        raise services.AwardError(gettext("請從名單中選擇委員。"))
    services.add_reviewer(by=request.user, edition=found, user=user)
    return gettext("已加入評審委員。")


def _assign_evenly(request: HttpRequest, found: Edition) -> str:
    stage = found.stages.filter(pk=request.POST.get("stage") or 0).first()
    if stage is None:
        raise Http404
    n = services.assign_evenly(
        by=request.user, stage=stage, per_entry=int(request.POST.get("per_entry") or 3)
    )
    return gettext("已分派 %(n)d 份評審。") % {"n": n}


def _close_stage(request: HttpRequest, found: Edition) -> str:
    stage = found.stages.filter(pk=request.POST.get("stage") or 0).first()
    if stage is None:
        raise Http404
    if request.POST.get("confirm") != "yes":
        raise services.AwardError(gettext("請勾選確認後再結束階段。"))
    services.close_stage(by=request.user, stage=stage)
    return gettext("「%(stage)s」已結束並排序。") % {"stage": stage.name}


def _national(request: HttpRequest, found: Edition) -> str:
    entry = found.entries.filter(pk=request.POST.get("entry") or 0).first()
    if entry is None:
        raise Http404
    services.record_national(
        by=request.user,
        entry=entry,
        national=request.POST.get("national", ""),
        practice=request.POST.get("practice", ""),
    )
    return gettext("已登錄政府服務獎結果。")


def _propose(request: HttpRequest, found: Edition) -> str:
    made = services.propose_rewards(by=request.user, edition=found)
    return gettext("已依敘獎規定建議 %(n)d 人的獎勵。") % {"n": len(made)}


def _choose(request: HttpRequest, found: Edition) -> str:
    reward = Reward.objects.filter(edition=found, pk=request.POST.get("reward") or 0).first()
    if reward is None:
        raise Http404
    services.choose_reward(
        by=request.user,
        reward=reward,
        chosen=request.POST.get("chosen", ""),
        reason=request.POST.get("reason", ""),
    )
    return gettext("已核定%(person)s的獎勵。") % {"person": reward.person}


def _publish(request: HttpRequest, found: Edition) -> str:
    if request.POST.get("confirm") != "yes":
        raise services.AwardError(gettext("請勾選確認後再公布。"))
    services.publish(by=request.user, edition=found)
    return gettext("已公布評獎結果。")


copy = _organizer_action(_copy)
designate = _organizer_action(_designate)
add_reviewer = _organizer_action(_add_reviewer)
assign_evenly = _organizer_action(_assign_evenly)
close_stage = _organizer_action(_close_stage)
national = _organizer_action(_national)
propose = _organizer_action(_propose)
choose = _organizer_action(_choose)
publish = _organizer_action(_publish)


# --- agencies: the survey and entries --------------------------------------------------------------


def _own_agency(request: HttpRequest, found: Edition) -> Agency:
    agency = Agency.objects.filter(
        pk=request.POST.get("agency") or request.GET.get("agency") or 0, path__startswith=found.body.path
    ).first()
    if agency is None or not has_perm(request.user, "awards.enter", agency):
        raise Http404
    return agency


@access(signed_in=True)
@require_POST
@refusals_to("awards:edition", pk="pk")
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    found = _edition(request, pk)
    agency = _own_agency(request, found)
    will = request.POST.get("will_enter") == "yes"
    category = found.categories.filter(pk=request.POST.get("category") or 0).first()
    services.answer_survey(
        by=request.user,
        edition=found,
        agency=agency,
        will_enter=will,
        category=category,
        note=request.POST.get("note", ""),
    )
    messages.success(request, gettext("已填報參獎意願。"))
    return redirect("awards:edition", pk=pk)


def _people(people: list[rows.Row]) -> list[tuple[str, str, str]]:
    """The people filled in, each with a role servq knows; a row missing either is named."""
    found = []
    for n, person in enumerate((p for p in people if any(p.values())), start=1):
        if not person["name"].strip() or person["role"] not in PersonRole.values:
            raise services.AwardError(f"參獎人員第 {n} 列請填姓名並選擇角色。", "people")
        found.append((person["name"].strip(), person["title"].strip(), person["role"]))
    return found


@access(signed_in=True)
def enter(request: HttpRequest, pk: int) -> HttpResponse:
    found = _edition(request, pk)
    agency = _own_agency(request, found)
    category = (
        found.categories.filter(pk=request.POST.get("category") or request.GET.get("category") or 0).first()
        or found.categories.first()
    )
    if category is None:
        raise Http404
    criteria = list(category.criteria.filter(subcriteria__isnull=True))
    people = rows.posted(request.POST, "people", PEOPLE_COLUMNS)
    error = ""
    if request.method == "POST" and not rows.adding(request.POST, "people"):
        try:
            entry = services.enter(
                by=request.user,
                edition=found,
                agency=agency,
                category=category,
                title=request.POST.get("title", ""),
                answers={c.pk: request.POST.get(f"answer-{c.pk}", "")[:20000] for c in criteria},
                people=_people(people),
                year_end_report=request.POST.get("year_end_report") == "on",
            )
            messages.success(request, gettext("已報名。"))
            return redirect("awards:entry", pk=entry.pk)
        except ServiceError as refused:
            error = refused.message
    return render(
        request,
        "awards/enter.html",
        {
            "edition": found,
            "agency": agency,
            "category": category,
            "rows": [{"criterion": c, "text": request.POST.get(f"answer-{c.pk}", "")} for c in criteria],
            "error": error,
            "people_columns": PEOPLE_COLUMNS,
            "people_cells": rows.table([p for p in people if any(p.values())], PEOPLE_COLUMNS, blank=2),
            "data": request.POST,
        },
        status=400 if error else 200,
    )


def _entry(request: HttpRequest, pk: int) -> Entry:
    entry = Entry.objects.filter(pk=pk).select_related("edition__body", "agency", "category").first()
    if entry is None or not selectors.entries_of(entry.edition, request.user).filter(pk=pk).exists():
        raise Http404
    return entry


@access(signed_in=True)
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    found = _entry(request, pk)
    return render(
        request,
        "awards/entry.html",
        {
            "entry": found,
            "answers": found.answers.select_related("criterion"),
            "people": found.people.all(),
            "evidence": found.evidence.all(),
            "measures": all_measures(),
            "may_edit": has_perm(request.user, "awards.enter", found.agency),
        },
    )


@access(signed_in=True)
@require_POST
@refusals_to("awards:entry", pk="pk")
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    found = _entry(request, pk)
    services.link_evidence(by=request.user, entry=found, measure=request.POST.get("measure", "")[:60])
    messages.success(request, gettext("已連結佐證。"))
    return redirect("awards:entry", pk=pk)


# --- reviewers ---------------------------------------------------------------------------------


@access(signed_in=True)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = (
        Assignment.objects.filter(pk=pk)
        .select_related("entry__category", "entry__agency", "stage__edition__body", "reviewer")
        .first()
    )
    mine = assignment is not None and assignment.reviewer.user_id == request.user.pk
    if assignment is None or not (mine or _organizer(request, assignment.stage.edition)):
        raise Http404  # a score sheet is its reviewer's, and the organizers' to read
    criteria = list(assignment.entry.category.criteria.filter(subcriteria__isnull=True))
    error = ""
    if request.method == "POST" and mine:
        try:
            services.save_scores(
                by=request.user,
                assignment=assignment,
                scores={c.pk: request.POST.get(f"score-{c.pk}", "")[:10] for c in criteria},
                coaching=request.POST.get("coaching", ""),
            )
            messages.success(request, gettext("已儲存評分。"))
            return redirect("awards:edition", pk=assignment.stage.edition_id)
        except ServiceError as refused:
            error = refused.message
    saved = {s.criterion_id: s.score for s in assignment.scores.all()}
    rows = [
        {"criterion": c, "value": request.POST.get(f"score-{c.pk}", "") if error else saved.get(c.pk, "")}
        for c in criteria
    ]
    answers = {a.criterion_id: a.text for a in assignment.entry.answers.all()}
    return render(
        request,
        "awards/review.html",
        {
            "assignment": assignment,
            "rows": rows,
            "answers": answers,
            "error": error,
            "coaching": request.POST.get("coaching", assignment.coaching),
            "editable": mine and not assignment.stage.closed,
        },
        status=400 if error else 200,
    )


# --- rulebooks, exports, public results -----------------------------------------------------------


# The most rows the rulebook form takes (003's rulebook has 16; 001's 12).
MAX_RULE_ROWS = 60


@access(roles=[Role.SUPERVISOR])
def rulebook(request: HttpRequest) -> HttpResponse:
    """The body's rulebook (敘獎規定) as rows of choices: when (the entry's results), whom, what."""
    bodies = agencies_where(request.user, "awards.organize")
    if not bodies:
        raise Http404
    body = chosen(request, bodies, "body") or bodies[0]
    current = services.current_rulebook(body)
    rows = rules.rulebook_rows(current.text) if current else []
    name = current.name if current else ""
    if request.GET.get("seed") in rulebooks.RULEBOOKS:
        name, text = rulebooks.RULEBOOKS[request.GET["seed"]]
        rows = rules.rulebook_rows(text)
    error = ""
    if request.method == "POST":
        rows, name = _posted_rows(request), request.POST.get("name", "")[:200]
        if "add" in request.POST:
            rows.append(_EMPTY_ROW)
        else:
            try:
                saved = services.save_rulebook(
                    by=request.user, body=body, name=name, text=rules.rulebook_text(rows)
                )
                messages.success(request, gettext("已儲存敘獎規定第 %(v)d 版。") % {"v": saved.version})
                return redirect("awards:rulebook")
            except ServiceError as refused:
                error = refused.message
    return render(
        request,
        "awards/rulebook.html",
        {
            "body": body,
            "current": current,
            "name": name,
            "rows": [*rows, _EMPTY_ROW] if not rows or not rows[-1].empty else rows,
            "error": error,
            "seeds": rulebooks.RULEBOOKS,
            "choices": _RULE_CHOICES,
        },
        status=400 if error else 200,
    )


_EMPTY_ROW = rules.RuleRow({}, (), "")
# Each condition's choices in the office's words ('' = 不限); the roles to tick; rewards to pick from.
_RULE_CHOICES = {
    "national": [
        ("winner", _("獲頒政府服務獎")),
        ("finalist", _("入圍未獲獎")),
        ("not_finalist", _("推薦參獎未入圍")),
    ],
    "grade": [(g, g) for g in rules.GRADES],
    "nominated": [("yes", _("推薦參加政府服務獎")), ("no", _("未推薦"))],
    "selfeval": [(g, g) for g in rules.SELF_EVALUATION_GRADES],
    "roles": list(rules.ROLE_NAMES.items()),
    # The rulebooks' own words, offered as suggestions: a reward is written as the rulebook writes it.
    "rewards": [
        "記大功1次",
        "記功2次",
        "記功1次",
        "記功1次或嘉獎2次",
        "嘉獎2次",
        "嘉獎1次",
        "最高記功1次",
        "最高嘉獎2次",
        "依權責覈實敘獎",
        "獎狀1幀",
        "獎座及獎金、獎狀1幀",
    ],
}


def _posted_rows(request: HttpRequest) -> list[rules.RuleRow]:
    try:
        count = min(int(request.POST.get("rows") or 0), MAX_RULE_ROWS)
    except ValueError:
        count = 0
    return [
        rules.RuleRow(
            {key: request.POST.get(f"{key}-{i}", "")[:20] for key in rules.CONDITION_KEYS},
            tuple(r for r in request.POST.getlist(f"roles-{i}") if r in rules.ROLE_NAMES),
            request.POST.get(f"reward-{i}", "")[:200],
            request.POST.get(f"source-{i}", "")[:60],
        )
        for i in range(count)
    ]


@access(roles=[Role.SUPERVISOR])
def rewards_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    found = _edition(request, pk)
    if not _organizer(request, found) or fmt not in ("ods", "xlsx"):
        raise Http404
    header = ["機關", "姓名", "角色", "依據", "建議", "核定", "調整理由"]
    rows = [
        [
            r.agency.name,
            r.person,
            str(rules.ROLE_NAMES.get(r.role, r.role)),
            r.basis,
            r.proposed,
            r.chosen,
            r.reason,
        ]
        for r in selectors.rewards(found)
    ]
    data = to_ods("敘獎名冊", header, rows) if fmt == "ods" else to_xlsx("敘獎名冊", header, rows)
    response = HttpResponse(data, content_type=FORMATS[fmt].content_type)
    as_download(response, f"{found.name}敘獎名冊.{fmt}")
    return response


@access(roles=[Role.SUPERVISOR])
def package(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The nominees sent up as one document: each application and the panel's recommendation."""
    found = _edition(request, pk)
    if not _organizer(request, found) or fmt not in ("odt", "docx", "pdf"):
        raise Http404
    response = HttpResponse(documents.render(found, fmt), content_type=FORMATS[fmt].content_type)
    as_download(response, f"{found.name}推薦名單.{fmt}")
    return response


@access(public=True)
def public(request: HttpRequest, pk: int) -> HttpResponse:
    found = Edition.objects.filter(pk=pk, published=True).select_related("body").first()
    if found is None:
        raise Http404
    entries = (
        Entry.objects.filter(edition=found)
        .exclude(grade="")
        .select_related("agency", "category")
        .order_by("category__code", "grade", "agency__path")
    )
    return render(
        request,
        "awards/public.html",
        {"edition": found, "entries": entries, "national": rules.NATIONAL_NAMES},
    )


# --- self-evaluation on the award's criteria ------------------------------------------------------


@access(signed_in=True)
def self_evaluation(request: HttpRequest, plan_pk: int, year: int, half: int) -> HttpResponse:
    """A half-year's self-evaluation graded on the award's 構面 (003), beside the item-by-item form."""
    plan = get_object_or_404(plans_reported_to(request.user).select_related("agency"), pk=plan_pk)
    if half not in (1, 2) or not plan.first_year <= year <= plan.last_year:
        raise Http404
    category = selectors.self_evaluation_category(plan.agency, year)
    criteria = selectors.top_criteria(category) if category else []
    evaluation = SelfEvaluation.objects.filter(plan=plan, year=year, half=half).first()
    kept = {g.criterion_id: g for g in evaluation.criterion_grades.all()} if evaluation else {}
    error = ""
    if request.method == "POST":
        grades = {
            c.pk: (request.POST.get(f"grade_{c.pk}", ""), request.POST.get(f"remark_{c.pk}", ""))
            for c in criteria
            if request.POST.get(f"grade_{c.pk}")
        }
        try:
            services.grade_self_evaluation(by=request.user, plan=plan, year=year, half=half, grades=grades)
        except ServiceError as refused:
            error = refused.message
        else:
            messages.success(request, gettext("已儲存評獎項目自評。"))
            return redirect("reporting:self_evaluation", plan.pk, year, half)
    rows = [
        (
            c,
            request.POST.get(f"grade_{c.pk}", kept[c.pk].grade if c.pk in kept else ""),
            request.POST.get(f"remark_{c.pk}", kept[c.pk].remark if c.pk in kept else ""),
        )
        for c in criteria
    ]
    return render(
        request,
        "awards/self_evaluation.html",
        {
            "plan": plan,
            "year": year,
            "half": half,
            "category": category,
            "rows": rows,
            "grades": Grade.choices,
            "evaluation": evaluation,
            "may_grade": has_perm(request.user, "plans.author_plan", plan)
            and not (evaluation and evaluation.submitted_at),
            "error": error,
        },
        status=400 if error else 200,
    )
