"""People and roles: a supervisor or coordinator invites people, grants and ends their roles; the
invited person accepts with a password of their own (issue 34.3). Who may grant what is
agencies.rules.may_grant; a person outside the user's keeping is 404."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as sign_in
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from servq.agencies import selectors, services
from servq.agencies.access import access
from servq.agencies.forms import AcceptInvitationForm, GrantForm, InviteForm
from servq.agencies.models import ROLE_LABELS, Affiliation, Agency, Membership, Role
from servq.core.actors import person as acting_person
from servq.core.errors import ServiceError
from servq.core.http import confirmed
from servq.core.models import AuditEntry
from servq.portal import held
from servq.portal.offboarding import open_work_of

KEEPERS = (Role.SUPERVISOR, Role.COORDINATOR)
PEOPLE_PER_PAGE = 100


@access(roles=KEEPERS)
def people(request: HttpRequest) -> HttpResponse:
    """Everyone holding a role where the user keeps people, their pending invitations, and the
    invitation form (kept as typed when refused)."""
    form = InviteForm(request.POST or None, **_place_field(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite(
                by=request.user,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                agency=form.cleaned_data["agency"],
                role=form.cleaned_data["role"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, f"已寄出邀請給 {invitation.email}，連結 {services.INVITATION_DAYS} 天內有效。"
            )
            return redirect("portal:people")
    query = request.GET.get("q", "").strip()[:100]
    roles = selectors.memberships_kept_by(request.user)
    if query:
        roles = roles.filter(
            Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(agency__name__icontains=query)
        )
    pending = services.pending_invitations(selectors.invitations_kept_by(request.user))
    if query:
        pending = pending.filter(
            Q(name__icontains=query) | Q(email__icontains=query) | Q(agency__name__icontains=query)
        )
    shown_pending = list(pending[: PEOPLE_PER_PAGE + 1])
    return render(
        request,
        "people/list.html",
        {
            "roles": Paginator(roles, PEOPLE_PER_PAGE).get_page(request.GET.get("page")),
            "query": query,
            "pending": shown_pending[:PEOPLE_PER_PAGE],
            "more_pending": len(shown_pending) > PEOPLE_PER_PAGE,
            "form": form,
            "now": timezone.now(),
            "today": timezone.localdate(),
        },
        status=400 if form.errors else 200,
    )


PLACES_SUGGESTED = 100


def _place_field(request: HttpRequest) -> dict[str, Any]:
    """What a grant form needs of the places: the first ones to suggest (all of a coordinator's), a
    way to find the one typed, and where to ask for more as a supervisor of a large tree types."""
    suggested = selectors.grantable_places(request.user, limit=PLACES_SUGGESTED + 1)
    more = len(suggested) > PLACES_SUGGESTED
    return {
        "suggested": suggested[:PLACES_SUGGESTED],
        "resolve": lambda typed: selectors.grantable_place(request.user, typed),
        "suggest_url": reverse("portal:grantable_places") if more else "",
    }


@access(roles=KEEPERS)
def grantable_places(request: HttpRequest) -> HttpResponse:
    """More place suggestions for the text typed so far (htmx fills the field's datalist)."""
    typed = " ".join(request.GET.get("agency", "").split())[:60]
    found = (
        selectors.grantable_places(request.user, like=typed.rpartition(" › ")[2], limit=50) if typed else []
    )
    return render(request, "people/_place_options.html", {"places": found})


PEOPLE_LIST = "people-list"
PEOPLE_LIST_TYPES = (".csv", ".ods", ".xlsx")


@access(roles=KEEPERS)
def import_people(request: HttpRequest) -> HttpResponse:
    """A list of people (姓名, 電子郵件, 機關代碼, 單位, 角色) previewed, then invited (or, for an
    existing account, granted) when confirmed: all or nothing, a refusal naming the line."""
    if request.method == "POST" and request.POST.get("step") == "apply":
        if not confirmed(request):
            messages.error(request, "寄出前請勾選確認：每位新人員都會收到邀請信。")
            return redirect("portal:import_people")
        taken = held.take(request, PEOPLE_LIST, request.POST.get("held", ""))
        if taken is None:
            messages.error(request, "預覽已失效，請重新選擇檔案。")
            return redirect("portal:import_people")
        data, kept = taken
        try:
            plan = services.invite_people(by=request.user, data=data, filename=kept["name"])
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("portal:import_people")
        messages.success(
            request,
            f"已寄出 {len(plan.invite)} 份邀請、授予已有帳號者 {len(plan.grant)} 個角色；"
            f"{len(plan.unchanged)} 列原已生效。",
        )
        return redirect("portal:people")
    context: dict[str, Any] = {}
    upload = request.FILES.get("file")
    if request.method == "POST":
        if upload is None or Path(upload.name or "").suffix.lower() not in PEOPLE_LIST_TYPES:
            messages.error(request, "請選擇人員清單檔（.csv、.ods 或 .xlsx）。")
            return render(request, "people/import.html", context, status=400)
        data, name = upload.read(), Path(upload.name or "people.csv").name
        try:
            plan = services.invite_people(by=request.user, data=data, filename=name, dry_run=True)
        except ServiceError as error:
            messages.error(request, error.message)
            return render(request, "people/import.html", context, status=400)
        context = {
            "plan": plan,
            "invites": [(row, place, ROLE_LABELS[row.role]) for row, place in plan.invite],
            "grants": [(row, place, account, ROLE_LABELS[row.role]) for row, place, account in plan.grant],
            "name": name,
            "held": held.hold(request, PEOPLE_LIST, data, name),
        }
    return render(request, "people/import.html", context)


@access(roles=KEEPERS)
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's roles, who granted each and when, the history of their roles, and a form to grant
    another."""
    someone = get_object_or_404(selectors.people_kept_by(request.user), pk=pk)
    form = GrantForm(request.POST or None, **_place_field(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_role(
                by=request.user,
                user=someone,
                agency=form.cleaned_data["agency"],
                role=form.cleaned_data["role"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "已授予角色。")
            return redirect("portal:person", someone.pk)
    roles = selectors.memberships_kept_by(request.user).filter(user=someone)
    history = (
        AuditEntry.objects.filter(object_type="agencies.membership", object_id__in=[str(m.pk) for m in roles])
        .select_related("actor")
        .order_by("-at", "-id")[:100]
    )
    return render(
        request,
        "people/person.html",
        {
            "someone": someone,
            "roles": roles,
            "history": history,
            "form": form,
            "today": timezone.localdate(),
            "open_work": open_work_of(someone),
        },
        status=400 if form.errors else 200,
    )


@access(signed_in=True)
def my_ties(request: HttpRequest) -> HttpResponse:
    """A person's own roles and the affiliations they declare (an adviser post, a former employer):
    what keeps them off reviewing those agencies (awards, inspections)."""
    me = acting_person(request.user)  # signed in: @access says so
    bodies = {path.strip("/").split("/")[0] for path in selectors.ties_of(me)}
    places = (
        Agency.objects.filter(kind__in=["agency", "parent_body"])
        .filter(Q(code__in=bodies) | Q(path__regex=r"^/(" + "|".join(map(re.escape, bodies)) + r")/"))
        .order_by("path")
        if bodies
        else Agency.objects.none()
    )
    if request.method == "POST":
        agency = places.filter(pk=request.POST.get("agency") or 0).first()
        if agency is None:
            messages.error(request, "請從名單中選擇機關。")
        elif not confirmed(request):
            messages.error(request, "申報前請勾選確認：已分派而有衝突的評審會撤回。")
        else:
            try:
                services.declare_affiliation(by=me, user=me, agency=agency, note=request.POST.get("note", ""))
            except ServiceError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"已申報與{agency.name}的關係；相關的評審與考核將迴避。")
                return redirect("portal:my_ties")
    return render(
        request,
        "people/my_ties.html",
        {
            "roles": Membership.objects.current().filter(user=me).select_related("agency"),
            "affiliations": Affiliation.objects.filter(user=me).select_related("agency"),
            "places": places,
            "typed_note": request.POST.get("note", "")[:200],
        },
    )


@access(roles=KEEPERS)
@require_POST
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    someone = get_object_or_404(selectors.people_kept_by(request.user), pk=pk)
    if not confirmed(request):
        messages.error(request, "停用前請勾選確認：停用後此人不能再登入，所有角色今天結束。")
        return redirect("portal:person", someone.pk)
    try:
        services.deactivate_person(by=request.user, user=someone)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已停用 {_name(someone)} 的帳號；其紀錄保留。")
    return redirect("portal:person", someone.pk)


@access(roles=KEEPERS)
@require_POST
def end_role(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(selectors.memberships_kept_by(request.user), pk=pk)
    if not confirmed(request):
        messages.error(request, "結束角色前請勾選確認：結束後此人即不能再以這個角色辦理。")
        return redirect("portal:person", membership.user_id)
    try:
        services.end_role(by=request.user, membership=membership)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"已結束 {_name(membership.user)} 在{membership.agency.name}的「{membership.get_role_display()}」。",
        )
    return redirect("portal:person", membership.user_id)


@access(roles=KEEPERS)
@require_POST
def invitation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Resend (a new link; the old one stops working) or withdraw a pending invitation."""
    invitation = get_object_or_404(selectors.invitations_kept_by(request.user), pk=pk)
    try:
        if action == "resend":
            services.resend_invitation(by=request.user, invitation=invitation)
            messages.success(request, f"已重寄邀請給 {invitation.email}；先前的連結已失效。")
        elif action == "revoke" and confirmed(request):
            services.revoke_invitation(by=request.user, invitation=invitation)
            messages.success(request, f"已撤回給 {invitation.email} 的邀請。")
        else:
            messages.error(request, "撤回前請勾選確認：撤回後邀請連結即失效。")
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("portal:people")


@access(public=True)
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invited person sets their name and password and is signed in with the role; a link that
    cannot be used says why, and creates nothing."""
    try:
        invitation = services.invitation_for(token)
    except ServiceError as error:
        return render(request, "people/invitation.html", {"refused": error.message}, status=410)
    form = AcceptInvitationForm(request.POST or None, initial={"name": invitation.name})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(
                token=token, name=form.cleaned_data["name"], password=form.cleaned_data["password"]
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            sign_in(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, f"歡迎使用 servq：您是{invitation.agency.name}的{invitation.get_role_display()}。"
            )
            return redirect("portal:home")
    return render(
        request,
        "people/invitation.html",
        {"invitation": invitation, "form": form, "oidc_enabled": bool(settings.SERVQ_OIDC_ISSUER)},
        status=400 if form.errors else 200,
    )


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


__all__ = [
    "accept_invitation",
    "deactivate",
    "end_role",
    "import_people",
    "invitation_action",
    "people",
    "person",
]
