"""Case pages: the citizen's form and query (public, rate-limited), the staff's queue, case page,
operator intake and analytics, and the de-identified open data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import secrets
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from servq.agencies.access import access
from servq.agencies.models import Agency
from servq.agencies.rules import Role
from servq.agencies.selectors import agencies_for, subtree_of
from servq.cases import rules, selectors, services
from servq.cases.defaults import APPEAL_REMEDY, PETITION_CEILING_DAYS, SUGGESTED_CATEGORIES
from servq.cases.forms import (
    ActionForm,
    CitizenCaseForm,
    CopyForm,
    OperatorCaseForm,
    SupplementForm,
    TrackForm,
    uploads_of,
)
from servq.cases.models import (
    Case,
    CaseAttachment,
    CaseCategory,
    CategoryKind,
    Channel,
    Outcome,
    RoutingRule,
)
from servq.core import charts, citations
from servq.core.actors import Actor
from servq.core.downloads import as_download, neutralize
from servq.core.forms import error_summary
from servq.core.http import confirmed
from servq.core.permissions import has_perm
from servq.core.refusals import refusals_to
from servq.core.rules import format_roc_date, short_roc_month
from servq.core.selectors import office_calendar

STAFF_ROLES = [Role.SUPERVISOR, Role.COORDINATOR, Role.UNIT_STAFF]


def _limited(request: HttpRequest, group: str, rate: str, key: str = "ip") -> bool:
    return is_ratelimited(request, group=group, key=key, rate=rate, method="POST", increment=True)


def default_body() -> Agency | None:
    """The body whose public form is shown: the one that defines case categories."""
    category = (
        CaseCategory.objects.filter(active=True, kind=CategoryKind.PETITION)
        .select_related("body")
        .order_by("body__path")
        .first()
    )
    return category.body if category else None


def _submit(
    form: CitizenCaseForm, body: Agency, channel: str, *, by: Actor, held: list[services.Upload] | None = None
) -> tuple[Case, str]:
    fields = (
        "category",
        "description",
        "subject",
        "address",
        "lat",
        "long",
        "name",
        "email",
        "phone",
        "reply_by",
    )
    # Files chosen now replace those held from a refused post.
    uploads = uploads_of(form.cleaned_data.get("attachments") or []) or (held or [])
    return services.submit_case(
        channel=channel, body=body, by=by, attachments=uploads, **{f: form.cleaned_data[f] for f in fields}
    )


def _form_errors(error: services.CaseError, form: Any) -> None:
    if error.field and error.field in form.fields:
        form.add_error(error.field, str(error))
    else:
        form.add_error(None, str(error))


# --- the citizen's side -------------------------------------------------------------------------


@access(public=True)
@never_cache
def new_case(request: HttpRequest) -> HttpResponse:
    body = default_body()
    if body is None:
        raise Http404
    form = CitizenCaseForm(
        request.POST or None, request.FILES or None, categories=selectors.categories_of(body)
    )
    held = None
    if request.method == "POST":
        if _limited(request, "cases.new", "5/10m"):
            return render(request, "cases/limited.html", status=429)
        if form.is_bot():
            return render(request, "cases/limited.html", status=400)
        if form.is_valid():
            try:
                case, token = _submit(form, body, Channel.WEB, by=None, held=_held(request))
                return _received(request, case, token)
            except services.CaseError as error:
                _form_errors(error, form)
        held = _hold(request, form)
    return render(
        request,
        "cases/new.html",
        {"form": form, "body": body, "map": _map_settings(), "held": held},
        status=400 if form.errors else 200,
    )


# Files a citizen chose are kept while the form comes back with an error to fix (a browser never
# fills a file field again), in the cache (shared by every web process), for half an hour.
HELD_SECONDS = 30 * 60


def _hold(request: HttpRequest, form: CitizenCaseForm) -> dict[str, Any] | None:
    """The files of a refused post, checked as a case's attachments are, held under a token; those
    held before when none were chosen again; None when there are none or they are refused."""
    if "attachments" in form.errors:
        return None
    uploads = uploads_of(request.FILES.getlist("attachments")) or _held(request)
    if not uploads:
        return None
    try:
        services.clean_uploads(uploads)
    except services.CaseError:
        return None
    token = secrets.token_urlsafe(16)
    cache.set(f"cases:held:{token}", uploads, HELD_SECONDS)
    return {"token": token, "names": [upload.name for upload in uploads]}


def _held(request: HttpRequest) -> list[services.Upload]:
    token = request.POST.get("held", "")[:40]
    held = cache.get(f"cases:held:{token}") if token else None
    return list(held) if isinstance(held, list) else []


def _map_settings() -> dict[str, str] | None:
    """The map on the form, where the operator named a tile server (SERVQ_MAP_TILES); else none."""
    if not settings.SERVQ_MAP_TILES:
        return None
    return {
        "tiles": settings.SERVQ_MAP_TILES,
        "attribution": settings.SERVQ_MAP_ATTRIBUTION,
        "center": settings.SERVQ_MAP_CENTER,
    }


def _received(
    request: HttpRequest, case: Case, token: str, copy: CopyForm | None = None, *, operator: bool = False
) -> HttpResponse:
    """The number and password, once, with the ways to keep them (print, e-mail a copy)."""
    form = copy or CopyForm(initial={"number": case.number, "token": token, "email": case.citizen_email})
    return render(
        request,
        "cases/received.html",
        {"case": case, "token": token, "copy_form": form, "operator": operator},
        status=400 if form.errors else 200,
    )


@access(public=True)
@require_POST
@never_cache
def mail_copy(request: HttpRequest) -> HttpResponse:
    """「寄到我的電子郵件」 on the received page: the number and password sent again, a few times at most."""
    form = CopyForm(request.POST)
    if _limited(request, "cases.copy", "5/10m"):
        return render(request, "cases/limited.html", status=429)
    if not form.is_valid():
        raise Http404
    case = get_object_or_404(
        Case.objects.select_related("body", "agency", "category"), number=form.cleaned_data["number"]
    )
    token = form.cleaned_data["token"]
    try:
        services.mail_copy(case=case, token=token, to=form.cleaned_data["email"])
    except services.CaseError as error:
        form.add_error("email" if error.field == "email" else None, str(error))
        return _received(request, case, token, form)
    messages.success(request, f"已將案號與查詢密碼寄到 {form.cleaned_data['email']}。")
    return _received(request, case, token, form)


# The cases whose number and password were given in this browser session: the query page shows them
# again, and takes a 補正 for them, without asking for the password on every step.
TRACKED = "cases.tracked"
TRACKED_AT_MOST = 5


def _tracked(request: HttpRequest, number: str) -> Case | None:
    if number not in request.session.get(TRACKED, []):
        return None
    return Case.objects.filter(number=number).select_related("agency", "category").first()


def _remember(request: HttpRequest, number: str) -> None:
    kept = [n for n in request.session.get(TRACKED, []) if n != number]
    request.session[TRACKED] = [number, *kept][:TRACKED_AT_MOST]


def _track_page(
    request: HttpRequest, form: TrackForm, case: Case | None, supplement: SupplementForm | None = None
) -> HttpResponse:
    context: dict[str, Any] = {"form": form}
    if case is not None:
        waiting = case.state == rules.WAITING
        context.update(
            {
                "case": case,
                "timeline": selectors.public_timeline(case),
                "asked": selectors.question_asked(case) if waiting else "",
                "supplement": (supplement or SupplementForm()) if waiting else None,
            }
        )
    failed = form.errors or (supplement is not None and supplement.errors)
    return render(request, "cases/track.html", context, status=400 if failed else 200)


@access(public=True)
@never_cache
def track(request: HttpRequest) -> HttpResponse:
    """Case number + query password → state, public timeline and reply; no personal data. A case
    given in this session is shown again from ``?number=`` (after a 補正, or on returning)."""
    form = TrackForm(request.POST or None)
    if request.method != "POST":
        return _track_page(request, form, _tracked(request, request.GET.get("number", "")[:24]))
    if not form.is_valid():
        return _track_page(request, form, None)
    number = form.cleaned_data["number"].strip()
    by_ip = _limited(request, "cases.track.ip", "20/10m")
    by_case = is_ratelimited(
        request,
        group="cases.track.case",
        key=lambda _group, _request: number,
        rate="5/10m",
        method="POST",
        increment=True,
    )
    if by_ip or by_case:
        return render(request, "cases/limited.html", status=429)
    case = Case.objects.filter(number=number).select_related("agency", "category").first()
    if case is None or not services.token_matches(case, form.cleaned_data["password"]):
        form.add_error(None, "案號或查詢密碼不正確。")
        return _track_page(request, form, None)
    _remember(request, number)
    return _track_page(request, form, case)


@access(public=True)
@require_POST
@never_cache
def supplement(request: HttpRequest, number: str) -> HttpResponse:
    """The citizen's 補正 from the query page: text and files; the clock resumes."""
    case = _tracked(request, number)
    if case is None:
        raise Http404
    if _limited(request, "cases.supplement", "10/10m"):
        return render(request, "cases/limited.html", status=429)
    form = SupplementForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.supplement(
                case=case,
                text=form.cleaned_data["text"],
                attachments=uploads_of(form.cleaned_data.get("attachments") or []),
            )
        except services.CaseError as error:
            if error.field == "state":  # answered already, or taken up by staff meanwhile
                messages.error(request, str(error))
                return redirect(f"{reverse('cases:track')}?number={case.number}")
            _form_errors(error, form)
        else:
            messages.success(request, "已收到您的補正，處理期限恢復計算。")
            return redirect(f"{reverse('cases:track')}?number={case.number}")
    case.refresh_from_db()
    return _track_page(request, TrackForm(), case, form)


