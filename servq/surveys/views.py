"""Survey pages: questionnaires, surveys with samples and results, the public response page (by
invitation or open, no login), staff entry of phone and paper answers, courtesy tests and premises
checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from servq.agencies.access import access
from servq.agencies.models import Agency
from servq.agencies.rules import Role
from servq.agencies.selectors import agencies_where
from servq.core import rows
from servq.core.downloads import as_download, csv_response
from servq.core.errors import ServiceError
from servq.core.forms import RocDateField
from servq.core.http import chosen
from servq.core.refusals import refusals_to
from servq.core.sheets import to_ods
from servq.plans.exporting import FORMATS
from servq.surveys import documents, rules, selectors, services
from servq.surveys.models import Audience, Channel, Invitation, Item, Questionnaire, ScoreSheet, Survey

STAFF = [Role.SUPERVISOR, Role.COORDINATOR]


def _agencies(request: HttpRequest) -> list[Agency]:
    return agencies_where(request.user, "surveys.run_surveys")


def _chosen(request: HttpRequest) -> Agency:
    agency = chosen(request, _agencies(request), "agency")
    if agency is None:
        raise Http404
    return agency


@access(signed_in=True)
def index(request: HttpRequest) -> HttpResponse:
    agencies = _agencies(request)
    return render(
        request,
        "surveys/index.html",
        {
            "agencies": agencies,
            "questionnaires": Questionnaire.objects.filter(agency__in=agencies).prefetch_related("items")[
                :50
            ],
            "surveys": selectors.surveys_for(request.user)[:50],
            "tests": selectors.tests_for(request.user).order_by("due_on")[:100],
            "sheets": ScoreSheet.objects.filter(body__in=agencies),
            "audiences": Audience.choices,
            "today": timezone.localdate(),
        },
    )


# A questionnaire's items as a table: 構面, 代號, 題型 by name, 題目, 選項, English.
QUESTION_COLUMNS = (
    rows.Column("section", _("構面"), size=8),
    rows.Column("code", _("代號"), size=4),
    rows.Column("kind", _("題型"), choices=tuple(Item._meta.get_field("kind").choices or ())),
    rows.Column("text", _("題目"), size=30),
    rows.Column("options", _("選項（單選、複選題，以「、」分隔）"), size=16),
    rows.Column("english", _("英文題目（選填）"), size=20),
)


@access(roles=STAFF)
def questionnaire_new(request: HttpRequest) -> HttpResponse:
    agency = _chosen(request)
    audience = request.POST.get("audience") or request.GET.get("audience") or Audience.CITIZENS
    items = (
        rows.posted(request.POST, "q", QUESTION_COLUMNS)
        if request.method == "POST"
        else rows.rows_of(services.TEMPLATES.get(audience, ""), QUESTION_COLUMNS)
    )
    error = ""
    if request.method == "POST" and not rows.adding(request.POST, "q"):
        try:
            q = services.save_questionnaire(
                by=request.user,
                agency=agency,
                name=request.POST.get("name", ""),
                audience=audience,
                lines=rows.lines_of(items, QUESTION_COLUMNS),
            )
            messages.success(request, gettext("已儲存問卷。"))
            return redirect(reverse("surveys:index") + f"#q-{q.pk}")
        except ServiceError as refused:
            error = refused.message
            items = [row for row in items if any(row.values())]  # 第 N 列 counts the rows filled in
    return render(
        request,
        "surveys/questionnaire_new.html",
        {
            "agency": agency,
            "agencies": _agencies(request),
            "audience": audience,
            "audiences": Audience.choices,
            "columns": QUESTION_COLUMNS,
            "cells": rows.table(items, QUESTION_COLUMNS),
            "name": request.POST.get("name", ""),
            "error": error,
        },
        status=400 if error else 200,
    )


@access(roles=STAFF)
@require_POST
@refusals_to("surveys:index")
def survey_new(request: HttpRequest) -> HttpResponse:
    q = Questionnaire.objects.filter(
        pk=request.POST.get("questionnaire") or 0, agency__in=_agencies(request)
    ).first()
    if q is None:
        raise Http404
    closes = RocDateField().clean(request.POST.get("closes_on", ""))
    if closes is None:
        raise services.SurveyError(gettext("請填寫截止日。"))
    survey = services.open_survey(
        by=request.user,
        questionnaire=q,
        title=request.POST.get("title", ""),
        year=timezone.localdate().year,
        closes_on=closes,
        by_invitation=request.POST.get("open") != "on",
    )
    return redirect("surveys:survey", pk=survey.pk)


def _survey(request: HttpRequest, pk: int) -> Survey:
    survey = selectors.surveys_for(request.user).filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey


@access(roles=STAFF)
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    found = _survey(request, pk)
    return render(
        request,
        "surveys/survey.html",
        {
            "survey": found,
            "results": selectors.results(found),
            "suggested": rules.sample_size(found.frame_size) if found.frame_size else None,
            "formats": [(f, FORMATS[f].label) for f in ("odt", "docx", "pdf")],
            "open_url": request.build_absolute_uri(reverse("surveys:answer_open", args=[found.pk])),
        },
    )


@access(roles=STAFF)
@require_POST
@refusals_to("surveys:survey", pk="pk")
def sample(request: HttpRequest, pk: int) -> HttpResponse:
    found = _survey(request, pk)
    upload = request.FILES.get("file")
    if upload is not None:
        frame = services.frame_from_csv(upload.read(20_000_001), upload.name or "")
    else:
        today = timezone.localdate()
        frame = services.frame_from_cases(found.agency, today - dt.timedelta(days=90), today)
    try:
        n = int(request.POST.get("n") or 0)
    except ValueError:
        raise services.SurveyError(gettext("樣本數須為數字。")) from None
    seed_text = request.POST.get("seed", "").strip()
    made = services.sample(
        by=request.user,
        survey=found,
        frame=frame,
        n=n,
        seed=int(seed_text) if seed_text.isdigit() else None,
        stratified=request.POST.get("stratified") == "on",
    )
    mailed = services.mail_invitations(
        by=request.user,
        survey=found,
        invitations=made,
        url_for=lambda token: request.build_absolute_uri(reverse("surveys:answer", args=[token])),
    )
    messages.success(
        request,
        gettext("已抽出 %(n)d 人，寄出 %(m)d 封邀請；其餘請下載電話訪問名單。")
        % {"n": len(made), "m": mailed},
    )
    request.session[f"survey-{pk}-tokens"] = [[i.frame_key, i.phone, t] for i, t in made if not i.email]
    return redirect("surveys:survey", pk=pk)


@access(roles=STAFF)
def call_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Those drawn without an e-mail, to call: their frame number, phone and one-time token."""
    _survey(request, pk)
    rows = request.session.get(f"survey-{pk}-tokens", [])
    return csv_response("電話訪問名單.csv", ["編號", "電話", "填答代碼"], rows)


