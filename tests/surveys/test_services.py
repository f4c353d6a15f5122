"""Writes of surveys: questionnaires, samples, responses (and their anonymity), closing, results back
to units, courtesy tests and premises checks; each refusal stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from servq.core.models import AuditEntry
from servq.inspections.models import Finding
from servq.surveys import rules, selectors, services
from servq.surveys.models import Audience, CourtesyTest, Invitation, Questionnaire, Response
from servq.surveys.services import SurveyError

FULL = {"E1": "5", "E2": "4", "C1": "5", "C2": "4", "P1": "4", "P2": "5", "S1": "3", "S2": "5", "O1": "很好"}


def test_a_questionnaire_with_no_items_is_refused(agency_tree, coordinator):
    with pytest.raises(SurveyError, match="問卷沒有任何題目"):
        services.save_questionnaire(
            by=coordinator, agency=agency_tree["mof"], name="空白", audience=Audience.CITIZENS, lines="\n \n"
        )
    with pytest.raises(SurveyError, match="第 1 列的題型「scale」看不懂"):
        services.save_questionnaire(
            by=coordinator,
            agency=agency_tree["mof"],
            name="x",
            audience=Audience.CITIZENS,
            lines="甲｜A｜scale｜題目",
        )
    assert not Questionnaire.objects.exists()


def test_versions_and_staff_questionnaires_are_anonymous(agency_tree, coordinator, questionnaire):
    again = services.save_questionnaire(
        by=coordinator,
        agency=agency_tree["mof"],
        name=questionnaire.name,
        audience=Audience.CITIZENS,
        lines=services.TEMPLATES[Audience.CASE],
    )
    assert again.version == 2 and questionnaire.items.count() == 9
    staff = services.save_questionnaire(
        by=coordinator,
        agency=agency_tree["mof"],
        name="同仁",
        audience=Audience.STAFF,
        lines=services.TEMPLATES[Audience.STAFF],
    )
    assert staff.anonymous


def test_an_invitation_answers_once(survey, invited):
    services.respond(survey=survey, answers=FULL, token=invited[0])
    with pytest.raises(SurveyError, match="這個邀請連結已經填答過了"):
        services.respond(survey=survey, answers=FULL, token=invited[0])
    with pytest.raises(SurveyError, match="邀請連結不正確"):
        services.respond(survey=survey, answers=FULL, token="guessed")
    with pytest.raises(SurveyError, match="僅限受邀者"):
        services.respond(survey=survey, answers=FULL)
    assert Response.objects.count() == 1


def test_an_answer_outside_the_scale_names_the_item_and_stores_nothing(survey, invited):
    with pytest.raises(SurveyError, match="第 3 題「服務人員態度親切有禮」：須介於 1 與 5"):
        services.respond(survey=survey, answers={**FULL, "C1": "6"}, token=invited[0])
    assert not Response.objects.exists() and not Invitation.objects.filter(used=True).exists()


def test_a_response_after_the_survey_closed_is_refused(coordinator, survey, invited):
    services.close_survey(by=coordinator, survey=survey)
    with pytest.raises(SurveyError, match="調查已結束"):
        services.respond(survey=survey, answers=FULL, token=invited[0])


def test_a_staff_survey_keeps_no_trace_of_who_answered(agency_tree, coordinator):
    """Two colleagues invited by e-mail answer differently; nothing in the database links either
    answer to either person: no invitation on the response, no time but the day, no audit entry,
    random ids, and the invitations say only that they were used."""
    staff = services.save_questionnaire(
        by=coordinator,
        agency=agency_tree["mof"],
        name="同仁",
        audience=Audience.STAFF,
        lines=services.TEMPLATES[Audience.STAFF],
    )
    survey = services.open_survey(
        by=coordinator, questionnaire=staff, title="同仁滿意度", year=2026, closes_on=timezone.localdate()
    )
    frame = {"amy": ("amy@mof.gov.tw", "", ""), "ben": ("ben@mof.gov.tw", "", "")}
    tokens = {i.email: t for i, t in services.sample(by=coordinator, survey=survey, frame=frame, n=2, seed=1)}
    audit_before = AuditEntry.objects.count()
    services.respond(survey=survey, answers={"W1": "5", "T1": "5"}, token=tokens["amy@mof.gov.tw"])
    services.respond(survey=survey, answers={"W1": "1", "T1": "1"}, token=tokens["ben@mof.gov.tw"])
    assert AuditEntry.objects.count() == audit_before
    fields = {f.name for f in Response._meta.get_fields()}
    assert fields == {"id", "survey", "on", "channel", "stratum", "answers"}
    for response in Response.objects.all():
        assert isinstance(response.on, dt.date) and not isinstance(response.on, dt.datetime)
        assert response.stratum == ""
    assert {(i.email, i.used) for i in Invitation.objects.all()} == {
        ("amy@mof.gov.tw", True),
        ("ben@mof.gov.tw", True),
    }
    assert {f.name for f in Invitation._meta.get_fields()} - {
        "id",
        "survey",
        "token_hash",
        "stratum",
        "email",
        "phone",
        "frame_key",
        "used",
    } == set()


def test_a_sample_larger_than_the_frame_or_a_bad_frame_file_is_refused(coordinator, survey):
    with pytest.raises(SurveyError, match="樣本數 11 大於抽樣清冊的 10 筆"):
        services.sample(
            by=coordinator, survey=survey, frame={f"k{n}": ("", "", "") for n in range(10)}, n=11, seed=1
        )
    with pytest.raises(Exception, match="缺少欄位「編號」"):
        services.frame_from_csv("姓名,電話\n王,0912\n".encode(), "名冊.csv")
    with pytest.raises(SurveyError, match="第 3 列「編號」「A1」重複"):
        services.frame_from_csv("編號,電子郵件\nA1,a@x.tw\nA1,b@x.tw\n".encode(), "名冊.csv")
    big5 = "編號,電子郵件,電話,分層\nA1,a@x.tw,,北區\n".encode("cp950")
    assert services.frame_from_csv(big5, "名冊.csv") == {"A1": ("a@x.tw", "", "北區")}, (
        "office software's Big5 reads as text"
    )
    assert not Invitation.objects.exists()


def test_results_agree_with_the_rules_and_go_back_to_units_below_the_line(
    agency_tree, coordinator, survey, invited, user_with_role
):
    for n, token in enumerate(invited):
        services.respond(
            survey=survey, answers={**FULL, "S1": "2" if n < 6 else "5", "E1": str(1 + n % 5)}, token=token
        )
    found = selectors.results(survey)
    s1 = next(r for r in found.items if r.item.code == "S1")
    assert s1.share.estimate == pytest.approx(0.4)
    assert (s1.share.low, s1.share.high) == (
        pytest.approx(rules.wilson(4, 10).low),
        pytest.approx(rules.wilson(4, 10).high),
    )
    assert found.responses == 10 and found.invited == 10 and "洽公環境" in found.alphas
    services.close_survey(by=coordinator, survey=survey)
    user_with_role(agency_tree["root"], "supervisor")
    sent = services.results_to_units(
        by=coordinator, survey=survey, shares={r.item.code: r.share.estimate for r in found.items if r.share}
    )
    assert sent == 2  # S1 at 40 %, E1 at 40 %
    finding = Finding.objects.filter(source="survey").first()
    assert (
        finding.agency == agency_tree["mof"] and finding.reply_due is not None and "低於 80%" in finding.text
    )


def test_weights_from_the_population_change_the_share_and_report_the_design_effect(
    coordinator, survey, invited
):
    for token in invited:
        services.respond(survey=survey, answers=FULL, token=token)
    services.close_survey(by=coordinator, survey=survey, population={"北區": 1000, "南區": 9000})
    found = selectors.results(survey)
    assert found.weighted and found.design_effect is not None and found.design_effect >= 1


def test_courtesy_tests_every_four_months_never_by_a_tester_of_the_agency(agency_tree, user_with_role):
    supervisor = user_with_role(agency_tree["root"], "supervisor")
    outsider = user_with_role(agency_tree["moea"], "coordinator", username="moea-tester")
    own = user_with_role(agency_tree["mof"], "coordinator", username="mof-tester")
    sheet = services.save_sheet(
        by=supervisor,
        body=agency_tree["root"],
        name="電話禮貌測試",
        kind="phone",
        items=rules.EXAMPLE_SHEET,
        bands=rules.EXAMPLE_BANDS,
        pass_mark=70,
        every_months=4,
    )
    tests = services.schedule_tests(
        by=supervisor, sheet=sheet, agencies=[agency_tree["mof"]], testers=[own, outsider], year=2026
    )
    assert [t.due_on.month for t in tests] == [1, 5, 9] and {t.tester for t in tests} == {outsider}
    with pytest.raises(SurveyError, match="屬於財政部，不能測試自己的機關"):
        services.assign_tester(by=supervisor, test=tests[0], tester=own)
    done = services.record_test(
        by=outsider, test=tests[0], scores={"A": "10", "B": "12", "C": "15", "D": "20", "E": "5"}
    )
    assert done.total == 62 and done.band == "待改善"
    with pytest.raises(SurveyError, match="「A」須介於 0 與 15"):
        services.record_test(by=outsider, test=tests[1], scores={"A": "20"})
    improved = services.improve(by=own, test=done, text="已辦理電話禮儀訓練")
    assert improved.improvement and CourtesyTest.objects.get(pk=tests[1].pk).total is None


def test_a_premises_check_is_recorded(agency_tree, coordinator):
    check = services.record_premises_check(
        by=coordinator,
        agency=agency_tree["mof"],
        location="一樓服務台",
        on=timezone.localdate(),
        results={"bilingual": "fix", "access": "ok"},
    )
    assert check.results["bilingual"] == "fix"
    with pytest.raises(SurveyError, match="不能在未來"):
        services.record_premises_check(
            by=coordinator,
            agency=agency_tree["mof"],
            location="x",
            on=timezone.localdate() + dt.timedelta(days=2),
            results={},
        )


def test_measures_read_satisfaction_and_courtesy(agency_tree, survey, invited):
    from servq.core.measures import Scope, get

    for n, token in enumerate(invited[:4]):
        services.respond(survey=survey, answers={**FULL, "S2": "5" if n else "2"}, token=token)
    scope = Scope(agency_tree["root"].path, timezone.localdate() - dt.timedelta(days=1), timezone.localdate())
    assert get("surveys.satisfaction").value(scope) == 75


def test_this_year_is_compared_with_last_years_survey_of_the_questionnaire(
    coordinator, questionnaire, survey
):
    last = services.open_survey(
        by=coordinator,
        questionnaire=questionnaire,
        title="114年度",
        year=2025,
        closes_on=timezone.localdate(),
    )
    for n in range(10):
        services.respond(
            survey=last, answers={**FULL, "S2": "5" if n < 4 else "2"}, channel="phone", by=coordinator
        )
        services.respond(
            survey=survey, answers={**FULL, "S2": "5" if n < 8 else "2"}, channel="phone", by=coordinator
        )
    found = selectors.results(survey)
    expected = rules.compare_shares(8, 10, 4, 10)
    assert found.comparison == expected and found.last_year.estimate == pytest.approx(0.4)


def test_each_closed_case_gets_its_questionnaire_once(agency_tree, coordinator, user_with_role):
    from django.core.cache import cache

    from servq.cases import services as cases
    from servq.cases.models import CaseCategory, CitizenMail
    from servq.cases.services import load_default_categories

    cache.clear()
    load_default_categories(by=None, body=agency_tree["root"])
    CaseCategory.objects.filter(body=agency_tree["root"]).update(agency=agency_tree["mof"])
    per_case = services.save_questionnaire(
        by=coordinator,
        agency=agency_tree["mof"],
        name="隨案問卷",
        audience=Audience.CASE,
        lines=services.TEMPLATES[Audience.CASE],
    )
    survey = services.open_survey(
        by=coordinator,
        questionnaire=per_case,
        title="隨案滿意度",
        year=2026,
        closes_on=timezone.localdate() + dt.timedelta(days=60),
    )
    category = CaseCategory.objects.get(body=agency_tree["root"], code="petition")
    with_mail, _ = cases.submit_case(
        channel="web",
        body=agency_tree["root"],
        category=category,
        description="路燈不亮",
        email="ming@example.tw",
    )
    without, _ = cases.submit_case(
        channel="web", body=agency_tree["root"], category=category, description="公園髒亂"
    )
    for case in (with_mail, without):
        cases.reply(by=coordinator, case=case, outcome="resolved", text="已處理")
    invitation = Invitation.objects.get(survey=survey)
    assert invitation.frame_key == with_mail.number and invitation.stratum == category.name
    assert CitizenMail.objects.filter(to="ming@example.tw", subject__contains="滿意度問卷").count() == 1
    reopened = cases.reopen(by=coordinator, case=with_mail, reason="民眾表示仍未修復")
    cases.reply(by=coordinator, case=reopened, outcome="resolved", text="已更換燈具")
    assert Invitation.objects.filter(survey=survey).count() == 1, "once per case"


def test_a_failed_courtesy_test_becomes_a_finding_the_agency_answers(agency_tree, user_with_role):
    from servq.inspections.models import Finding

    supervisor = user_with_role(agency_tree["root"], "supervisor")
    tester = user_with_role(agency_tree["moea"], "coordinator", username="moea-tester")
    sheet = services.save_sheet(
        by=supervisor,
        body=agency_tree["root"],
        name="電話禮貌測試",
        kind="phone",
        items=rules.EXAMPLE_SHEET,
        bands=rules.EXAMPLE_BANDS,
        pass_mark=70,
        every_months=4,
    )
    failed, passed, _ = services.schedule_tests(
        by=supervisor, sheet=sheet, agencies=[agency_tree["mof"]], testers=[tester], year=2026
    )
    services.record_test(
        by=tester, test=failed, scores={"A": "10", "B": "12", "C": "15", "D": "20", "E": "5"}
    )
    services.record_test(
        by=tester, test=passed, scores={"A": "15", "B": "20", "C": "20", "D": "25", "E": "10"}
    )
    finding = Finding.objects.get()
    assert (finding.source, finding.agency, finding.body) == (
        "courtesy",
        agency_tree["mof"],
        agency_tree["root"],
    )
    assert "62 分" in finding.text and finding.reply_due is not None
    services.record_test(
        by=tester, test=failed, scores={"A": "10", "B": "12", "C": "15", "D": "20", "E": "5"}
    )
    assert Finding.objects.count() == 1  # correcting the scores raises no second finding


def test_premises_items_marked_for_fixing_are_tracked_to_closure(agency_tree, coordinator):
    from servq.inspections.models import Finding

    services.record_premises_check(
        by=coordinator,
        agency=agency_tree["mof"],
        location="一樓服務台",
        on=timezone.localdate(),
        results={"bilingual": "fix", "access": "fix", "clean": "ok"},
    )
    services.record_premises_check(
        by=coordinator,
        agency=agency_tree["mof"],
        location="二樓",
        on=timezone.localdate(),
        results={"clean": "ok"},
    )
    finding = Finding.objects.get()
    assert finding.source == "premises" and finding.state == "open"
    assert "一樓服務台" in finding.text and "雙語標示" in finding.text and "無障礙設施" in finding.text
