"""Cycles, the supervisor's board, review transitions, versions and their differences."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from servq.agencies.access import access
from servq.agencies.models import Agency, Role
from servq.agencies.selectors import agencies_for, grants_of
from servq.core import fetching
from servq.core.errors import ServiceError
from servq.core.http import confirmed, redirect_back
from servq.core.refusals import refusals_to
from servq.core.rules import parse_any_date, to_gregorian_year
from servq.plans import rules, selectors, services, tasks
from servq.plans.forms import CycleForm, TransitionForm
from servq.plans.importing import PlanFileError
from servq.plans.importing.explain import explain, explain_refusal
from servq.plans.models import PlanCycle, PublicComment, ServiceCategory


def _cycles_for(user: Any) -> QuerySet[PlanCycle]:
    """Cycles the user runs (supervisor reach) or takes part in (own agency)."""
    reachable = agencies_for(user)
    own_paths = [g.path for g in grants_of(user)]
    return (
        PlanCycle.objects.filter(Q(agency__in=reachable) | Q(participants__path__in=own_paths))
        .distinct()
        .select_related("program", "agency")
    )


def _supervised_cycle(request: HttpRequest, pk: int) -> PlanCycle:
    cycle = get_object_or_404(_cycles_for(request.user), pk=pk)
    if not any(
        g.role == Role.SUPERVISOR and cycle.agency.path.startswith(g.path) for g in grants_of(request.user)
    ):
        raise PermissionDenied
    return cycle


@access(signed_in=True)
def cycle_list(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/cycle_list.html", {"cycles": _cycles_for(request.user)})


@access(roles=[Role.SUPERVISOR])
def cycle_new(request: HttpRequest) -> HttpResponse:
    agency = next(
        (
            a
            for a in Agency.objects.filter(
                path__in=[g.path for g in grants_of(request.user) if g.role == Role.SUPERVISOR]
            )
        ),
        None,
    )
    if agency is None:
        raise PermissionDenied
    form = CycleForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cycle = services.open_cycle(
                by=request.user,
                program=data["program"],
                agency=agency,
                year=to_gregorian_year(data["year"]),
                title=data["title"],
                framework=data["framework"],
                participants=data["participants"],
                copy_framework_from=data["copy_framework_from"],
                submit_by=data["submit_by"],
                review_by=data["review_by"],
                approve_by=data["approve_by"],
                publish_by=data["publish_by"],
                year_end_units=data["year_end_units"],
            )
            return redirect("plans:cycle", cycle.pk)
        except services.PlanError as error:
            form.add_error(None, str(error))
    return render(
        request,
        "plans/cycle_new.html",
        {"form": form, "agency": agency},
        status=400 if request.method == "POST" else 200,
    )


@access(signed_in=True)
def cycle_board(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(_cycles_for(request.user), pk=pk)
    supervising = any(
        g.role == Role.SUPERVISOR and cycle.agency.path.startswith(g.path) for g in grants_of(request.user)
    )
    rows = selectors.board_rows(cycle, today=timezone.localdate(), user=request.user, supervising=supervising)
    publication = selectors.publication_counts(rows)
    state = request.GET.get("state", "")
    if state:
        rows = [r for r in rows if r.state == state]
    if request.GET.get("overdue"):
        rows = [r for r in rows if r.overdue_days > 0]
    own_agencies = [
        a for a in cycle.participants.all() if a.path in {g.path for g in grants_of(request.user)}
    ]
    categories = selectors.categories_of(cycle)
    for agency in own_agencies:
        agency.chosen_categories = categories.get(agency.pk, [])  # type: ignore[attr-defined]
    labels = dict(ServiceCategory.choices)
    for row in rows:
        row.category_label = "、".join(str(labels[c]) for c in categories.get(row.agency.pk, [])) or "—"
    return render(
        request,
        "plans/cycle_board.html",
        {
            "cycle": cycle,
            "rows": rows,
            "supervising": supervising,
            "state": state,
            "overdue_only": bool(request.GET.get("overdue")),
            "states": selectors.BOARD_STATES,
            "own_agencies": own_agencies,
            "earlier_plans": selectors.earlier_plans_of(own_agencies, cycle.year),
            "publication": [(rules.PUBLICATION_LABELS[key], n) for key, n in publication.items()],
            "category_choices": [
                (value, label, "、".join(rules.dimensions_of(value)))
                for value, label in ServiceCategory.choices
            ],
        },
    )


@access(roles=[Role.SUPERVISOR])
@require_POST
def cycle_remind(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _supervised_cycle(request, pk)
    tasks.remind_unsubmitted.enqueue(cycle_id=cycle.pk, sender_id=request.user.pk)
    messages.success(request, "已排定寄送提醒給尚未送審的機關。")
    return redirect("plans:cycle", cycle.pk)


@access(roles=[Role.COORDINATOR, Role.SUPERVISOR])
@require_POST
@refusals_to("plans:cycle", pk="pk")
def cycle_start_plan(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(_cycles_for(request.user), pk=pk)
    agency = get_object_or_404(
        cycle.participants.filter(
            path__in=[g.path for g in grants_of(request.user) if g.role == Role.COORDINATOR]
        ),
        pk=request.POST.get("agency"),
    )
    copy_from = None
    if request.POST.get("copy_from"):
        copy_from = get_object_or_404(
            selectors.plans_visible_to(request.user).filter(agency=agency), pk=request.POST["copy_from"]
        )
    plan = services.start_plan(by=request.user, cycle=cycle, agency=agency, copy_from=copy_from)
    gaps = selectors.plan_gaps(plan) if copy_from is not None else []
    if copy_from is not None and gaps:  # what could not be carried over, listed once to fix in one table
        messages.info(
            request, f"已複製「{copy_from.title}」；下列 {len(gaps)} 個項目請補齊完成期限或承辦單位。"
        )
        return redirect("plans:fill_gaps", plan.pk)
    return redirect("plans:edit", plan.pk)


PLAN_FILE_TYPES = (".txt", ".docx", ".odt", ".pdf", ".html", ".htm", ".doc")


@access(roles=[Role.COORDINATOR, Role.SUPERVISOR])
@require_POST
@refusals_to("plans:cycle", pk="pk")
def cycle_category(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant chooses 整體服務類, 專案規劃類 or both for the year (001, 003)."""
    cycle = get_object_or_404(_cycles_for(request.user), pk=pk)
    agency = get_object_or_404(cycle.participants.all(), pk=request.POST.get("agency") or 0)
    chosen = services.choose_categories(
        by=request.user, cycle=cycle, agency=agency, categories=request.POST.getlist("category")
    )
    names = "、".join(c.get_category_display() for c in chosen)
    messages.success(request, f"{agency.name}的參與類別：{names}。")
    return redirect("plans:cycle", cycle.pk)