@access(roles=STAFF)
@require_POST
@refusals_to("surveys:survey", pk="pk")
def close(request: HttpRequest, pk: int) -> HttpResponse:
    found = _survey(request, pk)
    if request.POST.get("confirm") != "yes":
        raise services.SurveyError(gettext("請勾選確認後再結束調查。"))
    population = {}
    for line in request.POST.get("population", "").splitlines():
        if "｜" in line.replace("|", "｜"):
            stratum, _, size = line.replace("|", "｜").partition("｜")
            if not size.strip().isdigit():
                raise services.SurveyError(gettext("各層母體數須寫成「分層｜人數」。"))
            population[stratum.strip()] = int(size)
    services.close_survey(by=request.user, survey=found, population=population)
    messages.success(request, gettext("調查已結束。"))
    return redirect("surveys:survey", pk=pk)


@access(roles=STAFF)
@require_POST
@refusals_to("surveys:survey", pk="pk")
def to_units(request: HttpRequest, pk: int) -> HttpResponse:
    found = _survey(request, pk)
    shares = {r.item.code: r.share.estimate for r in selectors.results(found).items if r.share}
    n = services.results_to_units(by=request.user, survey=found, shares=shares)
    messages.success(request, gettext("已將 %(n)d 項低於標準的結果送請單位檢討改善。") % {"n": n})
    return redirect("surveys:survey", pk=pk)


@access(roles=STAFF)
def report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    found = _survey(request, pk)
    if fmt not in ("odt", "docx", "pdf"):
        raise Http404
    response = HttpResponse(documents.render(found, fmt), content_type=FORMATS[fmt].content_type)
    as_download(response, f"{found.title}報告.{fmt}")
    return response


