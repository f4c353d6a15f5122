"""The catalogue's pages as citizens, counter clerks, coordinators and supervisors use them."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from servq.cases import services as case_services
from servq.cases.models import Case
from servq.services import services
from servq.services.models import ApplicationCount, Service

# --- the public side -----------------------------------------------------------------------------


def test_form_languages_are_named_in_their_own_words(client, agency_tree, coordinator, data):
    """Issue 33.13: the page said 「zh-Hant、en」."""
    found = services.save_service(
        by=coordinator, agency=agency_tree["mof"], data=data(form_languages=["zh-Hant", "en", "vi"])
    )
    page = client.get(reverse("services:detail", args=[found.pk])).content.decode()
    assert "中文、English、Tiếng Việt" in page and "zh-Hant" not in page.split("<main", 1)[1]


def test_the_public_page_states_what_the_law_asks_and_carries_schema_org_data(client, service):
    page = client.get(reverse("services:detail", args=[service.pk]))
    text = page.content.decode()
    for fact in (
        "稅捐稽徵法",
        "免費",
        "3 個工作天",
        "身分證正本",
        "免附，電子查驗",
        "內政部戶役政資訊系統",
        "第 1 版",
    ):
        assert fact in text
    structured = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)[1])
    assert structured["@type"] == "GovernmentService" and structured["name"] == "納稅證明書申請"
    assert structured["provider"]["name"] == "財政部"
    # Issue 36.7: languages belong to a channel (availableLanguage), and every channel has a name.
    assert "inLanguage" not in structured
    for channel in structured["availableChannel"]:
        assert channel["name"] and channel["availableLanguage"][0]["alternateName"] == "zh-Hant"


def test_the_flowchart_is_an_svg_image_with_a_title_and_a_text_alternative(client, service):
    text = client.get(reverse("services:detail", args=[service.pk])).content.decode()
    svg = re.search(r"<svg[^>]*>(.*?)</svg>", text, re.S)
    assert 'role="img"' in svg[0] and "<title" in svg[1] and "<desc" in svg[1]
    assert svg[1].count("<rect") == 3 and svg[1].count("<line") == 2
    assert "承辦人</strong>：查調稅籍資料" in text, "the steps as an ordered list beside the drawing"


def test_script_in_a_service_is_shown_as_text(client, agency_tree, coordinator, data):
    hostile = services.save_service(
        by=coordinator, agency=agency_tree["mof"], data=data(summary="<script>alert(1)</script>")
    )
    text = client.get(reverse("services:detail", args=[hostile.pk])).content.decode()
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    structured = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)[1]
    assert json.loads(structured)["description"] == "<script>alert(1)</script>", "data intact, never markup"


def test_an_unpublished_service_is_not_found(client, agency_tree, coordinator, data):
    hidden = services.save_service(by=coordinator, agency=agency_tree["mof"], data=data(published=False))
    assert client.get(reverse("services:detail", args=[hidden.pk])).status_code == 404
    assert hidden not in client.get(reverse("services:catalogue")).context["page"].object_list


def test_the_catalogue_finds_a_service_by_a_word(client, service):
    found = client.get(reverse("services:catalogue"), {"q": "納稅"}).context["page"].object_list
    assert list(found) == [service]
    assert list(client.get(reverse("services:catalogue"), {"q": "護照"}).context["page"].object_list) == []


def test_the_application_form_downloads_as_odf_with_the_documents_to_bring(client, service):
    from odf.opendocument import load

    got = client.get(reverse("services:form", args=[service.pk, "odt"]))
    assert got["Content-Type"] == "application/vnd.oasis.opendocument.text"
    text = str(load(io.BytesIO(got.content)).text)
    assert "納稅證明書申請申請書" in text and "身分證正本" in text and "免附" in text
    assert client.get(reverse("services:form", args=[service.pk, "exe"])).status_code == 404


def test_the_application_form_as_pdf(client, service):
    from pypdf import PdfReader

    from tests.plans.exporting.test_exports import needs_font

    needs_font()
    got = client.get(reverse("services:form", args=[service.pk, "pdf"]))
    reader = PdfReader(io.BytesIO(got.content))
    assert "身分證正本" in "".join("".join(p.extract_text().split()) for p in reader.pages)
    assert reader.metadata.title == "納稅證明書申請申請書"


def test_a_citizen_applies_online_and_gets_a_number_and_password(client, service, settings):
    settings.RATELIMIT_ENABLE = False
    got = client.post(
        reverse("services:apply", args=[service.pk]),
        {"description": "申請113年度綜合所得稅納稅證明", "name": "王小明", "email": "ming@example.tw"},
    )
    assert got.status_code == 200
    case = Case.objects.get()
    assert case.category == service.category and case.channel == "web"
    assert case.number in got.content.decode()


def test_an_online_application_lists_the_documents_and_takes_them_as_files(client, service, settings):
    """Issue 33.8: an online application could not attach the required documents."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.cases.test_corrections_and_decisions import png

    settings.RATELIMIT_ENABLE = False
    url = reverse("services:apply", args=[service.pk])
    page = client.get(url).content.decode()
    assert "身分證正本" in page and "可電子查驗免附：內政部戶役政資訊系統" in page
    got = client.post(
        url,
        {"description": "申請納稅證明", "attachments": [SimpleUploadedFile("身分證.png", png())]},
    )
    assert got.status_code == 200
    assert [a.name for a in Case.objects.get().attachments.all()] == ["身分證.png"]
    refused = client.post(
        url, {"description": "申請納稅證明", "attachments": [SimpleUploadedFile("x.png", b"<svg onload=1>")]}
    )
    assert refused.status_code == 400 and "x.png" in refused.content.decode()
    assert Case.objects.count() == 1


