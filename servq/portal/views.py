"""The pages above the apps: the home page, the agency directory, the audit log, signing in."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from django_ratelimit.core import get_usage

from servq.agencies import selectors
from servq.agencies.access import access
from servq.agencies.models import Agency, Role
from servq.agencies.rules import coordinates_or_supervises, supervises
from servq.core import notices, todos
from servq.core.actors import person
from servq.core.models import Notification, NotificationPreference
from servq.core.rules import OfficeCalendar, working_days_between
from servq.core.selectors import office_calendar
from servq.plans.selectors import plans_visible_to, published_plans

AUDIT_PAGE_SIZE = 50


@access(public=True)
def home(request: HttpRequest) -> HttpResponse:
    """The public front page; a signed-in user's home is what waits for them (待辦)."""
    recent = published_plans().select_related("agency", "program")[:8]
    if not Agency.objects.exists():
        # A new installation: no body yet, no demo. Say how to start; the web never creates the
        # first administrator (whoever reached the page first would own the instance).
        return render(request, "portal/first_run.html")
    if not request.user.is_authenticated:
        return render(request, "portal/home.html", {"recent_plans": recent})
    today = timezone.localdate()
    calendar = office_calendar()
    groups = [
        (heading, [(todo, _days_left(todo, today, calendar)) for todo in found])
        for heading, found in todos.todos_for(request.user, today)
    ]
    return render(request, "portal/todo.html", {"groups": groups, "recent_plans": recent, "today": today})


def _days_left(todo: todos.Todo, today: dt.date, calendar: OfficeCalendar) -> int | None:
    """Working days from today to the due date (negative: that many past it), on the office calendar."""
    return None if todo.due is None else working_days_between(today, todo.due, calendar)


@access(roles=[Role.SUPERVISOR])
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = selectors.audit_entries_for(request.user)
    agency = request.GET.get("agency", "").strip()
    if agency:
        entries = entries.filter(agency__code=agency)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/audit_log.html", {"page": page, "agency_code": agency})


@access(roles=[Role.SUPERVISOR])
def audit_object(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    entries = selectors.audit_entries_of_object(request.user, object_type, object_id)
    if not entries.exists():
        raise Http404
    return render(
        request,
        "portal/audit_object.html",
        {"entries": entries, "object_type": object_type, "object_id": object_id},
    )


# Failed sign-ins allowed before the form stops trying: per account (guessing one password) and per
# address (trying many accounts; generous, as a whole office may share one address).
FAILED_LOGINS_PER_ACCOUNT = "10/15m"
FAILED_LOGINS_PER_ADDRESS = "100/h"


def _login_limited(request: HttpRequest, *, count: bool) -> bool:
    """Whether sign-ins from this request are stopped (the failures so far reached a limit);
    ``count`` records one more failure."""
    keys = (
        (
            "login.account",
            lambda group, request: _account_key(request.POST.get("username", "")),
            FAILED_LOGINS_PER_ACCOUNT,
        ),
        ("login.address", "ip", FAILED_LOGINS_PER_ADDRESS),
    )
    stopped = False
    for group, key, rate in keys:
        usage = get_usage(request, group=group, key=key, rate=rate, method="POST", increment=count)
        stopped |= usage is not None and usage["count"] >= usage["limit"]
    return stopped


def _account_key(typed: str) -> str:
    """The account a typed name signs in to, as Django's form reads it (NFKC: 「ｎｏｂｏｄｙ」 is
    「nobody」), so no variant of a name counts its failures apart; case folded to be safe."""
    return unicodedata.normalize("NFKC", typed).strip().casefold()[:150]


class LoginView(auth_views.LoginView):
    """Django's sign-in, stopped for a while after repeated failures (a password is never guessed by
    trying): the page says so, and even the right password waits."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from django.conf import settings

        return super().get_context_data(**kwargs) | {"oidc_enabled": bool(settings.SERVQ_OIDC_ISSUER)}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _login_limited(request, count=False):
            # Not bound: the password is not checked (or hashed) while sign-ins are stopped.
            form = self.get_form_class()(
                request, initial={"username": request.POST.get("username", "")[:150]}
            )
            form.cleaned_data = {}  # add_error expects a cleaned form
            form.add_error(None, gettext("登入失敗次數過多，請 15 分鐘後再試，或洽系統管理者。"))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        _login_limited(self.request, count=True)
        return super().form_invalid(form)


login = access(public=True)(LoginView.as_view())
# The one-time link an invitation (or `manage.py start_body`) gives: Django's token, void once the
# password is set, expiring after PASSWORD_RESET_TIMEOUT.
set_password = access(public=True)(auth_views.PasswordResetConfirmView.as_view())
password_set = access(public=True)(auth_views.PasswordResetCompleteView.as_view())
logout = access(public=True)(auth_views.LogoutView.as_view())
choose_language = access(public=True)(set_language)


# --- the agency directory -----------------------------------------------------------------------


@access(signed_in=True)
def agency_tree(request: HttpRequest) -> HttpResponse:
    agencies = list(selectors.agencies_for(request.user).select_related("parent", "level").order_by("path"))
    grants = selectors.grants_of(request.user)
    bodies = [
        a
        for a in agencies
        if a.kind == "parent_body" and (request.user.is_superuser or supervises(grants, a.path))
    ]
    return render(request, "agencies/tree.html", {"agencies": agencies, "bodies": bodies})


@access(signed_in=True)
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(selectors.agencies_for(request.user), code=code)
    children = agency.children.select_related("level").order_by("position", "code")
    members = agency.memberships.current().select_related("user").order_by("role", "user__username")
    plans = plans_visible_to(request.user).filter(agency=agency)
    can_keep_units = not agency.is_unit and (
        request.user.is_superuser or coordinates_or_supervises(selectors.grants_of(request.user), agency.path)
    )
    return render(
        request,
        "agencies/detail.html",
        {
            "agency": agency,
            "children": children,
            "members": members,
            "plans": plans,
            "can_keep_units": can_keep_units,
        },
    )


# --- notices ------------------------------------------------------------------------------------

NOTICES_SHOWN = 50


@access(signed_in=True)
def notice_list(request: HttpRequest) -> HttpResponse:
    """The user's notices, newest first, and which kinds they want by e-mail too."""
    user = person(request.user)  # signed in: @access says so
    shown = list(Notification.objects.filter(recipient=user)[:NOTICES_SHOWN])
    preference = NotificationPreference.objects.filter(user=user).first()
    muted = set(preference.no_email) if preference else set()
    return render(
        request,
        "portal/notices.html",
        {
            "notices": shown,
            "kinds": [(kind, label, kind not in muted) for kind, label in notices.KINDS.items()],
            "has_email": bool(user and user.email),
        },
    )


@access(signed_in=True)
@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    ids = [int(value) for value in request.POST.getlist("notice") if value.isdigit()]
    if not ids and request.POST.get("all") != "1":
        messages.error(request, "請勾選要標示為已讀的通知。")
        return redirect("portal:notices")
    count = notices.mark_read(user=request.user, ids=None if request.POST.get("all") == "1" else ids)
    messages.success(request, f"已將 {count} 則通知標示為已讀。")
    return redirect("portal:notices")


@access(signed_in=True)
@require_POST
def notice_preferences(request: HttpRequest) -> HttpResponse:
    notices.set_email_preference(user=request.user, wanted=request.POST.getlist("email"))
    messages.success(request, "已更新通知方式。")
    return redirect("portal:notices")
