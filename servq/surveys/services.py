"""Every write of surveys: questionnaires in versions, surveys and their samples and invitations,
responses (on the web by invitation or open, or entered by staff from phone and paper), closing,
results back to the units as findings; courtesy-test sheets, schedules, tests and improvements;
premises checks. Audited in the same transaction — except the answers of an anonymous survey,
whose respondent is never recorded anywhere."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from servq.agencies.models import Agency
from servq.agencies.rules import path_and_ancestors
from servq.agencies.selectors import grants_of
from servq.cases.models import Case, CitizenMail
from servq.core import audit
from servq.core.actors import Actor, person
from servq.core.errors import ServiceError
from servq.core.locking import locked
from servq.core.permissions import has_perm
from servq.core.rules import add_months, format_roc_date, plain_number
from servq.core.tables import read_table
from servq.inspections import services as inspections
from servq.surveys import rules
from servq.surveys.models import (
    Audience,
    Channel,
    CourtesyTest,
    Invitation,
    Item,
    PremisesCheck,
    Questionnaire,
    Response,
    ScoreSheet,
    Survey,
)


class SurveyError(ServiceError):
    pass


def _require_staff(by: Actor, agency: Agency) -> None:
    SurveyError.require(has_perm(by, "surveys.run_surveys", agency), f"您不能辦理{agency.name}的調查。")


# --- questionnaires ------------------------------------------------------------------------------

TEMPLATES: dict[str, str] = {
    Audience.CITIZENS.value: """洽公環境｜E1｜likert5｜洽公場所整潔舒適、動線清楚｜｜The office is clean and easy to find your way in
洽公環境｜E2｜likert5｜服務設施（座椅、無障礙設施、飲水）完善｜｜Facilities meet your needs
服務禮儀｜C1｜likert5｜服務人員態度親切有禮｜｜Staff are courteous
服務禮儀｜C2｜likert5｜電話接聽迅速、用語禮貌｜｜Calls are answered quickly and politely
專業性｜P1｜likert5｜服務人員說明清楚、一次告知應備文件｜｜Staff explain clearly and completely the first time
專業性｜P2｜likert5｜案件處理迅速、如期完成｜｜Your matter was handled on time
服務措施｜S1｜likert5｜網站資訊正確、容易找到｜｜The website is accurate and easy to use
服務措施｜S2｜likert5｜整體而言，您對本機關的服務感到滿意｜｜Overall, you are satisfied with our service
其他｜O1｜text｜其他建議｜｜Other suggestions""",
    Audience.STAFF.value: """工作環境｜W1｜likert5｜我的工作環境安全舒適｜｜
工作環境｜W2｜likert5｜我有完成工作所需的資源｜｜
組織溝通｜M1｜likert5｜單位內溝通順暢｜｜
組織溝通｜M2｜likert5｜主管重視同仁意見｜｜
整體｜T1｜likert5｜整體而言，我對在本機關工作感到滿意｜｜
其他｜O1｜text｜其他建議｜｜""",
    Audience.CASE.value: """案件處理｜K1｜likert5｜處理速度｜｜Speed
案件處理｜K2｜likert5｜回覆內容清楚完整｜｜Clear and complete reply
案件處理｜K3｜likert5｜整體滿意度｜｜Overall satisfaction""",
    Audience.POLICY.value: """施政｜G1｜likert5｜整體施政表現｜｜