def test_a_refused_online_application_keeps_what_was_typed(client, service, settings):
    settings.RATELIMIT_ENABLE = False
    got = client.post(reverse("services:apply", args=[service.pk]), {"description": "", "name": "王小明"})
    assert got.status_code == 400 and 'value="王小明"' in got.content.decode()
    assert not Case.objects.exists()


# --- staff --------------------------------------------------------------------------------------


def test_a_clerk_takes_an_application_for_another_agency_at_the_counter(
    client, agency_tree, user_with_role, service
):
    clerk = user_with_role(agency_tree["moea_unit"], "unit_staff")
    client.force_login(clerk)
    page = client.get(reverse("services:counter"))
    assert list(page.context["form"].fields["counter"].queryset) == [agency_tree["moea"]]
    got = client.post(
        reverse("services:counter"),
        {
            "counter": agency_tree["moea"].pk,
            "service": service.pk,
            "description": "申請納稅證明",
            "name": "王小明",
        },
    )
    assert got.status_code == 200, got.content.decode()[:500]
    case = Case.objects.get()
    assert case.agency == agency_tree["mof"] and "請將案號與查詢密碼告知民眾" in got.content.decode()


def test_another_agencys_service_is_not_found_for_its_staff(client, agency_tree, user_with_role, service):
    client.force_login(user_with_role(agency_tree["moea"], "coordinator"))
    assert client.get(reverse("services:edit", args=[service.pk])).status_code == 404
    assert service not in client.get(reverse("services:manage")).context["services"]


def test_a_coordinator_edits_a_service_into_a_new_version_and_a_bad_limit_keeps_the_form(
    client, coordinator, service
):
    client.force_login(coordinator)
    url = reverse("services:edit", args=[service.pk])
    form = client.get(url).context["form"]
    values = {k: v for k, v in form.initial.items() if v not in (None, [])}
    values.update(time_limit="儘速", unit="", channels=["counter"], form_languages=["zh-Hant"])
    refused = client.post(url, values)
    assert refused.status_code == 400 and "看不懂" in refused.content.decode()
    assert 'value="儘速"' in refused.content.decode(), "what was typed stays in the form"
    values["time_limit"] = "5個工作天"
    assert client.post(url, values).status_code == 302
    service.refresh_from_db()
    assert (service.version, service.limit_days) == (2, 5)


def test_the_catalogue_exports_csv_with_formula_cells_neutralized(client, agency_tree, coordinator, data):
    services.save_service(by=coordinator, agency=agency_tree["mof"], data=data(name="=1+1"))
    client.force_login(coordinator)
    got = client.get(reverse("services:manage"), {"format": "csv"})
    rows = got.content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("機關代碼,服務代碼,服務名稱,處理期限") and ",'=1+1," in rows[1]


