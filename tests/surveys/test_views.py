"""Survey pages: the public response page, staff entry, reports and the de-identified open data."""

from __future__ import annotations

import io

from django.urls import reverse

from servq.surveys import services
from servq.surveys.models import Response
from tests.rows import table_post

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
    # Issue 36.2: in the ODS a score is a number a spreadsheet averages, not text.
    from odf.table import TableCell, TableRow

    sheet = load(io.BytesIO(client.get(reverse("surveys:open_data", args=[survey.pk, "ods"])).content))
    first = sheet.spreadsheet.getElementsByType(TableRow)[1].getElementsByType(TableCell)
    assert first[2].getAttribute("valuetype") == "float" and first[2].getAttribute("value") == FULL["E1"]


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


# --- a questionnaire written as a table (issue 33.11: typed as 「C1｜likert5｜…」) ----------------------


QUESTION_KEYS = ("section", "code", "kind", "text", "options", "english")


def _items(*rows):
    return table_post("q", QUESTION_KEYS, *rows)


def test_a_questionnaire_is_written_with_question_types_by_name(client, agency_tree, coordinator):
    from servq.surveys.models import Questionnaire

    client.force_login(coordinator)
    page = client.get(
        reverse("surveys:questionnaire_new") + f"?agency={agency_tree['mof'].pk}"
    ).content.decode()
    assert "五點量表" in page and "likert5" not in page.replace('value="likert5"', "")
    assert 'value="整體而言，您對本機關的服務感到滿意"' in page, "the template's items, one a row"
    got = client.post(
        reverse("surveys:questionnaire_new"),
        {
            "agency": agency_tree["mof"].pk,
            "audience": "citizens",
            "name": "臨櫃滿意度",
            **_items(
                ("服務禮儀", "C1", "likert5", "服務人員態度親切有禮", "", "Staff are courteous"),
                ("", "", "", "", "", ""),
                ("基本資料", "B1", "single", "您洽公的次數", "第一次、二到五次、更多", ""),
            ),
        },
    )
    assert got.status_code == 302
    items = list(Questionnaire.objects.get().items.values_list("code", "kind", "choices"))
    assert items == [("C1", "likert5", []), ("B1", "single", ["第一次", "二到五次", "更多"])]


def test_a_refused_questionnaire_names_the_row_and_keeps_every_cell(client, agency_tree, coordinator):
    from servq.surveys.models import Questionnaire

    client.force_login(coordinator)
    got = client.post(
        reverse("surveys:questionnaire_new"),
        {
            "agency": agency_tree["mof"].pk,
            "audience": "citizens",
            "name": "臨櫃滿意度",
            **_items(
                ("服務禮儀", "C1", "likert5", "態度親切", "", ""),
                ("基本資料", "B1", "single", "<b>次數</b>", "只有一個", ""),
            ),
        },
    )
    page = got.content.decode()
    assert got.status_code == 400 and "第 2 列的選擇題至少要有兩個選項" in page
    assert 'value="態度親切"' in page and "&lt;b&gt;次數&lt;/b&gt;" in page
    assert not Questionnaire.objects.exists()


def test_adding_a_row_to_a_questionnaire_saves_nothing(client, agency_tree, coordinator):
    from servq.surveys.models import Questionnaire

    client.force_login(coordinator)
    got = client.post(
        reverse("surveys:questionnaire_new"),
        {
            "agency": agency_tree["mof"].pk,
            "name": "x",
            **_items(("a", "A", "text", "意見", "", "")),
            "q-add": "1",
        },
    )
    assert got.status_code == 200 and 'name="q-1-code"' in got.content.decode()
    assert not Questionnaire.objects.exists()


def test_a_question_is_asked_in_the_pages_language_only(client, survey, invited):
    """Issue 33.13: English translations stood beside the Chinese questions."""
    url = reverse("surveys:answer", args=[invited[0]])
    chinese = client.get(url, headers={"accept-language": "zh-TW"}).content.decode()
    assert "服務人員態度親切有禮" in chinese and "Staff are courteous" not in chinese
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "Staff are courteous" in english and "服務人員態度親切有禮" not in english


# --- the courtesy sheet and its testers (issue 33.11: items typed as lines, testers as user names) ----


def _sheet(agency, *items, testers=(), **extra):
    return {
        "agency": agency.pk,
        "name": "電話禮貌測試評分表",
        "kind": "phone",
        "pass_mark": "70",
        "every_months": "6",
        **table_post("items", ("code", "name", "points"), *items),
        **table_post("bands", ("lower", "band"), ("80", "良好"), ("0", "待改善")),
        "testers": [str(t.pk) for t in testers],
        **extra,
    }


def test_the_sheet_is_tables_and_testers_are_picked_by_name(client, agency_tree, user_with_role):
    from servq.surveys.models import CourtesyTest

    supervisor = user_with_role(agency_tree["root"], "supervisor", username="rdec", first_name="陳督導")
    tester = user_with_role(agency_tree["root"], "coordinator", username="t-0042", first_name="吳測試員")
    client.force_login(supervisor)
    url = reverse("surveys:sheet_new") + f"?agency={agency_tree['root'].pk}"
    page = client.get(url).content.decode()
    assert "吳測試員" in page and "t-0042" not in page and "｜" not in page
    assert 'value="接聽速度（響鈴 3 聲內接聽）"' in page, "servq's example sheet, one item a row"
    got = client.post(
        url, _sheet(agency_tree["root"], ("A", "接聽速度", "50"), ("B", "禮貌", "50"), testers=[tester])
    )
    assert got.status_code == 302
    assert set(CourtesyTest.objects.values_list("tester", flat=True)) == {tester.pk}


def test_a_refused_sheet_names_the_row_and_keeps_the_cells(client, agency_tree, user_with_role):
    from servq.surveys.models import ScoreSheet

    client.force_login(user_with_role(agency_tree["root"], "supervisor"))
    url = reverse("surveys:sheet_new") + f"?agency={agency_tree['root'].pk}"
    got = client.post(url, _sheet(agency_tree["root"], ("A", "接聽速度", "50"), ("B", "禮貌", "五十")))
    page = got.content.decode()
    assert got.status_code == 400 and "評分項目第 2 列須有代號、項目與配分" in page
    assert 'value="五十"' in page and not ScoreSheet.objects.exists()