施政｜G2｜likert5｜便民服務｜｜
施政｜G3｜likert5｜資訊公開透明｜｜""",
}


@transaction.atomic
def save_questionnaire(
    *, by: Actor, agency: Agency, name: str, audience: str, lines: str, anonymous: bool = False
) -> Questionnaire:
    """A new version from lines 「構面｜代號｜題型｜題目｜選項（、分隔）｜English」; staff surveys are
    anonymous whatever is asked."""
    _require_staff(by, agency)
    SurveyError.require(audience in Audience.values, "請選擇對象。", "audience")
    SurveyError.require(bool(name.strip()) and len(name) <= 200, "請填寫問卷名稱。", "name")
    parsed = []
    for n, line in enumerate((x for x in lines.splitlines() if x.strip()), start=1):
        cells = [c.strip() for c in line.replace("|", "｜").split("｜")] + [""] * 6
        section, code, kind, text, options, english = cells[:6]
        SurveyError.require(
            bool(section and code and text),
            f"第 {n} 列須寫成「構面｜代號｜題型｜題目｜選項｜English」。",
            "lines",
        )
        SurveyError.require(
            kind in rules.KINDS,
            f"第 {n} 列的題型「{kind[:10]}」看不懂（likert5、likert7、single、multi、text）。",
            "lines",
        )
        choices = [c.strip() for c in options.split("、") if c.strip()]
        SurveyError.require(
            kind not in (rules.SINGLE, rules.MULTI) or len(choices) >= 2,
            f"第 {n} 列的選擇題至少要有兩個選項。",
            "lines",
        )
        parsed.append((section[:60], code[:20], kind, text[:300], choices, english[:300]))
    SurveyError.require(bool(parsed), "問卷沒有任何題目。", "lines")
    codes = [p[1] for p in parsed]
    SurveyError.require(len(set(codes)) == len(codes), "題目代號重複。", "lines")
    latest = Questionnaire.objects.filter(agency=agency, name=name.strip()).order_by("-version").first()
    questionnaire = Questionnaire.objects.create(
        agency=agency,
        name=name.strip(),
        version=(latest.version + 1) if latest else 1,
        audience=audience,
        anonymous=anonymous or audience == Audience.STAFF,
    )
    Item.objects.bulk_create(
        Item(
            questionnaire=questionnaire, position=i, section=s, code=c, kind=k, text=t, choices=ch, text_en=e
        )
        for i, (s, c, k, t, ch, e) in enumerate(parsed)
    )
    audit.record(
        by=by, action="survey.questionnaire", obj=questionnaire, agency=agency, after={"items": codes}
    )
    return questionnaire


@transaction.atomic
def open_survey(
    *,
    by: Actor,
    questionnaire: Questionnaire,
    title: str,
    year: int,
    closes_on: dt.date,
    by_invitation: bool = True,
) -> Survey:
    _require_staff(by, questionnaire.agency)
    SurveyError.require(bool(title.strip()), "請填寫調查名稱。", "title")
    SurveyError.require(closes_on >= timezone.localdate(), "截止日不能在過去。", "closes_on")
    survey = Survey.objects.create(
        questionnaire=questionnaire,
        agency=questionnaire.agency,
        title=title.strip()[:200],
        year=year,
        closes_on=closes_on,
        by_invitation=by_invitation,
    )
    audit.record(by=by, action="survey.open", obj=survey, agency=survey.agency, after={"title": survey.title})
    return survey


# --- samples and invitations --------------------------------------------------------------------

FRAME_COLUMNS = ("編號", "電子郵件", "電話", "分層")


def token_hash(token: str) -> str:
    return hashlib.sha256(f"servq-survey:{token}".encode()).hexdigest()


@transaction.atomic
def sample(
    *,
    by: Actor,
    survey: Survey,
    frame: Mapping[str, tuple[str, str, str]],
    n: int,
    seed: int | None = None,
    stratified: bool = False,
) -> list[tuple[Invitation, str]]:
    """Draw ``n`` from the frame {key: (e-mail, phone, stratum)} by simple random or stratified
    sampling from a recorded seed; one invitation (a one-time token) each. Returns them with tokens."""
    _require_staff(by, survey.agency)
    SurveyError.require(not survey.closed, "調查已結束。")
    seed = secrets.randbelow(2**31) if seed is None else seed
    try:
        if stratified:
            picked = rules.draw_stratified({k: v[2] for k, v in frame.items()}, n, seed)
        else:
            picked = {k: frame[k][2] for k in rules.draw(list(frame), n, seed)}
    except rules.BadSample as error:
        raise SurveyError(str(error), "n") from None
    made = []
    for key in sorted(picked):
        token = secrets.token_urlsafe(12)
        email, phone, stratum = frame[key]
        made.append(
            (
                Invitation(
                    survey=survey,
                    token_hash=token_hash(token),
                    stratum=stratum,
                    email=email,
                    phone=phone,
                    frame_key=key[:60],
                ),
                token,
            )
        )
    Invitation.objects.bulk_create([i for i, _ in made])
    survey.seed, survey.frame_size = seed, len(frame)
    survey.save(update_fields=["seed", "frame_size"])
    audit.record(
        by=by,
        action="survey.sample",
        obj=survey,
        agency=survey.agency,
        after={"n": n, "frame": len(frame), "seed": seed, "stratified": stratified},
    )
    return made


def frame_from_csv(data: bytes, filename: str) -> dict[str, tuple[str, str, str]]:
    """A sampling frame from CSV (UTF-8 or Big5): 編號, 電子郵件, 電話, 分層; refusals name the line."""
    table = read_table(data, filename, max_bytes=20_000_000)
    where = table.columns(("編號",))
    frame: dict[str, tuple[str, str, str]] = {}
    for line, cells in table.rows:
        key, email, phone, stratum = (_cell(cells, where, name) for name in FRAME_COLUMNS)
        SurveyError.require(
            bool(key) and len(key) <= 60, f"{filename} 第 {line} 列「編號」須為 1 到 60 字。", "file"
        )
        SurveyError.require(key not in frame, f"{filename} 第 {line} 列「編號」「{key}」重複。", "file")
        frame[key] = (email[:254], phone[:30], stratum[:60])
    SurveyError.require(bool(frame), f"{filename}：抽樣清冊是空的。", "file")
    return frame


def _cell(cells: list[str], where: dict[str, int], name: str) -> str:
    i = where.get(name)
    return cells[i].strip() if i is not None and i < len(cells) else ""


def frame_from_cases(agency: Agency, start: dt.date, end: dt.date) -> dict[str, tuple[str, str, str]]:
    """Closed cases of a period that left a contact, stratified by category (隨案問卷)."""
    cases = (
        Case.objects.filter(agency__path__startswith=agency.path, closed_at__date__range=(start, end))
        .exclude(citizen_email="", citizen_phone="")
        .select_related("category")
    )
    return {c.number: (c.citizen_email, c.citizen_phone, c.category.name) for c in cases}


@transaction.atomic
def mail_invitations(
    *, by: Actor, survey: Survey, invitations: Sequence[tuple[Invitation, str]], url_for: Any
) -> int:
    """Invitations by e-mail through the citizens' mail outbox (sent by the worker, each once)."""
    _require_staff(by, survey.agency)
    rows = [
        CitizenMail(
            to=invitation.email,
            subject=f"[{survey.agency.name}] 邀請您填寫「{survey.title}」",
            body=f"您好：\n\n{survey.agency.name}正在進行「{survey.title}」，懇請撥冗填答（約 3 分鐘）：\n{url_for(token)}\n"
            f"填答至 {format_roc_date(survey.closes_on)} 止，連結僅能使用一次。",
        )
        for invitation, token in invitations
        if invitation.email
    ]
    CitizenMail.objects.bulk_create(rows)
    return len(rows)