def test_a_bad_catalogue_upload_says_which_row_and_changes_nothing(client, agency_tree, coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(coordinator)
    sheet = SimpleUploadedFile("目錄.csv", "機關代碼,服務代碼,服務名稱,處理期限\nmof,a,甲,儘速\n".encode())
    got = client.post(
        reverse("services:import"), {"agency": agency_tree["mof"].pk, "file": sheet}, follow=True
    )
    assert "目錄.csv：第 2 列：處理期限「儘速」看不懂" in got.content.decode()
    assert not Service.objects.exists()


# --- the board ------------------------------------------------------------------------------------


def test_the_board_reads_imported_records_in_a_fixed_number_of_queries(
    client, agency_tree, user_with_role, service, coordinator, data, django_assert_num_queries
):
    received = timezone.localdate() - dt.timedelta(days=30)
    closes = [received, received, received + dt.timedelta(days=30), received + dt.timedelta(days=30)]
    records = "服務代碼,案號,申辦方式,收件日期,結案日期\n" + "\n".join(
        f"tax-certificate,R{n},{'online' if n % 2 else 'counter'},{received},{closed}"
        for n, closed in enumerate(closes)
    )
    services.import_records(
        by=coordinator, agency=agency_tree["mof"], data=records.encode(), filename="r.csv"
    )
    client.force_login(user_with_role(agency_tree["root"], "supervisor"))
    url = reverse("services:board") + f"?year={received.year}"
    client.get(url)  # the user's grants and session, read once
    with django_assert_num_queries(12):
        row = client.get(url).context["rows"][0]
    # Closed the same day (on time) twice, 30 days later (past 3 working days) twice.
    assert (row.received, row.on_time_rate, row.online_share, row.median_days) == (4, 50, 50, 0)
    for n in range(5):  # more services on the page read no more queries
        services.save_service(by=coordinator, agency=agency_tree["mof"], data=data(code=f"more-{n}"))
    with django_assert_num_queries(12):
        assert len(client.get(url).context["rows"]) == 6


def test_the_supervisor_sees_the_on_time_rate_move_with_applications_taken_in_servq(
    client, agency_tree, user_with_role, service, coordinator
):
    client.force_login(user_with_role(agency_tree["root"], "supervisor"))
    first, _ = services.take_application(
        by=coordinator, counter=agency_tree["mof"], service=service, description="甲"
    )
    case_services.reply(by=coordinator, case=first, outcome="approved", text="已核發")
    row = client.get(reverse("services:board")).context["rows"][0]
    assert (row.received, row.on_time_rate, row.median_days) == (1, 100, 0)
    second, _ = services.take_application(
        by=coordinator, counter=agency_tree["mof"], service=service, description="乙"
    )
    Case.objects.filter(pk=second.pk).update(
        due_on=timezone.localdate() - dt.timedelta(days=1)
    )  # its limit passed
    row = client.get(reverse("services:board")).context["rows"][0]
    assert (row.received, row.overdue_open, row.on_time_rate) == (2, 1, 50)


# --- the push API --------------------------------------------------------------------------------


@pytest.fixture
def api_key(agency_tree):
    _, key = case_services.create_api_client(
        by=None,
        name="財政部稅務系統",
        body=agency_tree["root"],
        files_cases=False,
        counts_agency=agency_tree["mof"],
    )
    return key


def _entry(**changes):
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    return {
        "service": "tax-certificate",
        "month": month,
        "channel": "online",
        "received": 9,
        "closed": 8,
        "closed_on_time": 7,
        **changes,
    }


def test_a_key_for_citizens_app_cannot_write_any_agencys_counts(client, service, agency_tree):
    # The 市民 App's key is inside a public app: anyone can read it out and call with it.
    _, app_key = case_services.create_api_client(by=None, name="市民 App", body=agency_tree["root"])
    got = _push(client, app_key, {"agency": "mof", "counts": [_entry()]})
    assert got.status_code == 403 and "不能傳送申辦件數" in got.json()["error"]
    assert not ApplicationCount.objects.exists()


def test_a_counts_key_writes_only_its_own_agencys_counts(client, service, agency_tree):
    _, moea_key = case_services.create_api_client(
        by=None,
        name="經濟部系統",
        body=agency_tree["root"],
        files_cases=False,
        counts_agency=agency_tree["moea"],
    )
    got = _push(client, moea_key, {"agency": "mof", "counts": [_entry()]})
    assert got.status_code == 404 and "不是這把金鑰可傳送件數的機關" in got.json()["error"]
    assert not ApplicationCount.objects.exists()


def test_a_counts_key_cannot_file_cases(client, api_key, agency_tree):
    from servq.cases.services import load_default_categories

    load_default_categories(by=None, body=agency_tree["root"])
    got = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": api_key,
            "service_code": "petition",
            "description": "路燈不亮",
            "address_string": "中山路",
        },
    )
    assert got.status_code == 403 and "不能送案件" in got.json()[0]["description"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closed": 10, "closed_on_time": 5}, "如期結案數 ≤ 結案數 ≤ 收件數"),
        ({"closed_on_time": 9}, "如期結案數 ≤ 結案數 ≤ 收件數"),
        ({"month": "0001-01"}, "早於可填報的月份"),
        ({"month": "1999-12"}, "早於可填報的月份"),
    ],
)
def test_counts_that_cannot_be_true_are_refused_naming_the_entry(client, service, api_key, changes, message):
    got = _push(
        client, api_key, {"agency": "mof", "counts": [_entry(), _entry(channel="counter", **changes)]}
    )
    assert got.status_code == 400 and "第 2 筆" in got.json()["error"] and message in got.json()["error"]
    assert not ApplicationCount.objects.exists()