@access(public=True)
def open_data(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The de-identified answers of a closed survey, as open data."""
    found = Survey.objects.filter(pk=pk, closed=True).select_related("questionnaire").first()
    if found is None or fmt not in ("csv", "ods"):
        raise Http404
    header, rows = documents.open_data_rows(found)
    if fmt == "csv":
        return csv_response(f"{found.title}.csv", header, rows)
    response = HttpResponse(to_ods("回應", header, rows), content_type=FORMATS["ods"].content_type)
    as_download(response, f"{found.title}.ods")
    return response


# --- answering ----------------------------------------------------------------------------------------


def _raw_answers(request: HttpRequest, found: Survey) -> dict[str, Any]:
    return {
        i.code: (request.POST.getlist(i.code) if i.kind == rules.MULTI else request.POST.get(i.code, ""))
        for i in found.questionnaire.items.all()
    }


def _answer_page(
    request: HttpRequest, found: Survey, *, token: str = "", channel: str = Channel.WEB
) -> HttpResponse:
    error = ""
    if request.method == "POST":
        if (
            channel == Channel.WEB
            and not token
            and is_ratelimited(
                request, group="surveys.open", key="ip", rate="5/h", method="POST", increment=True
            )
        ):
            return render(request, "cases/limited.html", status=429)
        try:
            services.respond(
                survey=found,
                answers=_raw_answers(request, found),
                token=token,
                channel=request.POST.get("channel", channel),
                by=request.user if channel != Channel.WEB else None,
            )
            if channel != Channel.WEB:
                messages.success(request, gettext("已登錄一份回應。"))
                return redirect("surveys:enter", pk=found.pk)
            return render(request, "surveys/thanks.html", {"survey": found})
        except ServiceError as refused:
            error = refused.message
    return render(
        request,
        "surveys/answer.html",
        {
            "survey": found,
            "items": found.questionnaire.items.all(),
            "error": error,
            "data": request.POST,
            "staff": channel != Channel.WEB,
        },
        status=400 if error else 200,
    )


@access(public=True)
@never_cache
def answer(request: HttpRequest, token: str) -> HttpResponse:
    invitation = (
        Invitation.objects.filter(token_hash=services.token_hash(token[:40]))
        .select_related("survey__questionnaire", "survey__agency")
        .first()
    )
    if invitation is None:
        raise Http404
    if invitation.used:
        return render(request, "surveys/thanks.html", {"survey": invitation.survey, "used": True})
    return _answer_page(request, invitation.survey, token=token[:40])


@access(public=True)
@never_cache
def answer_open(request: HttpRequest, pk: int) -> HttpResponse:
    found = (
        Survey.objects.filter(pk=pk, by_invitation=False).select_related("questionnaire", "agency").first()
    )
    if found is None:
        raise Http404
    return _answer_page(request, found)


@access(roles=STAFF)
def enter(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff enter an answer taken by phone or on paper."""
    return _answer_page(request, _survey(request, pk), channel=Channel.PHONE)


# --- courtesy tests and premises -------------------------------------------------------------------


@access(roles=STAFF)
def sheet_new(request: HttpRequest) -> HttpResponse:
    agency = _chosen(request)
    people = _testers_for(agency)
    posted = request.method == "POST"
    items = (
        rows.posted(request.POST, "items", SHEET_COLUMNS)
        if posted
        else rows.rows_of(rules.EXAMPLE_SHEET, SHEET_COLUMNS)
    )
    bands = (
        rows.posted(request.POST, "bands", BAND_COLUMNS)
        if posted
        else rows.rows_of(rules.EXAMPLE_BANDS, BAND_COLUMNS)
    )
    error = ""
    if posted and not rows.adding(request.POST, "items") and not rows.adding(request.POST, "bands"):
        try:
            sheet = services.save_sheet(
                by=request.user,
                body=agency,
                name=request.POST.get("name", ""),
                kind=request.POST.get("kind", ""),
                items=rows.lines_of(items, SHEET_COLUMNS),
                bands=rows.lines_of(bands, BAND_COLUMNS),
                pass_mark=Decimal(request.POST.get("pass_mark") or "70"),
                every_months=int(request.POST.get("every_months") or 4),
            )
            chosen_ids = set(request.POST.getlist("testers"))
            testers = [p for p in people if str(p.pk) in chosen_ids]
            below = list(Agency.objects.filter(parent=agency).exclude(kind="unit"))
            tests = services.schedule_tests(
                by=request.user, sheet=sheet, agencies=below, testers=testers, year=timezone.localdate().year
            )
            messages.success(request, gettext("已排定 %(n)d 次測試。") % {"n": len(tests)})
            return redirect("surveys:index")
        except (ServiceError, InvalidOperation, ValueError) as refused:
            error = getattr(refused, "message", gettext("合格分數與頻率須為數字。"))
            items = [row for row in items if any(row.values())]  # 第 N 列 counts the rows filled in
            bands = [row for row in bands if any(row.values())]
    return render(
        request,
        "surveys/sheet_new.html",
        {
            "agency": agency,
            "item_columns": SHEET_COLUMNS,
            "item_cells": rows.table(items, SHEET_COLUMNS),
            "band_columns": BAND_COLUMNS,
            "band_cells": rows.table(bands, BAND_COLUMNS),
            "people": people,
            "chosen": set(request.POST.getlist("testers")),
            "data": request.POST,
            "error": error,
        },
        status=400 if error else 200,
    )


# A courtesy sheet's items and bands as tables (issue 33.11: typed as 「A｜接聽速度｜15」).
SHEET_COLUMNS = (
    rows.Column("code", _("代號"), size=4),
    rows.Column("name", _("評分項目"), size=24),
    rows.Column("points", _("配分"), size=4),
)
BAND_COLUMNS = (rows.Column("lower", _("分數下限"), size=4), rows.Column("band", _("等第"), size=8))
TESTERS_SHOWN = 200


def _testers_for(agency: Agency) -> list[Any]:
    """Who may test: the active people holding a role in the body or its units, picked by name."""
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__agency__path__startswith=agency.path,
            memberships__agency__depth__lte=agency.depth + 1,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")[:TESTERS_SHOWN]
    )


