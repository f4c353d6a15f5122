"""Surveys in Chromium with axe-core: a citizen answers by invitation, a colleague answers the staff
survey anonymously, a tester runs a courtesy test."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from servq.surveys import rules, services
from servq.surveys.models import Audience, CourtesyTest, Response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_a_citizen_answers_by_invitation(
    page, live_server, agency_tree, user_with_role, axe_violations, width
):
    cache.clear()
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    q = services.save_questionnaire(
        by=coordinator,
        agency=agency_tree["mof"],
        name="洽公民眾滿意度",
        audience=Audience.CITIZENS,
        lines=services.TEMPLATES[Audience.CITIZENS],
    )
    survey = services.open_survey(
        by=coordinator,
        questionnaire=q,
        title="115年度洽公民眾滿意度調查",
        year=2026,
        closes_on=timezone.localdate() + dt.timedelta(days=9),
    )
    [(_, token)] = services.sample(
        by=coordinator, survey=survey, frame={"A": ("a@x.tw", "", "")}, n=1, seed=1
    )
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/surveys/r/{token}/")
    assert axe_violations(page) == []
    for item in q.items.filter(kind="likert5"):
        page.get_by_role("group", name=item.text).get_by_label("4").check()
    page.get_by_label("其他建議").fill("櫃檯可以多一個")
    page.get_by_role("button", name="送出").click()
    page.wait_for_load_state()
    assert "感謝您的填答" in page.content()
    assert axe_violations(page) == []
    assert Response.objects.get().answers["S2"] == 4
    assert page.evaluate("document.body.scrollWidth") <= width


def test_a_colleague_answers_the_staff_survey_anonymously(
    page, live_server, agency_tree, user_with_role, axe_violations
):
    cache.clear()
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    q = services.save_questionnaire(
        by=coordinator,
        agency=agency_tree["mof"],
        name="同仁滿意度",
        audience=Audience.STAFF,
        lines=services.TEMPLATES[Audience.STAFF],
    )
    survey = services.open_survey(
        by=coordinator,
        questionnaire=q,
        title="115年度同仁滿意度調查",
        year=2026,
        closes_on=timezone.localdate(),
    )
    [(_, token)] = services.sample(
        by=coordinator, survey=survey, frame={"E1": ("amy@mof.gov.tw", "", "")}, n=1, seed=1
    )
    page.goto(f"{live_server.url}/surveys/r/{token}/")
    assert "本問卷匿名" in page.content()
    page.get_by_role("group", name="整體而言，我對在本機關工作感到滿意").get_by_label("5").check()
    page.get_by_role("button", name="送出").click()
    page.wait_for_load_state()
    response = Response.objects.get()
    assert response.answers == {"T1": 5} and response.stratum == ""
    assert axe_violations(page) == []


def test_a_tester_runs_a_courtesy_test(page, live_server, login, agency_tree, user_with_role, axe_violations):
    cache.clear()
    supervisor = user_with_role(agency_tree["root"], "supervisor")
    tester = user_with_role(agency_tree["moea"], "coordinator", username="tester")
    sheet = services.save_sheet(
        by=supervisor,
        body=agency_tree["root"],
        name="電話禮貌測試評分表",
        kind="phone",
        items=rules.EXAMPLE_SHEET,
        bands=rules.EXAMPLE_BANDS,
        pass_mark=70,
        every_months=4,
    )
    [first, *_] = services.schedule_tests(
        by=supervisor, sheet=sheet, agencies=[agency_tree["mof"]], testers=[tester], year=2026
    )
    login("tester")
    page.goto(f"{live_server.url}/surveys/")
    page.get_by_role("link", name=re.compile("115年1月15日")).click()
    assert axe_violations(page) == []
    page.get_by_label("A 接聽速度（響鈴 3 聲內接聽）").fill("20")
    page.get_by_role("button", name="儲存測試結果").click()
    page.wait_for_load_state()
    assert "「A」須介於 0 與 15" in page.content()
    for code, value in {"A": "15", "B": "18", "C": "22", "D": "25", "E": "9"}.items():
        page.locator(f"#s-{code}").fill(value)
    page.get_by_role("button", name="儲存測試結果").click()
    page.wait_for_load_state()
    assert "89.0（良好）" in page.content()
    assert CourtesyTest.objects.get(pk=first.pk).band == "良好"