def _push(client, key, body):
    return client.post(
        reverse("services:push_counts"),
        body if isinstance(body, str | bytes) else json.dumps(body),
        content_type="application/json",
        headers={"X-Api-Key": key},
    )


def test_a_system_pushes_monthly_counts(client, service, api_key):
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    entry = {
        "service": "tax-certificate",
        "month": month,
        "channel": "online",
        "received": 9,
        "closed": 8,
        "closed_on_time": 7,
    }
    got = _push(client, api_key, {"agency": "mof", "counts": [entry]})
    assert got.status_code == 201 and got.json() == {"stored": 1}
    assert ApplicationCount.objects.get().received == 9


@pytest.mark.parametrize(
    ("key", "body", "status", "message"),
    [
        ("wrong", {"agency": "mof", "counts": []}, 403, "X-Api-Key"),
        (None, "{not json", 400, "JSON 格式錯誤"),
        (None, {"agency": "mof", "counts": [[[[1]]]]}, 400, "巢狀過深"),
        (
            None,
            {"agency": "mof", "counts": [{"service": "tax-certificate"}]},
            400,
            "counts 第 1 筆：須恰有欄位",
        ),
        (
            None,
            {
                "agency": "nowhere",
                "counts": [
                    {
                        "service": "x",
                        "month": "2025-01",
                        "channel": "online",
                        "received": 1,
                        "closed": 0,
                        "closed_on_time": 0,
                    }
                ],
            },
            404,
            "nowhere",
        ),
        (
            None,
            {
                "agency": "mof",
                "counts": [
                    {
                        "service": "tax-certificate",
                        "month": "2999-01",
                        "channel": "online",
                        "received": 1,
                        "closed": 0,
                        "closed_on_time": 0,
                    }
                ],
            },
            400,
            "未來的月份",
        ),
        (
            None,
            {
                "agency": "mof",
                "counts": [
                    {
                        "service": "tax-certificate",
                        "month": "2025-01",
                        "channel": "online",
                        "received": -1,
                        "closed": 0,
                        "closed_on_time": 0,
                    }
                ],
            },
            400,
            "整數",
        ),
    ],
    ids=["key", "malformed", "nested", "fields", "agency", "future", "negative"],
)
def test_a_bad_push_is_refused_with_a_message_and_stores_nothing(
    client, service, api_key, key, body, status, message
):
    got = _push(client, key or api_key, body)
    assert got.status_code == status and message in got.json()["error"]
    assert not ApplicationCount.objects.exists()


def test_the_flowcharts_arrowheads_point_along_their_lines(client, service):
    """orient="auto" turns the marker's +x axis along each line (downward here): a head drawn
    pointing +y came out sideways (issue 36.4). The tip must be the point furthest along +x and sit
    on the line's end (refX, refY)."""
    text = client.get(reverse("services:detail", args=[service.pk])).content.decode()
    marker = re.search(
        r'<marker[^>]*refX="([\d.]+)"[^>]*refY="([\d.]+)"[^>]*orient="auto"[^>]*>\s*<path d="([^"]+)"', text
    )
    ref = (float(marker[1]), float(marker[2]))
    points = [(float(x), float(y)) for x, y in re.findall(r"([\d.]+),([\d.]+)", marker[3])]
    tip = max(points, key=lambda p: p[0])
    assert tip == ref
    assert sum(1 for p in points if p[0] == tip[0]) == 1  # one tip, the base behind it
    lines = re.findall(r'<line x1="(\d+)" y1="(\d+)" x2="(\d+)" y2="(\d+)"[^>]*marker-end', text)
    assert lines and all(x1 == x2 and int(y2) > int(y1) for x1, y1, x2, y2 in lines)  # drawn downward