@access(signed_in=True)
def test(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.tests_for(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    items, _bands = rules.parse_sheet(found.sheet.items, found.sheet.bands)
    error = ""
    if request.method == "POST" and request.POST.get("improvement") is not None:
        try:
            services.improve(by=request.user, test=found, text=request.POST["improvement"])
            messages.success(request, gettext("已回復改善情形。"))
            return redirect("surveys:test", pk=pk)
        except ServiceError as refused:
            error = refused.message
    elif request.method == "POST":
        try:
            services.record_test(
                by=request.user,
                test=found,
                scores={i.code: request.POST.get(i.code, "") for i in items},
                note=request.POST.get("note", ""),
            )
            messages.success(request, gettext("已記錄測試結果。"))
            return redirect("surveys:test", pk=pk)
        except ServiceError as refused:
            error = refused.message
    rows = [{"item": i, "value": request.POST.get(i.code, found.scores.get(i.code, ""))} for i in items]
    return render(
        request,
        "surveys/test.html",
        {
            "test": found,
            "rows": rows,
            "error": error,
            "mine": found.tester_id == request.user.pk,
            "low": found.total is not None and found.total < found.sheet.pass_mark,
        },
        status=400 if error else 200,
    )


@access(roles=STAFF)
def premises_new(request: HttpRequest) -> HttpResponse:
    agency = _chosen(request)
    error = ""
    if request.method == "POST":
        try:
            on = RocDateField().clean(request.POST.get("on", "")) or timezone.localdate()
            services.record_premises_check(
                by=request.user,
                agency=agency,
                location=request.POST.get("location", ""),
                on=on,
                results={k: request.POST.get(k, "na") for k in services.PREMISES_ITEMS},
                note=request.POST.get("note", ""),
            )
            messages.success(request, gettext("已記錄洽公環境檢查。"))
            return redirect("surveys:index")
        except ServiceError as refused:
            error = refused.message
        except ValidationError as refused:  # the date, as the date field explains it
            error = "；".join(refused.messages)
    return render(
        request,
        "surveys/premises_new.html",
        {"agency": agency, "items": services.PREMISES_ITEMS, "data": request.POST, "error": error},
        status=400 if error else 200,
    )
