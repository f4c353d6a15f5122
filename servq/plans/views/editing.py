"""Authoring a plan in the browser: header, items (inline with htmx, plain forms without), indicators."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from servq.agencies.access import access
from servq.agencies.models import Role
from servq.core.errors import ServiceError
from servq.core.http import HtmxRequest
from servq.core.refusals import refusals_to
from servq.core.rules import parse_deadline
from servq.core.selectors import history_of
from servq.plans import rules, selectors, services
from servq.plans.forms import IndicatorForm, ItemForm, PlanHeaderForm, split_units
from servq.plans.models import ConsultedParty, Indicator, Plan, PlanItem, Program

STAFF = [Role.COORDINATOR, Role.SUPERVISOR, Role.UNIT_STAFF]


def htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (django-htmx's middleware sets ``request.htmx``)."""
    return bool(cast(HtmxRequest, request).htmx)


HISTORY_SHOWN = 30


def _plan_for_editing(request: HttpRequest, pk: int) -> tuple[Plan, frozenset[str]]:
    """The plan if the user may see it (else 404) and stands to it as author or unit staff (else 403)."""
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    capacities = selectors.capacities_for(request.user, plan)
    if not capacities & {rules.AUTHOR, rules.UNIT_STAFF}:
        raise PermissionDenied
    return plan, capacities


def _edit_url(plan: Plan) -> str:
    return reverse("plans:edit", args=[plan.pk])


def _editing_context(request: HttpRequest, plan: Plan, capacities: frozenset[str], **extra: Any) -> dict:
    rows = selectors.edit_rows(plan)
    user_units = selectors.unit_paths_of(request.user)
    for row in rows:
        row.editable = rules.may_edit_item(plan.status, capacities, row.unit_paths, user_units)
    context = {
        "plan": plan,
        "rows": rows,
        "is_author": rules.AUTHOR in capacities,
        "editable": rules.may_edit_plan(plan.status, capacities),
        "actions": selectors.actions_for(request.user, plan, capacities),
        "header_form": PlanHeaderForm(
            initial={
                "lock_version": plan.lock_version,
                **{f: getattr(plan, f) for f in PlanHeaderForm.base_fields if f != "lock_version"},
            }
        ),
        "item_form": ItemForm(plan=plan, prefix="new"),
        "programs": Program.objects.all() if plan.cycle_id is None else None,
        "indicators": selectors.indicators_of(plan),
        "indicator_form": IndicatorForm(plan=plan, prefix="ind"),
        "comments": plan.comments.select_related("author", "item"),
        "history": history_of(plan)[:HISTORY_SHOWN],
        "consultations": plan.consultations.all(),
        "comment_period": plan.comment_periods.first(),
        "parties": ConsultedParty.choices,
        "gaps": sum(selectors.has_gap(row.item) for row in rows),
    }
    context.update(extra)
    return context


@access(roles=STAFF)
def fill_gaps(request: HttpRequest, pk: int) -> HttpResponse:
    """補齊: every item still without a deadline or a known responsible unit, in one table, saved
    at once (issue 33.14)."""
    plan, capacities = _plan_for_editing(request, pk)
    if not rules.may_edit_plan(plan.status, capacities):
        raise PermissionDenied
    items = selectors.plan_gaps(plan)
    error = ""
    typed: dict[int, tuple[str, str]] = {}
    if request.method == "POST":
        for item in items:
            typed[item.pk] = (
                request.POST.get(f"deadline-{item.pk}", "")[:200],
                request.POST.get(f"units-{item.pk}", "")[:500],
            )
        fills = [
            services.Fill(
                item=item,
                expected_lock=_int(request.POST.get(f"lock-{item.pk}")),
                deadline_raw=typed[item.pk][0],
                unit_names=split_units(typed[item.pk][1]),
            )
            for item in items
        ]
        try:
            changed = services.fill_gaps(by=request.user, fills=fills)
            messages.success(request, gettext("已儲存 %(n)d 個項目。") % {"n": changed})
            left = selectors.plan_gaps(plan)
            return redirect("plans:fill_gaps" if left else "plans:edit", plan.pk)
        except ServiceError as refused:
            error = refused.message
    rows = [
        (
            item,
            *typed.get(item.pk, (item.deadline_raw, "、".join(u.name for u in item.units.all()))),
            [u.name for u in item.units.all() if u.unit_id is None],
        )
        for item in items
    ]
    return render(
        request,
        "plans/gaps.html",
        {"plan": plan, "rows": rows, "error": error},
        status=400 if error else 200,
    )


