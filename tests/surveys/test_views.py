"""Survey pages: the public response page, staff entry, reports and the de-identified open data."""

from __future__ import annotations

import io

from django.urls import reverse

from servq.surveys import services
from servq.surveys.models import Response

FULL = {
    "E1": "5",
    "E2": "4",
    "C1": "5",
    "C2": "4",
    "P1": "4",
    "P2": "5",
    "S1": "3",
    "S2": "5",
    "O1": "我是王小明 0912345678",
}


def test_the_public_page_needs_no_login_and_keeps_answers_when_one_is_refused(client, survey, invited):
    url = reverse("surveys:answer", args=[invited[0]])
    assert client.get(url).status_code == 200
    refused = client.post(url, {**FULL, "C1": "9"})
    assert refused.status_code == 400 and "須介於 1 與 5" in refused.content.decode()
    assert 'value="4" checked' in refused.content.decode(), "what was chosen stays chosen"
    assert client.post(url, FULL).status_code == 200
    assert "已經填答過了" in client.get(url).content.decode()
    assert client.get(reverse("surveys:answer", args=["nope"])).status_code == 404


def test_staff_enter_a_phone_answer(client, coordinator, survey):
    client.force_login(coordinator)
    got = client.post(reverse("surveys:enter", args=[survey.pk]), {**FULL, "channel": "phone"})
    assert got.status_code == 302 and Response.objects.get().channel == "phone"


def test_the_report_and_the_open_data_leave_out_free_text(client, coordinator, survey, invited):
    from odf.opendocument import load

    for token in invited[:3]:
        services.respond(survey=survey, answers=FULL, token=token)
    client.force_login(coordinator)
    got = client.get(reverse("surveys:report", args=[survey.pk, "odt"]))
    text = str(load(io.BytesIO(got.content)).text)
    assert "調查方法" in text and "Wilson" in text and "信度分析" in text
    assert client.get(reverse("surveys:open_data", args=[survey.pk, "csv"])).status_code == 404, (
        "only once closed"
    )
    services.close_survey(by=coordinator, survey=survey)
    client.logout()
    rows = client.get(reverse("surveys:open_data", args=[survey.pk, "csv"])).content.decode("utf-8-sig")
    assert (
        rows.splitlines()[0].startswith("月份,方式,E1") and "0912345678" not in rows and "王小明" not in rows
    )


def test_the_home_page_lists_courtesy_tests_to_run(client, agency_tree, user_with_role):
    from django.utils import timezone

    from servq.surveys import rules

    supervisor = user_with_role(agency_tree["root"], "supervisor")
    tester = user_with_role(agency_tree["moea"], "coordinator", username="tester")
    sheet = services.save_sheet(
        by=supervisor,
        body=agency_tree["root"],
        name="電話禮貌測試",
        kind="phone",
        items=rules.EXAMPLE_SHEET,
        bands=rules.EXAMPLE_BANDS,
        pass_mark=70,
        every_months=12,
    )
    services.schedule_tests(
        by=supervisor,
        sheet=sheet,
        agencies=[agency_tree["mof"]],
        testers=[tester],
        year=timezone.localdate().year,
    )
    client.force_login(tester)
    page = client.get("/").content.decode()
    assert "待執行的服務禮貌測試" in page and "財政部" in page
