"""Inspection pages: plans and their priority list, visits with panel, scoring (saved as reviewers
type), spot-check records and findings, the approval chain, replies through the tree, decisions,
reports, the public results page and the supervisor's board."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from servq.agencies.access import access
from servq.agencies.models import Agency
from servq.agencies.rules import Role, path_and_ancestors
from servq.agencies.selectors import agencies_for, agencies_where, panel_candidates
from servq.cases.services import Upload
from servq.core.downloads import as_download
from servq.core.errors import ServiceError
from servq.core.forms import RocDateField, YearField, error_summary
from servq.core.http import chosen, confirmed
from servq.core.permissions import has_perm
from servq.core.refusals import refusals_to
from servq.inspections import documents, rules, selectors, services
from servq.inspections.forms import (
    CriteriaForm,
    DecisionForm,
    FindingForm,
    PanelistForm,
    PlanForm,
    ReplyForm,
    SpotRecordForm,
    VisitForm,
)
from servq.inspections.models import (
    AwardEntry,
    CriteriaSet,
    Criterion,
    Criticism,
    Finding,
    InspectionPlan,
    RecordFile,
    Score,
    Visit,
)
from servq.inspections.services import InspectionError
from servq.plans.exporting import FORMATS
from servq.plans.models import PlanCycle
from servq.reporting.models import ProgressStatus
from servq.reporting.selectors import items_falling_short

REPORT_FORMATS = ("odt", "docx", "pdf")
IRREVERSIBLE = (rules.APPROVE, rules.SEND, rules.PUBLISH)  # each asks for a ticked confirmation


def _bodies(request: HttpRequest) -> list[Agency]:
    """The agencies whose inspections the user runs (supervisors: theirs and every one below)."""
    return agencies_where(request.user, "inspections.inspect")


def _body(request: HttpRequest) -> Agency:
    body = chosen(request, _bodies(request), "body")
    if body is None:
        raise Http404
    return body


def _files(request: HttpRequest) -> list[Upload]:
    return [
        Upload(f.name or "", f.read(settings.SERVQ_ATTACHMENT_MAX_BYTES + 1))
        for f in request.FILES.getlist("files")
    ]


@access(signed_in=True)
def index(request: HttpRequest) -> HttpResponse:
    visits = selectors.visits_for(request.user).prefetch_related("agencies")[:100]
    findings = [
        f
        for f in selectors.findings_for(request.user).exclude(state=rules.CLOSED).order_by("reply_due")[:200]
    ]
    bodies = _bodies(request)
    return render(
        request,
        "inspections/index.html",
        {
            "visits": visits,
            "findings": findings,
            "bodies": bodies,
            "plans": InspectionPlan.objects.filter(body__in=bodies)[:20],
            "today": timezone.localdate(),
        },
    )


# --- criteria and plans ---------------------------------------------------------------------------


@access(roles=[Role.SUPERVISOR])
def criteria(request: HttpRequest) -> HttpResponse:
    body = _body(request)
    form = CriteriaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_criteria(by=request.user, body=body, **form.cleaned_data)
            messages.success(
                request, gettext("已儲存「%(name)s」第 %(v)d 版。") % {"name": saved.name, "v": saved.version}
            )
            return redirect("inspections:criteria")
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    sets = CriteriaSet.objects.filter(body=body).prefetch_related("criteria")
    return render(
        request,
        "inspections/criteria.html",
        {"body": body, "sets": sets, "form": form},
        status=400 if form.errors else 200,
    )


@access(roles=[Role.SUPERVISOR])
def plan_new(request: HttpRequest) -> HttpResponse:
    body = _body(request)
    form = PlanForm(
        request.POST or None,
        initial={"year": timezone.localdate().year, "chosen_rules": list(rules.PRIORITY_RULES)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.make_plan(by=request.user, body=body, **form.cleaned_data)
            return redirect("inspections:plan", pk=plan.pk)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    return render(
        request, "inspections/plan_new.html", {"body": body, "form": form}, status=400 if form.errors else 200
    )


def _plan(request: HttpRequest, pk: int) -> InspectionPlan:
    plan = selectors.plans_for(request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


@access(roles=[Role.SUPERVISOR, Role.COORDINATOR, Role.HEAD])
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    found = _plan(request, pk)
    return render(
        request,
        "inspections/plan.html",
        {
            "plan": found,
            "visits": found.visits.all(),
            "inspector": has_perm(request.user, "inspections.inspect", found.body),
        },
    )


# --- visits --------------------------------------------------------------------------------------


@access(roles=[Role.SUPERVISOR])
def visit_new(request: HttpRequest) -> HttpResponse:
    body = _body(request)
    plan_pk = request.GET.get("plan") or request.POST.get("plan")
    plan_found = (
        InspectionPlan.objects.filter(pk=plan_pk, body=body).first()
        if plan_pk and plan_pk.isdigit()
        else None
    )
    # The body itself is offered too: a 抽查 of its own units (000), each finding naming the unit.
    below = Agency.objects.filter(path__startswith=body.path).exclude(kind="unit").order_by("path")
    initial: dict[str, Any] = {}
    if plan_found is not None:
        initial["agencies"] = [
            p["agency"] for p in plan_found.priority if p.get("drawn") or plan_found.places is None
        ][:5]
    form = VisitForm(
        request.POST or None,
        agencies=below,
        criteria=CriteriaSet.objects.filter(body=body),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.schedule_visit(by=request.user, body=body, plan=plan_found, **form.cleaned_data)
            return redirect("inspections:visit", pk=visit.pk)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    return render(
        request,
        "inspections/visit_new.html",
        {"body": body, "form": form, "plan": plan_found},
        status=400 if form.errors else 200,
    )


def _visit(request: HttpRequest, pk: int) -> Visit:
    visit = selectors.visits_for(request.user).filter(pk=pk).first()
    if visit is None:
        raise Http404
    return visit


@access(signed_in=True)
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visit(request, pk)
    inspector = has_perm(request.user, "inspections.inspect", found.body)
    panelist = selectors.is_panelist(request.user, found)
    agencies = selectors.visited_agencies_for(request.user, found)
    parts = [
        {
            "agency": a,
            "results": selectors.results(found, a),
            "findings": Finding.objects.filter(visit=found, agency=a),
            "records": found.records.filter(agency=a).prefetch_related("files"),
        }
        for a in agencies
    ]
    approvers = (
        get_user_model()
        .objects.filter(
            memberships__agency__path__in=path_and_ancestors(found.body.path),
            memberships__role__in=[Role.HEAD, Role.SUPERVISOR],
            is_active=True,
        )
        .distinct()
    )
    return render(
        request,
        "inspections/visit.html",
        {
            "visit": found,
            "parts": parts,
            "inspector": inspector,
            "panelist": panelist,
            "is_approver": found.approver_id == request.user.pk,
            "approvers": approvers,
            "panel": found.panel.select_related("user"),
            "panelist_form": PanelistForm(candidates=panel_candidates(found.body)),
            "finding_form": FindingForm(),
            "record_form": SpotRecordForm(),
            "formats": [(f, FORMATS[f].label) for f in REPORT_FORMATS],
        },
    )


@access(roles=[Role.SUPERVISOR])
@require_POST
@refusals_to("inspections:visit", pk="pk")
def add_panelist(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visit(request, pk)
    form = PanelistForm(request.POST, candidates=panel_candidates(found.body))
    if not form.is_valid():
        messages.error(request, gettext("請從名單中選擇委員與身分。"))
        return redirect("inspections:visit", pk=pk)
    user = form.people[form.cleaned_data["user"]]
    services.add_panelist(by=request.user, visit=found, user=user, role=form.cleaned_data["role"])
    messages.success(request, gettext("已加入委員。"))
    return redirect("inspections:visit", pk=pk)


@access(signed_in=True)
@require_POST
@refusals_to("inspections:visit", pk="pk")
def advance(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    found = _visit(request, pk)
    if action in IRREVERSIBLE and request.POST.get("confirm") != "yes":
        messages.error(request, gettext("請勾選確認後再送出。"))
        return redirect("inspections:visit", pk=pk)
    approver = None
    if action == rules.SUBMIT:
        approver = get_user_model().objects.filter(pk=request.POST.get("approver") or 0).first()
    services.advance_visit(
        by=request.user, visit=found, action=action, approver=approver, summary=request.POST.get("summary")
    )
    messages.success(request, gettext("已%(label)s。") % {"label": rules.VISIT_WORKFLOW[action].label})
    return redirect("inspections:visit", pk=pk)


def _visited_agency(found: Visit, agency_pk: Any) -> Agency:
    agency = found.agencies.filter(pk=agency_pk).first() if str(agency_pk).isdigit() else None
    if agency is None:
        raise Http404
    return agency


@access(signed_in=True)
def score(request: HttpRequest, pk: int, agency_pk: int) -> HttpResponse:
    """The checklist: a score and a comment per criterion; each field saved as the reviewer types
    (htmx), and all of them by the button where scripts do not run."""
    found = _visit(request, pk)
    agency = _visited_agency(found, agency_pk)
    if not found.scored:
        raise Http404
    if agency not in selectors.visited_agencies_for(request.user, found):
        raise Http404
    if not selectors.is_panelist(request.user, found):  # the panel's results, to read
        return render(
            request,
            "inspections/results.html",
            {"visit": found, "agency": agency, "results": selectors.results(found, agency)},
        )
    criteria = list(Criterion.objects.filter(criteria_id=found.criteria_id))
    mine = {
        s.criterion_id: s
        for s in Score.objects.filter(visit=found, agency=agency, reviewer_id=request.user.pk)
    }
    errors: dict[int, str] = {}
    if request.method == "POST":
        for criterion in criteria:
            comment = request.POST.get(f"comment-{criterion.pk}", "")[:5000]
            try:
                mine[criterion.pk] = services.save_score(
                    by=request.user,
                    visit=found,
                    agency=agency,
                    criterion=criterion,
                    score=request.POST.get(f"score-{criterion.pk}", "").strip()[:10],
                    comment=comment,
                )
            except ServiceError as error:
                errors[criterion.pk] = error.message
                if error.field == "score":
                    # The score is refused; the comment typed beside it is not lost with it.
                    kept = mine.get(criterion.pk)
                    mine[criterion.pk] = services.save_score(
                        by=request.user,
                        visit=found,
                        agency=agency,
                        criterion=criterion,
                        score=kept.score if kept is not None else None,
                        comment=comment,
                    )
        if request.htmx:  # type: ignore[attr-defined]
            # Always a 200, so htmx shows it: a refusal must replace 「已自動儲存」, not leave it standing.
            if errors:
                refused = "；".join(errors.values())
                return HttpResponse(
                    format_html(
                        '<strong class="errorlist">{}</strong> {}',
                        gettext("分數未儲存：") + refused,
                        gettext("（意見已儲存）"),
                    )
                )
            return HttpResponse(gettext("已自動儲存"))
        if not errors:
            messages.success(request, gettext("已儲存評分。"))
            return redirect("inspections:visit", pk=pk)
    rows = [
        {
            "criterion": c,
            "score": request.POST.get(f"score-{c.pk}", "")
            if errors
            else (mine[c.pk].score if c.pk in mine and mine[c.pk].score is not None else ""),
            "comment": request.POST.get(f"comment-{c.pk}", "")
            if errors
            else (mine[c.pk].comment if c.pk in mine else ""),
            "error": errors.get(c.pk, ""),
        }
        for c in criteria
    ]
    return render(
        request,
        "inspections/score.html",
        {"visit": found, "agency": agency, "rows": rows, "editable": found.state == rules.DRAFT},
        status=400 if errors else 200,
    )


@access(signed_in=True)
@require_POST
def add_finding(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visit(request, pk)
    form = FindingForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_summary(form))
        return redirect("inspections:visit", pk=pk)
    try:
        services.add_finding(
            by=request.user,
            visit=found,
            agency=_visited_agency(found, form.cleaned_data["agency"]),
            text=form.cleaned_data["text"],
            recommendation=form.cleaned_data["recommendation"],
        )
        messages.success(request, gettext("已新增。"))
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("inspections:visit", pk=pk)


@access(signed_in=True)
@require_POST
def add_record(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visit(request, pk)
    form = SpotRecordForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_summary(form))
        return redirect("inspections:visit", pk=pk)
    try:
        services.record_spot_check(
            by=request.user,
            visit=found,
            agency=_visited_agency(found, form.cleaned_data["agency"]),
            at=timezone.now(),
            seen=form.cleaned_data["seen"],
            files=_files(request),
        )
        messages.success(request, gettext("已儲存查核紀錄。"))
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("inspections:visit", pk=pk)


@access(signed_in=True)
def report(request: HttpRequest, pk: int, agency_pk: int, fmt: str) -> HttpResponse:
    found = _visit(request, pk)
    if fmt not in REPORT_FORMATS:
        raise Http404
    agency = _visited_agency(found, agency_pk)
    if agency not in selectors.visited_agencies_for(request.user, found):
        raise Http404
    return _report(found, agency, fmt)


def _report(found: Visit, agency: Agency, fmt: str) -> HttpResponse:
    response = HttpResponse(documents.render(found, agency, fmt), content_type=FORMATS[fmt].content_type)
    as_download(response, f"{found.body.name}{found.get_kind_display()}報告-{agency.name}.{fmt}")
    return response


@access(signed_in=True)
def record_file(request: HttpRequest, pk: int) -> FileResponse:
    """A photo or file of a spot-check record or a reply, to those who may see its visit or finding."""
    file = RecordFile.objects.filter(pk=pk).select_related("record__visit", "reply__finding").first()
    if file is None:
        raise Http404
    if file.record is not None:
        reachable = selectors.visits_for(request.user).filter(pk=file.record.visit_id).exists()
    else:
        assert file.reply is not None  # a file belongs to a record or a reply (a constraint)
        reachable = selectors.findings_for(request.user).filter(pk=file.reply.finding_id).exists()
    if not reachable:
        raise Http404
    response = FileResponse(file.file.open("rb"), content_type=file.content_type)
    as_download(response, file.name)
    return response


# --- findings -------------------------------------------------------------------------------------


def _finding(request: HttpRequest, pk: int) -> Finding:
    found = selectors.findings_for(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@access(signed_in=True)
def finding(request: HttpRequest, pk: int) -> HttpResponse:
    found = _finding(request, pk)
    return render(
        request,
        "inspections/finding.html",
        {
            "finding": found,
            "replies": found.replies.select_related("by").prefetch_related("files"),
            "may_answer": has_perm(request.user, "inspections.answer_finding", found)
            and found.state == rules.OPEN,
            "may_decide": has_perm(request.user, "inspections.inspect", found.body)
            and found.state == rules.REPLIED,
            "units": Agency.objects.filter(parent=found.agency, kind="unit"),
            "reply_form": ReplyForm(),
            "decision_form": DecisionForm(),
            "today": timezone.localdate(),
        },
    )


@access(signed_in=True)
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    found = _finding(request, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.answer(
                by=request.user, finding=found, text=form.cleaned_data["text"], files=_files(request)
            )
            messages.success(request, gettext("已回復改善情形。"))
            return redirect("inspections:finding", pk=pk)
        except ServiceError as error:
            form.add_error(None, error.message)
    messages.error(request, error_summary(form))
    return redirect("inspections:finding", pk=pk)


@access(signed_in=True)
@require_POST
@refusals_to("inspections:finding", pk="pk")
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    found = _finding(request, pk)
    unit = Agency.objects.filter(pk=request.POST.get("unit") or 0, parent=found.agency, kind="unit").first()
    if unit is None:
        raise Http404
    services.assign_finding(by=request.user, finding=found, unit=unit)
    messages.success(request, gettext("已分派給%(unit)s。") % {"unit": unit.name})
    return redirect("inspections:finding", pk=pk)


@access(roles=[Role.SUPERVISOR])
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    found = _finding(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid() and form.cleaned_data["action"] == "accept" and not confirmed(request):
        messages.error(request, gettext("同意解除列管前請勾選確認：缺失即結案，機關不必再回復。"))
        return redirect("inspections:finding", pk=pk)
    if form.is_valid():
        try:
            services.decide(by=request.user, finding=found, **form.cleaned_data)
            messages.success(request, gettext("已審查。"))
        except ServiceError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, error_summary(form))
    return redirect("inspections:finding", pk=pk)


# --- board and public results --------------------------------------------------------------------


@access(roles=[Role.SUPERVISOR])
def board(request: HttpRequest) -> HttpResponse:
    body = _body(request)
    rows = selectors.board(body, timezone.localdate())
    return render(request, "inspections/board.html", {"body": body, "rows": rows})


@access(public=True)
def public(request: HttpRequest) -> HttpResponse:
    return render(request, "inspections/public.html", {"visits": selectors.public_visits()[:200]})


@access(public=True)
def public_visit(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.public_visits().filter(pk=pk).first()
    if found is None:
        raise Http404
    parts = [
        {
            "agency": a,
            "results": selectors.results(found, a),
            "findings": Finding.objects.filter(visit=found, agency=a),
        }
        for a in found.agencies.all()
    ]
    return render(request, "inspections/public_visit.html", {"visit": found, "parts": parts})


@access(public=True)
def public_report(request: HttpRequest, pk: int, agency_pk: int, fmt: str) -> HttpResponse:
    found = selectors.public_visits().filter(pk=pk).first()
    if found is None or fmt not in REPORT_FORMATS:
        raise Http404
    return _report(found, _visited_agency(found, agency_pk), fmt)


# --- the year's results back to the units (000: 「影送各單位檢討改進」) -------------------------------


@access(roles=[Role.SUPERVISOR])
def year_end_findings(request: HttpRequest, cycle_pk: int, agency_pk: int) -> HttpResponse:
    """The items of the year that fell short (late, at risk, not started, never reported), each
    sent to its agency (and unit) as a finding to answer, when the supervisor picks and confirms."""
    cycle = get_object_or_404(PlanCycle.objects.select_related("agency"), pk=cycle_pk)
    root = get_object_or_404(agencies_for(request.user), pk=agency_pk)
    if not has_perm(request.user, "inspections.inspect", cycle.agency):
        raise Http404
    labels = dict(ProgressStatus.choices)
    short = [
        (item, labels.get(status, gettext("未填報")))
        for item, status in items_falling_short(cycle, root)
        if item.plan.agency_id != cycle.agency_id
    ]
    if request.method == "POST":
        chosen_ids = {int(v) for v in request.POST.getlist("item") if v.isdigit()}
        picked = [(item, label) for item, label in short if item.pk in chosen_ids]
        if not picked:
            messages.error(request, gettext("請勾選要送回改進的項目。"))
        elif not confirmed(request):
            messages.error(
                request, gettext("送出前請勾選確認：各機關會收到通知，須於 1 個月內回復改進情形。")
            )
        else:
            for item, label in picked:
                services.finding_from_year_end(
                    by=request.user,
                    body=cycle.agency,
                    agency=item.plan.agency,
                    unit=next((u.unit for u in item.units.all() if u.unit_id), None),
                    text=f"{cycle.title}年度執行成果：「{item.text[:120]}」{label}，請檢討改進。",
                )
            messages.success(request, gettext("已將 %(n)d 個項目送回各機關改進。") % {"n": len(picked)})
            return redirect("inspections:board")
    return render(
        request,
        "inspections/year_end_findings.html",
        {"cycle": cycle, "root": root, "short": short},
        status=400 if request.method == "POST" else 200,
    )


# --- what the plan's ranking rules read: criticisms and award entries ----------------------------


@access(roles=[Role.SUPERVISOR])
def ranking_records(request: HttpRequest) -> HttpResponse:
    """Criticisms (媒體、監察院、議會) with their source, and award entries by year (the award module's
    and past ones typed in): what 003's rules read to choose whom to visit first."""
    body = _body(request)
    agencies = list(
        Agency.objects.filter(path__startswith=body.path).exclude(pk=body.pk).exclude(kind="unit")
    )
    error = ""
    if request.method == "POST":
        try:
            agency = next((a for a in agencies if str(a.pk) == request.POST.get("agency")), None)
            InspectionError.require(agency is not None, "請選擇機關。", "agency")
            assert agency is not None  # for the type checker: refused just above
            if request.POST.get("what") == "entry":
                year = YearField(label="year").clean(request.POST.get("year", ""))
                services.record_award_entry(by=request.user, body=body, agency=agency, year=year)
                messages.success(request, gettext("已補登參獎紀錄。"))
            else:
                noted_on = RocDateField().clean(request.POST.get("noted_on", ""))
                InspectionError.require(noted_on is not None, "請填寫日期。", "noted_on")
                InspectionError.require(noted_on <= timezone.localdate(), "日期不能在未來。", "noted_on")
                services.note_criticism(
                    by=request.user,
                    body=body,
                    agency=agency,
                    noted_on=noted_on,
                    source=request.POST.get("source", ""),
                    note=request.POST.get("note", ""),
                )
                messages.success(request, gettext("已記錄外界批評。"))
            return redirect(f"{reverse('inspections:ranking_records')}?body={body.pk}")
        except ServiceError as refused:
            error = refused.message
        except ValidationError as refused:
            error = "；".join(refused.messages)
    since = timezone.localdate().year - 5
    return render(
        request,
        "inspections/ranking_records.html",
        {
            "body": body,
            "bodies": _bodies(request),
            "agencies": agencies,
            "criticisms": Criticism.objects.filter(agency__in=agencies, noted_on__year__gte=since)
            .select_related("agency")
            .order_by("-noted_on"),
            "entries": AwardEntry.objects.filter(agency__in=agencies, year__gte=since)
            .select_related("agency")
            .order_by("-year", "agency__path"),
            "sources": [gettext("媒體報導"), gettext("監察院"), gettext("議會質詢"), gettext("民眾陳情")],
            "error": error,
            "data": request.POST,
        },
        status=400 if error else 200,
    )