def _int(raw: str | None) -> int:
    try:
        return int(raw or 0)
    except ValueError:
        return 0


@access(roles=STAFF)
def edit_plan(request: HttpRequest, pk: int) -> HttpResponse:
    plan, capacities = _plan_for_editing(request, pk)
    return render(request, "plans/edit.html", _editing_context(request, plan, capacities))


@access(roles=STAFF)
@require_POST
@refusals_to("plans:edit", pk="pk")
def refile_plan(request: HttpRequest, pk: int) -> HttpResponse:
    plan, _ = _plan_for_editing(request, pk)
    program = get_object_or_404(Program, pk=request.POST.get("program") or 0)
    services.refile_plan(by=request.user, plan=plan, program=program)
    messages.success(request, f"已歸入方案「{program.name}」。")
    return redirect(_edit_url(plan))


@access(roles=STAFF)
@require_POST
def edit_header(request: HttpRequest, pk: int) -> HttpResponse:
    plan, capacities = _plan_for_editing(request, pk)
    form = PlanHeaderForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        lock = data.pop("lock_version")
        try:
            # 送審 sends this form too: with nothing typed in it there is nothing to save (and its
            # version may be behind the items added since, which is no conflict of the text).
            if any(getattr(plan, name) != value for name, value in data.items()):
                services.update_plan(by=request.user, plan=plan, expected_lock=lock, **data)
                messages.success(request, "計畫本文已儲存。")
            elif request.POST.get("then") != "submit":
                messages.info(request, "計畫本文沒有變更。")
        except services.EditConflict as conflict:
            form.add_error(None, str(conflict))
            return render(
                request,
                "plans/edit.html",
                _editing_context(request, plan, capacities, header_form=form, conflict=conflict.latest),
                status=409,
            )
        except services.PlanError as error:
            form.add_error(None, str(error))
        else:
            if request.POST.get("then") == "submit":
                # Saved first: a refused submission (an incomplete plan) loses nothing typed.
                try:
                    services.transition(by=request.user, plan=plan, action="submit")
                    messages.success(request, "計畫已送審。")
                except ServiceError as error:  # a PlanError, or the workflow's TransitionRefused
                    messages.error(request, str(error))
            return redirect(_edit_url(plan))
    return render(
        request, "plans/edit.html", _editing_context(request, plan, capacities, header_form=form), status=400
    )


def _item_row(request: HttpRequest, plan: Plan, capacities: frozenset[str], item: PlanItem) -> HttpResponse:
    row = selectors.edit_row(plan, item)
    row.editable = rules.may_edit_item(
        plan.status, capacities, row.unit_paths, selectors.unit_paths_of(request.user)
    )
    return render(
        request, "plans/_item_row.html", {"plan": plan, "row": row, "is_author": rules.AUTHOR in capacities}
    )


def _item_form_response(
    request: HttpRequest,
    plan: Plan,
    item: PlanItem,
    form: ItemForm,
    *,
    conflict: Any = None,
    status: int = 200,
) -> HttpResponse:
    template = "plans/_item_form_row.html" if htmx(request) else "plans/item_form.html"
    # htmx swaps only 2xx answers by default; the error is in the markup, announced by role=alert.
    return render(
        request,
        template,
        {"plan": plan, "item": item, "form": form, "conflict": conflict},
        status=200 if htmx(request) else status,
    )


@access(roles=STAFF)
def edit_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    plan, capacities = _plan_for_editing(request, pk)
    item = get_object_or_404(plan.items.prefetch_related("units"), pk=item_pk)
    if request.method != "POST":
        if htmx(request) and request.GET.get("cancel"):
            return _item_row(request, plan, capacities, item)
        return _item_form_response(
            request, plan, item, ItemForm(plan=plan, initial=ItemForm.initial_for(item))
        )
    form = ItemForm(request.POST, plan=plan)
    if not form.is_valid():
        return _item_form_response(request, plan, item, form, status=400)
    data = form.cleaned_data
    try:
        item = services.update_item(
            by=request.user, item=item, expected_lock=data["lock_version"] or 0, **form.item_fields()
        )
    except services.EditConflict as conflict:
        form.add_error(None, str(conflict))
        return _item_form_response(request, plan, item, form, conflict=conflict.latest, status=409)
    except services.PlanError as error:
        form.add_error(None, str(error))
        return _item_form_response(request, plan, item, form, status=403)
    if htmx(request):
        return _item_row(request, plan, capacities, item)
    messages.success(request, "項目已儲存。")
    return redirect(f"{_edit_url(plan)}#item-{item.pk}")


