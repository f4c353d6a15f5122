"""Setting up a body on its own pages (issue 34.2): its agency list imported with a preview first,
its levels, and each agency's units. Supervisors keep the tree; coordinators keep their units."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from servq.agencies import selectors, services
from servq.agencies.access import access
from servq.agencies.models import Agency, AgencyKind, Role
from servq.agencies.rules import coordinates_or_supervises, supervises
from servq.core.errors import ServiceError
from servq.core.http import confirmed
from servq.portal import held

HELD_PURPOSE = "agency-list"
LIST_TYPES = (".csv", ".ods", ".xlsx")
SHOWN_PER_CHANGE = 200


def _bodies_supervised(user: Any) -> list[Agency]:
    grants = selectors.grants_of(user)
    bodies = Agency.objects.filter(kind=AgencyKind.PARENT_BODY).order_by("path")
    return [b for b in bodies if user.is_superuser or supervises(grants, b.path)]


@access(roles=[Role.SUPERVISOR])
def import_list(request: HttpRequest) -> HttpResponse:
    """Upload the list, see what it would change, then apply it: nothing is written before the
    supervisor confirms the preview, and a refusal names the line and the value."""
    bodies = _bodies_supervised(request.user)
    if not bodies:
        return render(request, "agencies/import.html", {"bodies": []}, status=403)
    body = next((b for b in bodies if str(b.pk) == request.POST.get("body", "")), bodies[0])
    if request.method == "POST" and request.POST.get("step") == "apply":
        return _apply_held(request, body)
    context: dict[str, Any] = {"bodies": bodies, "body": body}
    upload = request.FILES.get("file")
    if request.method == "POST":
        if upload is None or Path(upload.name or "").suffix.lower() not in LIST_TYPES:
            messages.error(request, "請選擇機關清單檔（.csv、.ods 或 .xlsx）。")
            return render(request, "agencies/import.html", context, status=400)
        if (upload.size or 0) > services.MAX_AGENCY_LIST_BYTES:
            messages.error(
                request, f"{upload.name}：檔案超過 {services.MAX_AGENCY_LIST_BYTES // 1_000_000} MB。"
            )
            return render(request, "agencies/import.html", context, status=400)
        data, name = upload.read(), Path(upload.name or "list.csv").name
        try:
            plan = services.import_agencies(
                by=request.user, body=body, data=data, filename=name, dry_run=True
            )
        except ServiceError as error:
            messages.error(request, error.message)
            return render(request, "agencies/import.html", context, status=400)
        context |= {
            "plan": plan,
            "name": name,
            "held": held.hold(request, HELD_PURPOSE, data, name, body=body.pk),
            "shown": SHOWN_PER_CHANGE,
        }
    return render(request, "agencies/import.html", context)


def _apply_held(request: HttpRequest, body: Agency) -> HttpResponse:
    if not confirmed(request):
        messages.error(request, "匯入前請勾選確認：清單中的新增、改名與移動會立即生效。")
        return redirect("agencies:import")
    taken = held.take(request, HELD_PURPOSE, request.POST.get("held", ""))
    if taken is None or taken[1].get("body") != body.pk:
        messages.error(request, "預覽已失效，請重新選擇檔案。")
        return redirect("agencies:import")
    data, kept = taken
    try:
        plan = services.import_agencies(by=request.user, body=body, data=data, filename=kept["name"])
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("agencies:import")
    messages.success(
        request,
        f"已匯入 {kept['name']}：新增 {len(plan.add)}、改名 {len(plan.rename)}、移動 {len(plan.move)}、"
        f"變更層級 {len(plan.relevel)}；清單未列的 {len(plan.unlisted)} 個機關保留不動。",
    )
    return redirect("agencies:tree")


@access(roles=[Role.SUPERVISOR])
@require_POST
def second_factor_rule(request: HttpRequest) -> HttpResponse:
    """The body's rule that its supervisors and coordinators sign in with a second factor."""
    body = next((b for b in _bodies_supervised(request.user) if str(b.pk) == request.POST.get("body")), None)
    if body is None:
        messages.error(request, "請選擇您督導的上級機關。")
    elif not confirmed(request):
        messages.error(request, "變更前請勾選確認：研考督導與機關聯絡人下次登入起即受此規定約束。")
    else:
        required = request.POST.get("required") == "yes"
        services.require_second_factor(by=request.user, body=body, required=required)
        messages.success(
            request, f"{body.name}的研考督導與機關聯絡人{'須' if required else '不再強制'}使用雙重驗證。"
        )
    return redirect("agencies:tree")