@access(roles=STAFF_ROLES)
def attachment(request: HttpRequest, number: str, pk: int) -> FileResponse:
    """A citizen's file, to the staff who may open the case; always downloaded, never rendered here."""
    case = get_object_or_404(selectors.cases_for(request.user), number=number)
    found = get_object_or_404(CaseAttachment, pk=pk, case=case)
    response = FileResponse(found.file.open("rb"), content_type=found.content_type, as_attachment=True)
    as_download(response, found.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@access(public=True)
def open_data(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """De-identified cases of one month as CSV or JSON: no names, contacts or ID numbers; addresses cut
    to the street; free text scrubbed of the same patterns."""
    month_text = request.GET.get("month") or (
        timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    ).strftime("%Y-%m")
    try:
        month = dt.date.fromisoformat(f"{month_text}-01")
    except ValueError:
        return HttpResponse(
            f"month「{month_text[:20]}」須為 YYYY-MM。", status=400, content_type="text/plain; charset=utf-8"
        )
    following = (month + dt.timedelta(days=32)).replace(day=1)
    cases = (
        Case.objects.filter(received_at__date__gte=month, received_at__date__lt=following)
        .select_related("agency", "category")
        .order_by("id")
    )
    rows = (_open_row(case) for case in cases.iterator(chunk_size=2000))
    response: StreamingHttpResponse
    if fmt == "json":
        response = StreamingHttpResponse(_json_lines(rows), content_type="application/json; charset=utf-8")
    elif fmt == "csv":
        response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    as_download(response, f"servq-cases-{month:%Y-%m}.{fmt}")
    return response


# The CSV is read by people in a spreadsheet: Chinese headers, labels for codes, dates in 民國 beside
# the ISO date machines sort by. The JSON keeps the codes with the labels beside them.
CSV_COLUMNS = [
    ("案號", "case"),
    ("類別", "category"),
    ("管道", "channel_label"),
    ("承辦機關", "agency"),
    ("收件日期", "received_roc"),
    ("收件日期（西元）", "received"),
    ("結案日期", "closed_roc"),
    ("結案日期（西元）", "closed"),
    ("狀態", "state_label"),
    ("處理結果", "outcome_label"),
    ("如期結案", "on_time_label"),
    ("地區", "area"),
    ("內容", "description"),
]


def _open_row(case: Case) -> dict[str, Any]:
    names = [case.citizen_name]
    received = timezone.localdate(case.received_at)
    closed = timezone.localdate(case.closed_at) if case.closed_at else None
    on_time = case.closed_on_time
    return {
        "case": case.number,
        "category": case.category.name,
        "channel": case.channel,
        "channel_label": case.get_channel_display(),
        "agency": case.agency.name,
        "received": received.isoformat(),
        "received_roc": format_roc_date(received),
        "closed": closed.isoformat() if closed else "",
        "closed_roc": format_roc_date(closed) if closed else "",
        "state": case.state,
        "state_label": case.get_state_display(),
        "outcome": case.outcome,
        "outcome_label": case.get_outcome_display() if case.outcome else "",
        "on_time": "" if on_time is None else on_time,
        "on_time_label": "" if on_time is None else ("是" if on_time else "否"),
        "area": rules.coarsen_address(case.address),
        "description": rules.scrub(case.description, names),
    }


def _csv_lines(rows: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()
    writer.writerow([header for header, _ in CSV_COLUMNS])
    for row in rows:
        writer.writerow([neutralize(str(row[key])) for _, key in CSV_COLUMNS])
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue().encode()


def _json_lines(rows: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    yield b"["
    for index, row in enumerate(rows):
        yield (b"," if index else b"") + json.dumps(row, ensure_ascii=False).encode()
    yield b"]"


# --- the staff's side ---------------------------------------------------------------------------


@access(roles=STAFF_ROLES)
def case_queue(request: HttpRequest) -> HttpResponse:
    cases = selectors.cases_for(request.user)
    unit = request.GET.get("unit")
    if unit and unit.isdigit():
        cases = cases.filter(unit_id=int(unit))
    today = timezone.localdate()
    rows = selectors.queue(cases, today=today, cal=office_calendar((today.year - 1, today.year + 1)))
    return render(request, "cases/queue.html", {"rows": rows, "today": today})


def _case(request: HttpRequest, number: str) -> Case:
    return get_object_or_404(
        selectors.cases_for(request.user).select_related("body", "assignee"), number=number
    )


@access(roles=STAFF_ROLES)
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    personal = None
    if request.GET.get("personal") == "1":
        try:
            personal = services.read_personal_data(by=request.user, case=case)
        except services.CaseError as error:
            messages.error(request, str(error))
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "events": case.events.select_related("by").order_by("at", "id"),
            "actions": [(a, rules.ACTION_NAMES[a]) for a in rules.allowed_actions(case.state)],
            "personal": personal,
            "units": subtree_of(case.agency).filter(kind="unit"),
            "agencies": subtree_of(case.body).exclude(kind="unit").exclude(pk=case.agency_id),
            "duplicates": selectors.duplicate_suggestions(case, viewer=request.user)
            if case.state != "closed"
            else [],
            "form": ActionForm(),
            "citations": citations.available(case.agency.path) if case.state != "closed" else [],
            **_closing_choices(case),
            "map": _map_settings(),
        },
    )


def _closing_choices(case: Case) -> dict[str, Any]:
    """How this case may end: an application with a decision (and a remedy for 駁回), a petition
    with an answer."""
    application = case.category.kind == CategoryKind.APPLICATION
    outcomes = [
        (value, label) for value, label in Outcome.choices if (value in rules.DECISIONS) == application
    ]
    return {"application": application, "outcomes": outcomes, "remedy": APPEAL_REMEDY}


@access(roles=STAFF_ROLES)
@require_POST
@refusals_to("cases:detail", number="number")
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    case = _case(request, number)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_summary(form))
        return redirect("cases:detail", number=case.number)
    data = form.cleaned_data
    note = data["note"] or ""
    if action in CONFIRMED_ACTIONS and not confirmed(request):
        # What was typed stays: the page keeps its draft (data-keep-draft) until the form is sent.
        messages.error(request, CONFIRMED_ACTIONS[action])
        return redirect("cases:detail", number=case.number)
    messages.success(request, _perform(request, case, action, data, note))
    if not selectors.cases_for(request.user).filter(pk=case.pk).exists():
        return redirect("cases:queue")  # transferred out of the user's reach: back to their queue
    return redirect("cases:detail", number=case.number)


# Steps that cannot be taken back ask for a ticked box saying what will happen, and to whom.
CONFIRMED_ACTIONS = {
    "reply": "回覆結案前請勾選確認：回覆會寄給民眾並公開於案件查詢，本案隨即結案。",
    "transfer": "移文前請勾選確認：本案將改由所選機關處理，並通知該機關的聯絡人。",
}


def _perform(request: HttpRequest, case: Case, action: str, data: dict[str, Any], note: str) -> str:
    """Do the action; the confirmation that says what was done (「已移文至北區區公所」)."""
    by = request.user
    if action == "assign":
        unit = get_object_or_404(subtree_of(case.agency).filter(kind="unit"), pk=data["unit"] or 0)
        services.assign(by=by, case=case, unit=unit)
        return f"已分派給{unit.name}。"
    if action == "start":
        services.start(by=by, case=case)
        return "已開始處理。"
    if action == "wait":
        services.ask_citizen(by=by, case=case, question=note)
        return "已請民眾補充資料，處理期限暫停計算。"
    if action == "resume":
        services.resume(by=by, case=case, note=note)
        return "已繼續處理，處理期限恢復計算。"
    if action == "reply":
        cited = citations.resolve(request.POST.get("cite", ""), case.agency.path)
        if cited is not None:
            note = f"{note.rstrip()}\n\n{citations.quoted(cited, request.build_absolute_uri('/'))}".lstrip()
        services.reply(
            by=by, case=case, outcome=data["outcome"] or "", text=note, remedy=data["remedy"] or ""
        )
        return "已回覆民眾並結案。"
    if action == "reopen":
        services.reopen(by=by, case=case, reason=note)
        return "已重新處理。"
    if action == "transfer":
        to = get_object_or_404(subtree_of(case.body).exclude(kind="unit"), pk=data["agency"] or 0)
        services.transfer(by=by, case=case, to=to, reason=note)
        return f"已移文至{to.name}。"
    if action == "extend":
        services.extend(by=by, case=case, days=data["days"] or 0, reason=note)
        return f"已展延 {data['days']} 日，並通知民眾。"
    if action == "satisfaction":
        services.record_satisfaction(by=by, case=case, score=data["score"] or 0, note=note)
        return "已記錄滿意度。"
    if action == "merge":
        into = get_object_or_404(selectors.cases_for(by), number=request.POST.get("into", ""))
        services.merge_duplicate(by=by, case=case, into=into)
        return f"已併入案件 {into.number}。"
    raise Http404


@access(roles=STAFF_ROLES)
def intake(request: HttpRequest) -> HttpResponse:
    """Operator entry for phone, 1999, mailbox and walk-in cases."""
    body = default_body()
    if body is None:
        raise Http404
    if not agencies_for(request.user).filter(path__startswith=body.path).exists():
        raise PermissionDenied
    form = OperatorCaseForm(
        request.POST or None, request.FILES or None, categories=selectors.categories_of(body)
    )
    if request.method == "POST" and form.is_valid():
        try:
            case, token = _submit(form, body, form.cleaned_data["channel"], by=request.user)
            return _received(request, case, token, operator=True)
        except services.CaseError as error:
            _form_errors(error, form)
    return render(
        request, "cases/intake.html", {"form": form, "body": body}, status=400 if form.errors else 200
    )


@access(roles=STAFF_ROLES)
def analytics(request: HttpRequest) -> HttpResponse:
    reachable = agencies_for(request.user).exclude(kind="unit")
    chosen = request.GET.get("agency")
    root = (
        get_object_or_404(reachable, pk=chosen)
        if chosen and chosen.isdigit()
        else reachable.order_by("depth", "path").first()
    )
    if root is None:
        raise PermissionDenied
    today = timezone.localdate()
    start = (today.replace(day=1) - dt.timedelta(days=365)).replace(day=1)
    data = selectors.analytics(root, start, today, today=today)
    body = default_body()
    month = today.replace(day=1)
    return render(
        request,
        "cases/analytics.html",
        {
            "root": root,
            "data": data,
            **_analytics_charts(root, data, start, today),
            "start": start,
            "today": today,
            "percentiles": selectors.close_time_percentiles(root, start, today),
            "top": selectors.top_terms(body, month) if body else [],
            "rising": selectors.rising_topics(body, month) if body else [],
            "channels": dict(Channel.choices),
            "last_month": (month - dt.timedelta(days=1)).strftime("%Y-%m"),
        },
    )


# The districts charted: the busiest, so the columns stay readable on a phone.
DISTRICTS_CHARTED = 12


def _analytics_charts(
    root: Agency, data: selectors.Analytics, start: dt.date, end: dt.date
) -> dict[str, Any]:
    """Volume, on-time rate and categories per month as charts (their tables are on the page too)."""
    months = [month for month, _ in data.months]
    labels = [short_roc_month(month) for month in months]
    by_category = selectors.monthly_by_category(root, months)
    districts = selectors.by_district(root, start, end)[:DISTRICTS_CHARTED]
    return {
        "volume_chart": charts.columns(
            gettext("每月收件數"), labels, {gettext("收件"): [f["received"] for _, f in data.months]}
        ),
        "on_time_chart": charts.lines(
            gettext("每月如期結案率（%）"),
            labels,
            {gettext("如期結案率"): [f["on_time_rate"] for _, f in data.months]},
            top=100,
            suffix="%",
        ),
        "category_chart": charts.columns(gettext("各類別每月收件數"), labels, by_category),
        "category_months": [
            (label, [values[i] for values in by_category.values()]) for i, label in enumerate(labels)
        ],
        "category_names": list(by_category),
        "districts": districts,
        "district_chart": charts.columns(
            gettext("各行政區收件數"),
            [name for name, _ in districts],
            {gettext("收件"): [n for _, n in districts]},
        ),
        "map": _map_settings(),
        "map_points": selectors.map_points(root, start, end) if settings.SERVQ_MAP_TILES else [],
    }


# --- configuration ------------------------------------------------------------------------------


def _configurable_body(request: HttpRequest) -> Agency:
    """The body that takes cases; at first run, before any has categories, the supervisor's own."""
    body = default_body() or agencies_for(request.user).filter(kind="parent_body").order_by("path").first()
    if body is None or not has_perm(request.user, "cases.configure_cases", body):
        raise PermissionDenied
    return body


@access(roles=[Role.SUPERVISOR])
def configuration(request: HttpRequest) -> HttpResponse:
    body = _configurable_body(request)
    return render(
        request,
        "cases/configuration.html",
        {
            "body": body,
            "categories": CaseCategory.objects.filter(body=body, kind=CategoryKind.PETITION)
            .select_related("agency", "unit")
            .order_by("code"),
            "rules": RoutingRule.objects.filter(body=body).select_related("category", "agency", "unit"),
            "agencies": subtree_of(body).exclude(kind="unit"),
            "units": subtree_of(body).filter(kind="unit").select_related("parent"),
            "suggestions": SUGGESTED_CATEGORIES,
            "ceiling": PETITION_CEILING_DAYS,
        },
    )


@access(roles=[Role.SUPERVISOR])
@require_POST
@refusals_to("cases:configuration")
def adopt_categories(request: HttpRequest) -> HttpResponse:
    """First run: the body adopts the suggested categories it wants, each with the limit it sets."""
    body = _configurable_body(request)
    choices = []
    for suggestion in SUGGESTED_CATEGORIES:
        if request.POST.get(f"adopt_{suggestion.code}") != "on":
            continue
        limit = request.POST.get(f"limit_{suggestion.code}", "")
        if not limit.isdigit():
            raise services.CaseError(
                f"{suggestion.name}：處理期限「{limit[:10]}」須為整數日數。", f"limit_{suggestion.code}"
            )
        working = request.POST.get(f"working_{suggestion.code}") == "on"
        choices.append(services.Adopted(suggestion.code, int(limit), working))
    if not choices:
        raise services.CaseError("請至少勾選一個案件類別。")
    created = services.adopt_categories(by=request.user, body=body, choices=choices)
    messages.success(request, f"已設定 {created} 個案件類別；處理期限與依據列於下方，可隨時修改。")
    return redirect("cases:configuration")


def _optional_agency(body: Agency, value: str | None) -> Agency | None:
    if not value:
        return None
    return get_object_or_404(subtree_of(body), pk=value) if value.isdigit() else None


@access(roles=[Role.SUPERVISOR])
@require_POST
@refusals_to("cases:configuration")
def configure_category(request: HttpRequest, pk: int) -> HttpResponse:
    body = _configurable_body(request)
    category = get_object_or_404(CaseCategory, pk=pk, body=body)
    limit = request.POST.get("limit_days", "")
    if not limit.isdigit():
        raise services.CaseError(f"處理期限「{limit[:10]}」須為整數日數。", "limit_days")
    services.update_category(
        by=request.user,
        category=category,
        name=request.POST.get("name", ""),
        limit_days=int(limit),
        working_days=request.POST.get("working_days") == "on",
        agency=_optional_agency(body, request.POST.get("agency")),
        unit=_optional_agency(body, request.POST.get("unit")),
        active=request.POST.get("active") == "on",
        limit_source=request.POST.get("limit_source"),
    )
    messages.success(request, f"已更新類別「{category.name}」。")
    return redirect("cases:configuration")


@access(roles=[Role.SUPERVISOR])
@require_POST
@refusals_to("cases:configuration")
def add_rule(request: HttpRequest) -> HttpResponse:
    body = _configurable_body(request)
    category_id = request.POST.get("category") or ""
    category = get_object_or_404(CaseCategory, pk=category_id, body=body) if category_id.isdigit() else None
    agency = _optional_agency(body, request.POST.get("agency"))
    if agency is None:
        raise services.CaseError("請選擇承辦機關。", "agency")
    services.add_routing_rule(
        by=request.user,
        body=body,
        category=category,
        area=request.POST.get("area", ""),
        agency=agency,
        unit=_optional_agency(body, request.POST.get("unit")),
    )
    messages.success(request, "已新增分案規則。")
    return redirect("cases:configuration")


@access(roles=[Role.SUPERVISOR])
@require_POST
def delete_rule(request: HttpRequest, pk: int) -> HttpResponse:
    body = _configurable_body(request)
    rule = get_object_or_404(RoutingRule, pk=pk, body=body)
    services.delete_routing_rule(by=request.user, rule=rule)
    messages.success(request, "已刪除分案規則。")
    return redirect("cases:configuration")