def _items_table(request: HttpRequest, plan: Plan, capacities: frozenset[str], **extra: Any) -> HttpResponse:
    if htmx(request):
        context = _editing_context(request, plan, capacities, **extra)
        return render(request, "plans/_edit_items.html", context)
    return redirect(_edit_url(plan))


@access(roles=STAFF)
@require_POST
def add_item(request: HttpRequest, pk: int) -> HttpResponse:
    plan, capacities = _plan_for_editing(request, pk)
    form = ItemForm(request.POST, plan=plan, prefix="new")
    if form.is_valid():
        try:
            services.add_item(by=request.user, plan=plan, **form.item_fields())
            plan.refresh_from_db()
            return _items_table(request, plan, capacities, added=True)
        except services.PlanError as error:
            form.add_error(None, str(error))
    context = _editing_context(request, plan, capacities, item_form=form)
    template = "plans/_edit_items.html" if htmx(request) else "plans/edit.html"
    return render(request, template, context, status=200 if htmx(request) else 400)


@access(roles=STAFF)
@require_POST
def move_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    plan, capacities = _plan_for_editing(request, pk)
    item = get_object_or_404(plan.items, pk=item_pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.move_item(by=request.user, item=item, offset=offset)
    except services.PlanError as error:
        messages.error(request, str(error))
    plan.refresh_from_db()
    return _items_table(request, plan, capacities)


@access(roles=STAFF)
@require_POST
def delete_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    plan, capacities = _plan_for_editing(request, pk)
    item = get_object_or_404(plan.items, pk=item_pk)
    try:
        services.delete_item(
            by=request.user, item=item, expected_lock=int(request.POST.get("lock_version", -1))
        )
    except (services.PlanError, ValueError) as error:
        messages.error(request, str(error))
    plan.refresh_from_db()
    return _items_table(request, plan, capacities)


@access(roles=STAFF)
def deadline_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What the deadline field understood, shown while the user types."""
    plan, _ = _plan_for_editing(request, pk)
    field = next((name for name in request.GET if name.endswith("deadline_raw")), "")
    raw = request.GET.get(field, "")[:500]
    deadline = parse_deadline(raw, years=(plan.first_year, plan.last_year)) if raw.strip() else None
    return render(request, "plans/_deadline_preview.html", {"deadline": deadline})


@access(roles=STAFF)
@require_POST
def save_indicator(request: HttpRequest, pk: int, indicator_pk: int | None = None) -> HttpResponse:
    plan, capacities = _plan_for_editing(request, pk)
    indicator = get_object_or_404(Indicator, pk=indicator_pk, plan=plan) if indicator_pk else None
    form = IndicatorForm(request.POST, plan=plan, prefix="ind")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_indicator(
                by=request.user,
                plan=plan,
                indicator=indicator,
                name=data["name"],
                unit=data["unit"],
                direction=data["direction"],
                cumulative=data["cumulative"],
                baseline=data["baseline"],
                targets=data["targets"],
                measure_key=data["measure_key"],
            )
            messages.success(request, "指標已儲存。")
            return redirect(f"{_edit_url(plan)}#indicators")
        except services.PlanError as error:
            form.add_error(None, str(error))
    return render(
        request,
        "plans/edit.html",
        _editing_context(request, plan, capacities, indicator_form=form),
        status=400,
    )


@access(roles=STAFF)
@require_POST
@refusals_to("plans:edit", pk="pk")
def delete_indicator(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    plan, _ = _plan_for_editing(request, pk)
    indicator = get_object_or_404(Indicator, pk=indicator_pk, plan=plan)
    services.delete_indicator(by=request.user, indicator=indicator)
    return redirect(f"{_edit_url(plan)}#indicators")