@access(roles=[Role.SUPERVISOR])
def levels(request: HttpRequest) -> HttpResponse:
    """The body's levels (一級機關, 區公所, 稽徵所…): its own words, in its own order."""
    bodies = _bodies_supervised(request.user)
    if not bodies:
        return render(request, "agencies/levels.html", {"bodies": []}, status=403)
    body = next(
        (b for b in bodies if str(b.pk) == request.POST.get("body", request.GET.get("body", ""))), bodies[0]
    )
    typed = {"name": request.POST.get("name", "")[:40], "rank": request.POST.get("rank", "")[:2]}
    status = 200
    if request.method == "POST":
        try:
            rank = int(typed["rank"] or "0")
        except ValueError:
            rank = 0
        try:
            level = services.define_level(by=request.user, body=body, name=typed["name"], rank=rank)
        except ServiceError as error:
            messages.error(request, error.message)
            status = 400
        else:
            messages.success(request, f"已設定層級「{level.name}」（第 {level.rank} 層）。")
            return redirect(f"{request.path}?body={body.pk}")
    rows = _levels_with_counts(body)
    return render(
        request,
        "agencies/levels.html",
        {"bodies": bodies, "body": body, "levels": rows, "typed": typed if status == 400 else {}},
        status=status,
    )


def _levels_with_counts(body: Agency) -> Any:
    from django.db.models import Count

    return body.levels.annotate(agency_count=Count("agencies")).order_by("rank", "name")


@access(roles=[Role.SUPERVISOR, Role.COORDINATOR])
def units(request: HttpRequest, code: str) -> HttpResponse:
    """An agency's units (科、課、室): its coordinator keeps them, so unit staff can be invited to them
    and items and cases routed to them."""
    agency = get_object_or_404(selectors.agencies_for(request.user).exclude(kind=AgencyKind.UNIT), code=code)
    if not (
        request.user.is_superuser or coordinates_or_supervises(selectors.grants_of(request.user), agency.path)
    ):
        return render(request, "agencies/units.html", {"agency": agency, "denied": True}, status=403)
    typed = request.POST.get("name", "")[:120]
    status = 200
    if request.method == "POST":
        try:
            unit = services.add_unit(by=request.user, agency=agency, name=typed)
        except ServiceError as error:
            messages.error(request, error.message)
            status = 400
        else:
            messages.success(request, f"已新增單位「{unit.name}」。")
            return redirect("agencies:units", agency.code)
    rows = agency.children.filter(kind=AgencyKind.UNIT).order_by("position", "name")
    return render(
        request,
        "agencies/units.html",
        {"agency": agency, "units": rows, "typed": typed if status == 400 else ""},
        status=status,
    )


@access(roles=[Role.SUPERVISOR, Role.COORDINATOR])
@require_POST
def rename_unit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    agency = get_object_or_404(selectors.agencies_for(request.user).exclude(kind=AgencyKind.UNIT), code=code)
    unit = get_object_or_404(agency.children.filter(kind=AgencyKind.UNIT), pk=pk)
    try:
        services.rename_unit(by=request.user, unit=unit, name=request.POST.get("name", "")[:120])
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已改名為「{unit.name}」。")
    return redirect("agencies:units", agency.code)