# --- responses ----------------------------------------------------------------------------------


def _clean_answers(survey: Survey, raw: Mapping[str, Any]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for item in survey.questionnaire.items.all():
        try:
            value = rules.check_answer(item.kind, raw.get(item.code), len(item.choices))
        except rules.BadAnswer as error:
            raise SurveyError(
                f"第 {item.position + 1} 題「{item.text[:20]}」：{error}。", item.code
            ) from None
        if value is not None:
            answers[item.code] = value
    SurveyError.require(bool(answers), "請至少回答一題。")
    return answers


@transaction.atomic
def respond(
    *,
    survey: Survey,
    answers: Mapping[str, Any],
    token: str = "",
    channel: str = Channel.WEB,
    by: Actor = None,
) -> Response:
    """A response: by invitation (the token used once), open, or entered by staff from phone or
    paper. For an anonymous survey nothing ties it to the invitation or the person."""
    fresh = locked(Survey.objects.select_related("questionnaire", "agency"), survey.pk)
    SurveyError.require(
        not fresh.closed and timezone.localdate() <= fresh.closes_on, "調查已結束，無法再填答。"
    )
    SurveyError.require(channel in Channel.values, "填答方式不正確。", "channel")
    stratum = ""
    if channel != Channel.WEB:
        _require_staff(by, fresh.agency)  # phone and paper answers are entered by the agency's staff
    if token:
        invitation = (
            Invitation.objects.select_for_update().filter(survey=fresh, token_hash=token_hash(token)).first()
        )
        SurveyError.require(invitation is not None, "邀請連結不正確。", "token")
        assert invitation is not None
        SurveyError.require(not invitation.used, "這個邀請連結已經填答過了。", "token")
        invitation.used = True
        invitation.save(update_fields=["used"])
        stratum = invitation.stratum
    else:
        SurveyError.require(
            not fresh.by_invitation or channel != Channel.WEB, "這份調查僅限受邀者填答。", "token"
        )
    response = Response.objects.create(
        survey=fresh,
        on=timezone.localdate(),
        channel=channel,
        stratum=stratum,
        answers=_clean_answers(fresh, answers),
    )
    if not fresh.questionnaire.anonymous:
        audit.record(
            by=by, action="survey.respond", obj=fresh, agency=fresh.agency, after={"channel": channel}
        )
    return response


def invite_with_case(*, case: Case) -> Invitation | None:
    """The questionnaire with each case (隨案問卷): a closed case whose citizen left an e-mail gets an
    invitation to the open case survey of its agency (or the nearest above), once per case."""
    if not case.citizen_email:
        return None
    survey = (
        Survey.objects.filter(
            questionnaire__audience=Audience.CASE,
            closed=False,
            by_invitation=True,
            closes_on__gte=timezone.localdate(),
        )
        .filter(agency__path__in=path_and_ancestors(case.agency.path))
        .select_related("agency")
        .order_by("-agency__depth", "-id")
        .first()
    )
    if survey is None or Invitation.objects.filter(survey=survey, frame_key=case.number).exists():
        return None
    token = secrets.token_urlsafe(12)
    invitation = Invitation.objects.create(
        survey=survey,
        token_hash=token_hash(token),
        stratum=case.category.name[:60],
        email=case.citizen_email,
        frame_key=case.number,
    )
    link = settings.SERVQ_SITE_URL.rstrip("/") + reverse("surveys:answer", args=[token])
    CitizenMail.objects.create(
        to=case.citizen_email,
        subject=f"[{survey.agency.name}] 案件 {case.number} 滿意度問卷",
        body=f"您好：\n\n您的案件 {case.number} 已回覆。請花一分鐘告訴我們處理得如何：\n{link}\n連結僅能使用一次。",
    )
    return invitation


@transaction.atomic
def close_survey(*, by: Actor, survey: Survey, population: Mapping[str, int] | None = None) -> Survey:
    _require_staff(by, survey.agency)
    survey.closed = True
    if population:
        SurveyError.require(
            all(int(v) > 0 for v in population.values()), "各層母體數須為正整數。", "population"
        )
        survey.population = {k: int(v) for k, v in population.items()}
    survey.save(update_fields=["closed", "population"])
    audit.record(
        by=by,
        action="survey.close",
        obj=survey,
        agency=survey.agency,
        after={"population": survey.population},
    )
    return survey


@transaction.atomic
def results_to_units(
    *, by: Actor, survey: Survey, shares: Mapping[str, float], threshold: float = 0.8
) -> int:
    """Items below the threshold go back to the agency as findings to answer (檢討改善情形), tracked by
    the inspections module's findings and reminders."""
    _require_staff(by, survey.agency)
    items = {i.code: i for i in survey.questionnaire.items.all()}
    low = [(code, share) for code, share in sorted(shares.items()) if share < threshold and code in items]
    body = survey.agency  # the agency tracks its own units' improvement
    for code, share in low:
        inspections.finding_from_module(
            by=by,
            body=body,
            agency=survey.agency,
            source="survey",
            text=f"「{survey.title}」第 {items[code].position + 1} 題「{items[code].text}」滿意比率 {share:.1%}，低於 {threshold:.0%}，請檢討改善。",
        )
    return len(low)


# --- courtesy tests ---------------------------------------------------------------------------------


@transaction.atomic
def save_sheet(
    *,
    by: Actor,
    body: Agency,
    name: str,
    kind: str,
    items: str,
    bands: str,
    pass_mark: Decimal,
    every_months: int,
) -> ScoreSheet:
    _require_staff(by, body)
    try:
        rules.parse_sheet(items, bands)
    except rules.BadSheet as error:
        raise SurveyError(str(error), "items") from None
    SurveyError.require(kind in ("phone", "counter"), "請選擇測試方式。", "kind")
    SurveyError.require(1 <= every_months <= 12, "頻率須介於每 1 到 12 個月。", "every_months")
    sheet = ScoreSheet.objects.create(
        body=body,
        name=name.strip()[:120] or "評分表",
        kind=kind,
        items=items,
        bands=bands,
        pass_mark=pass_mark,
        every_months=every_months,
    )
    audit.record(by=by, action="survey.sheet", obj=sheet, agency=body, after={"name": sheet.name})
    return sheet


def _works_at(tester: Any, agency: Agency) -> bool:
    """A tester with a role at the agency or any of its units: they never test it."""
    return any(g.path.startswith(agency.path) for g in grants_of(tester))


@transaction.atomic
def schedule_tests(
    *, by: Actor, sheet: ScoreSheet, agencies: Sequence[Agency], testers: Sequence[Any], year: int
) -> list[CourtesyTest]:
    """A test per agency every ``every_months`` months of the year, each with a tester who does not
    work at the agency tested (rotated so the load is even)."""
    _require_staff(by, sheet.body)
    tests = []
    turn = 0
    for agency in agencies:
        SurveyError.require(
            agency.path.startswith(sheet.body.path) and agency != sheet.body,
            f"{agency.name} 不在{sheet.body.name}之下。",
        )
        eligible = [t for t in testers if not _works_at(t, agency)]
        SurveyError.require(
            bool(eligible), f"{agency.name}沒有可指派的測試人員（不能測試自己的機關）。", "testers"
        )
        due = dt.date(year, 1, 15)
        while due.year == year:
            tester = eligible[turn % len(eligible)]
            turn += 1
            tests.append(CourtesyTest(sheet=sheet, agency=agency, tester=tester, due_on=due))
            due = add_months(due, sheet.every_months)
    CourtesyTest.objects.bulk_create(tests)
    audit.record(
        by=by,
        action="survey.schedule_tests",
        obj=sheet,
        agency=sheet.body,
        after={"tests": len(tests), "year": year},
    )
    return tests


def assign_tester(*, by: Actor, test: CourtesyTest, tester: Any) -> CourtesyTest:
    """Reassign a test; a tester never tests their own agency."""
    _require_staff(by, test.sheet.body)
    SurveyError.require(
        not _works_at(tester, test.agency),
        f"{tester.get_full_name() or tester.get_username()}屬於{test.agency.name}，不能測試自己的機關。",
        "tester",
    )
    with transaction.atomic():
        test.tester = tester
        test.save(update_fields=["tester"])
        audit.record(
            by=by,
            action="survey.assign_tester",
            obj=test,
            agency=test.agency,
            after={"tester": tester.get_username()},
        )
    return test


@transaction.atomic
def record_test(*, by: Actor, test: CourtesyTest, scores: Mapping[str, str], note: str = "") -> CourtesyTest:
    user = person(by)
    SurveyError.require(user is not None and test.tester_id == user.pk, "這次測試不是指派給您的。")
    items, bands = rules.parse_sheet(test.sheet.items, test.sheet.bands)
    first_time = test.on is None
    try:
        given = {code: float(v) for code, v in scores.items() if str(v).strip()}
    except ValueError:
        raise SurveyError("分數須為數字。", "scores") from None
    try:
        total = rules.courtesy_score(items, given)
    except rules.BadSheet as error:
        raise SurveyError(str(error), "scores") from None
    test.on, test.scores, test.total, test.band, test.note = (
        timezone.localdate(),
        given,
        Decimal(str(total)),
        rules.band(total, bands),
        note.strip()[:2000],
    )
    test.save()
    audit.record(
        by=by,
        action="survey.courtesy_test",
        obj=test,
        agency=test.agency,
        after={"total": total, "band": test.band},
    )
    if first_time and test.total is not None and test.total < test.sheet.pass_mark:
        # A failed test is an improvement action the tested agency answers and the body closes.
        inspections.finding_from_module(
            by=by,
            body=test.sheet.body,
            agency=test.agency,
            unit=test.unit
            if test.unit and test.unit.kind == "unit" and test.unit.parent_id == test.agency_id
            else None,
            source="courtesy",
            text=(
                f"{format_roc_date(test.on)}電話禮貌測試 {plain_number(test.total)} 分，"
                f"未達合格分數 {plain_number(test.sheet.pass_mark)} 分，請檢討改善並回復。"
            ),
        )
    return test


@transaction.atomic
def improve(*, by: Actor, test: CourtesyTest, text: str) -> CourtesyTest:
    """The tested agency's improvement after a low score."""
    SurveyError.require(
        has_perm(by, "surveys.run_surveys", test.agency), f"您不能代表{test.agency.name}回復。"
    )
    SurveyError.require(
        test.total is not None and test.total < test.sheet.pass_mark, "只有未達合格分數的測試需要改善。"
    )
    SurveyError.require(bool(text.strip()), "請寫明改善情形。", "improvement")
    test.improvement = text.strip()[:5000]
    test.save(update_fields=["improvement"])
    audit.record(
        by=by,
        action="survey.improve",
        obj=test,
        agency=test.agency,
        after={"improvement": test.improvement[:200]},
    )
    return test


# --- premises ----------------------------------------------------------------------------------------

PREMISES_ITEMS = {
    "signage": "指標及服務標示清楚",
    "bilingual": "雙語標示",
    "access": "無障礙設施（坡道、廁所、服務鈴）",
    "waiting": "等候區座位與叫號系統",
    "facilities": "飲水、哺集乳室、書寫台等設施",
    "clean": "環境整潔",
}


@transaction.atomic
def record_premises_check(
    *, by: Actor, agency: Agency, location: str, on: dt.date, results: Mapping[str, str], note: str = ""
) -> PremisesCheck:
    _require_staff(by, agency)
    SurveyError.require(bool(location.strip()), "請填寫服務據點。", "location")
    SurveyError.require(on <= timezone.localdate(), "檢查日期不能在未來。", "on")
    SurveyError.require(
        set(results) <= set(PREMISES_ITEMS) and all(v in ("ok", "fix", "na") for v in results.values()),
        "檢查結果不正確。",
    )
    checker = person(by)
    SurveyError.require(checker is not None, "請先登入。")
    assert checker is not None  # for the type checker: required just above
    check = PremisesCheck.objects.create(
        agency=agency,
        location=location.strip()[:200],
        on=on,
        by=checker,
        results=dict(results),
        note=note.strip(),
    )
    audit.record(
        by=by,
        action="survey.premises",
        obj=check,
        agency=agency,
        after={"fix": [PREMISES_ITEMS[k] for k, v in results.items() if v == "fix"]},
    )
    to_fix = [PREMISES_ITEMS[k] for k, v in results.items() if v == "fix"]
    if to_fix:
        # Items marked for fixing are tracked to closure like any finding (004: 適時更新改善).
        inspections.finding_from_module(
            by=by,
            body=agency,
            agency=agency,
            source="premises",
            text=f"{check.location}洽公環境檢查（{format_roc_date(on)}）待改善：{'、'.join(to_fix)}。請改善後回復。",
        )
    return check