@access(roles=[Role.COORDINATOR])
@require_POST
def cycle_import_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the agency's draft from a plan file (Word, ODF, PDF or text), or from the address of
    the plan's page or file on the agency's site (fetched under the outgoing policy), through the
    importer."""
    cycle = get_object_or_404(_cycles_for(request.user), pk=pk)
    agency = get_object_or_404(
        cycle.participants.filter(
            path__in=[g.path for g in grants_of(request.user) if g.role == Role.COORDINATOR]
        ),
        pk=request.POST.get("agency"),
    )
    received = _received_plan_file(request)
    if isinstance(received, str):
        messages.error(request, received)
        return redirect("plans:cycle", cycle.pk)
    name, path = received
    try:
        plan, parsed = services.import_plan_file(
            by=request.user, path=path, name=name, agency=agency, program=cycle.program, cycle=cycle
        )
    except PlanFileError as error:
        messages.error(request, explain_refusal(str(error)))
        return redirect("plans:cycle", cycle.pk)
    except services.PlanImportError as error:
        messages.error(request, _duplicate_message(request, name, error))
        return redirect("plans:cycle", cycle.pk)
    except services.PlanError as error:
        messages.error(request, f"{name}：{error}")
        return redirect("plans:cycle", cycle.pk)
    finally:
        path.unlink(missing_ok=True)
    messages.success(
        request, f"已由 {name} 匯入 {len(parsed.items)} 個項目為草稿；{len(parsed.warnings)} 則提醒。"
    )
    for warning in parsed.warnings[:5]:
        messages.warning(request, f"第 {warning.line} 行：{explain(warning.message)}")
    return redirect("plans:edit", plan.pk)


def _received_plan_file(request: HttpRequest) -> tuple[str, Path] | str:
    """The chosen file, or the one fetched from the address given, saved to a temporary file the
    caller removes: its name as the user knows it and where it is; else what is wrong with it."""
    upload = request.FILES.get("plan_file")
    address = request.POST.get("plan_url", "").strip()[:2000]
    if upload is None and not address:
        return "請選擇計畫檔案（.docx、.odt、.pdf、.html 或 .txt），或貼上計畫網頁的網址。"
    if upload is not None:
        name, size, chunks = Path(upload.name or "plan").name, upload.size or 0, upload.chunks()
    else:
        try:
            fetched = fetching.download(address, settings.SERVQ_IMPORT_MAX_BYTES)
        except fetching.DownloadError as refused:
            return f"{address[:200]}：{refused}"
        name, size, chunks = fetched.name, len(fetched.data), iter([fetched.data])
    if Path(name).suffix.lower() not in PLAN_FILE_TYPES:
        return f"{name}：只接受 .docx、.odt、.pdf、.html、.txt 或舊版 Word .doc 檔。"
    if size > settings.SERVQ_IMPORT_MAX_BYTES:
        return f"{name}：檔案 {size:,} 位元組，超過上限 {settings.SERVQ_IMPORT_MAX_BYTES:,}。"
    with tempfile.NamedTemporaryFile(suffix=Path(name).suffix.lower(), delete=False) as stream:
        for chunk in chunks:
            stream.write(chunk)
    return name, Path(stream.name)


def _duplicate_message(request: HttpRequest, name: str, error: Any) -> str:
    """A refused duplicate names what it duplicates and, where the user may see it, links to it:
    there the file can be brought in as a new version."""
    existing = error.existing
    if existing is None or not selectors.plans_visible_to(request.user).filter(pk=existing.pk).exists():
        return f"{name}：{error}"
    return format_html(
        '{}：{} <a href="{}">開啟第 {} 版</a>，可在該頁「以檔案匯入新版本」。',
        name,
        error,
        reverse("plans:detail", args=[existing.pk]),
        existing.version,
    )


@access(roles=[Role.COORDINATOR, Role.SUPERVISOR])
@require_POST
def plan_import_version(request: HttpRequest, pk: int) -> HttpResponse:
    """A revised plan brought in as a file (our own export edited in Word, or the agency's own
    document) becomes the next version of this plan, as 修正 does, instead of a duplicate."""
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    if rules.AUTHOR not in selectors.capacities_for(request.user, plan):
        raise PermissionDenied
    received = _received_plan_file(request)
    if isinstance(received, str):
        messages.error(request, received)
        return redirect("plans:detail", plan.pk)
    name, path = received
    try:
        new, parsed = services.import_plan_file(
            by=request.user,
            path=path,
            name=name,
            agency=plan.agency,
            program=plan.program,
            new_version_of=plan,
        )
    except PlanFileError as error:
        messages.error(request, explain_refusal(str(error)))
        return redirect("plans:detail", plan.pk)
    except services.PlanError as error:
        messages.error(request, f"{name}：{error}")
        return redirect("plans:detail", plan.pk)
    finally:
        path.unlink(missing_ok=True)
    messages.success(
        request,
        f"已由 {name} 匯入第 {new.version} 版草稿：{len(parsed.items)} 個項目；{len(parsed.warnings)} 則提醒。",
    )
    for warning in parsed.warnings[:5]:
        messages.warning(request, f"第 {warning.line} 行：{explain(warning.message)}")
    return redirect("plans:edit", new.pk)


@access(signed_in=True)
@require_POST
def plan_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    if action not in rules.TRANSITIONS:
        raise Http404
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect_back(request, reverse("plans:detail", args=[plan.pk]))
    if action == "publish" and not confirmed(request):
        messages.error(request, "公告前請勾選確認：公告後任何人都能閱讀並下載本計畫。")
        return redirect_back(request, reverse("plans:detail", args=[plan.pk]))
    if action == "approve" and not confirmed(request):
        messages.error(request, "核定前請勾選確認：核定後計畫即定案，再改須提出修正版本。")
        return redirect_back(request, reverse("plans:detail", args=[plan.pk]))
    item_comments = {
        int(key.removeprefix("item_comment_")): request.POST.get(key, "")
        for key in request.POST
        if key.startswith("item_comment_") and key.removeprefix("item_comment_").isdigit()
    }
    try:
        result = services.transition(
            by=request.user,
            plan=plan,
            action=action,
            comment=form.cleaned_data["comment"],
            item_comments=item_comments,
            revision_note=form.cleaned_data["revision_note"],
        )
    except ServiceError as error:  # the workflow's refusal and the services' are one type
        messages.error(request, str(error))
        return redirect_back(request, reverse("plans:detail", args=[plan.pk]))
    messages.success(request, f"已{rules.TRANSITIONS[action].label}。")
    if action == "revise":
        return redirect("plans:edit", result.pk)
    return redirect(reverse("plans:detail", args=[plan.pk]))


@access(roles=[Role.SUPERVISOR])
def review_plan(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    capacities = selectors.capacities_for(request.user, plan)
    if rules.REVIEWER not in capacities:
        raise PermissionDenied
    return render(
        request,
        "plans/review.html",
        {
            "plan": plan,
            "rows": selectors.edit_rows(plan),
            "actions": selectors.actions_for(request.user, plan, capacities),
            "comments": plan.comments.select_related("author", "item"),
        },
    )


@access(public=True)
def plan_versions(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    versions = selectors.versions_visible_to(request.user, plan)
    return render(request, "plans/versions.html", {"plan": plan, "versions": versions})


@access(public=True)
def plan_diff(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    versions = {str(v.pk): v for v in selectors.versions_visible_to(request.user, plan)}
    left, right = versions.get(request.GET.get("a", "")), versions.get(request.GET.get("b", ""))
    if left is None or right is None:
        raise Http404
    return render(
        request,
        "plans/diff.html",
        {
            "plan": plan,
            "left": left,
            "right": right,
            "rows": rules.side_by_side(selectors.plan_lines(left), selectors.plan_lines(right)),
        },
    )


def _posted_date(request: HttpRequest, field: str) -> dt.date:
    """A date a form posted, typed as offices write it (115/1/20) or as ISO; a refusal names it."""
    try:
        return parse_any_date(request.POST.get(field, "")[:40])
    except ValueError as error:
        raise services.PlanError(str(error), field) from None


@access(roles=[Role.COORDINATOR])
@require_POST
@refusals_to("plans:detail", pk="pk")
def record_posting(request: HttpRequest, pk: int) -> HttpResponse:
    """登錄張貼於服務場所: the day (typed as 115/1/20 or 2026-01-20) and the place."""
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    on = _posted_date(request, "on")
    services.record_posting(by=request.user, plan=plan, on=on, where=request.POST.get("where", ""))
    messages.success(request, "已登錄張貼於服務場所。")
    return redirect("plans:detail", plan.pk)


@access(roles=[Role.SUPERVISOR, Role.COORDINATOR])
@require_POST
@refusals_to("plans:detail", pk="pk")
def plan_requirements(request: HttpRequest, pk: int) -> HttpResponse:
    """執行計畫應具備的內容, ticked on the implementation plan."""
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    required = rules.Requirements.from_data(
        {
            "sections": request.POST.getlist("sections"),
            "item_fields": request.POST.getlist("item_fields"),
            rules.TARGETS: request.POST.get("targets") == "yes",
        }
    )
    services.set_requirements(by=request.user, plan=plan, requirements=required)
    messages.success(request, "已儲存執行計畫應具備的內容。")
    return redirect("plans:detail", plan.pk)


@access(roles=[Role.COORDINATOR, Role.SUPERVISOR])
@require_POST
@refusals_to("plans:edit", pk="pk")
def record_consultation(request: HttpRequest, pk: int) -> HttpResponse:
    """登錄意見徵詢 on a draft: when, with whom, how, what was said and what changed."""
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    held_on = _posted_date(request, "held_on")
    services.record_consultation(
        by=request.user,
        plan=plan,
        held_on=held_on,
        parties=request.POST.getlist("parties"),
        how=request.POST.get("how", "")[:200],
        said=request.POST.get("said", "")[:5000],
        changed=request.POST.get("changed", "")[:5000],
    )
    messages.success(request, "已登錄意見徵詢。")
    return redirect("plans:edit", plan.pk)


@access(roles=[Role.COORDINATOR])
@require_POST
@refusals_to("plans:edit", pk="pk")
def open_comments(request: HttpRequest, pk: int) -> HttpResponse:
    """公開徵詢意見: the draft open to public comment from one day to another."""
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    opens_on, closes_on = _posted_date(request, "opens_on"), _posted_date(request, "closes_on")
    services.open_comment_period(by=request.user, plan=plan, opens_on=opens_on, closes_on=closes_on)
    messages.success(request, "已開放公開徵詢意見。")
    return redirect("plans:edit", plan.pk)


@access(roles=[Role.COORDINATOR])
@require_POST
@refusals_to("plans:edit", pk="pk")
def answer_comment(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    comment = get_object_or_404(PublicComment, pk=comment_pk, period__plan=plan)
    services.answer_comment(
        by=request.user,
        comment=comment,
        answer=request.POST.get("answer", "")[:2100],
        held_back=request.POST.get("held_back", "")[:200],
    )
    messages.success(request, "已回應。")
    return redirect(f"{reverse('plans:edit', args=[plan.pk])}#public-comments")
