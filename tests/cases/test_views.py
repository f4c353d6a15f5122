from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from servq.cases import services
from servq.cases.models import Case
from servq.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def form_data(categories, **extra):
    return {
        "category": categories["repair"].pk,
        "description": "路燈不亮",
        "address": "臺北市中正區",
        **extra,
    }


def test_a_citizen_files_a_case_and_sees_number_and_password(client, categories):
    response = client.post(reverse("cases:new"), form_data(categories, email="ming@example.tw"))
    case = Case.objects.get()
    page = response.content.decode()
    assert response.status_code == 200 and case.number in page and "查詢密碼" in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_honeypot_and_the_rate_limit_stop_bots(client, categories):
    assert client.post(reverse("cases:new"), form_data(categories, website="http://spam")).status_code == 400
    assert not Case.objects.exists()
    statuses = [client.post(reverse("cases:new"), form_data(categories)).status_code for _ in range(5)]
    assert statuses == [200] * 4 + [429]  # five posts in ten minutes per address, the bot's included
    assert Case.objects.count() == 4


def test_script_in_the_text_is_refused_naming_the_field(client, categories):
    response = client.post(
        reverse("cases:new"), form_data(categories, description="<script>alert(1)</script>")
    )
    assert response.status_code == 400 and "純文字" in response.content.decode()
    assert not Case.objects.exists()


def test_tracking_shows_the_public_timeline_without_personal_data(client, file_case, handler):
    case, token = file_case(name="王小明", email="ming@example.tw", phone="0912345678")
    services.reply(by=handler, case=case, outcome="resolved", text="已修復")
    page = client.post(reverse("cases:track"), {"number": case.number, "password": token}).content.decode()
    assert "已回覆結案" in page and "已修復" in page
    for secret in ("王小明", "ming@example.tw", "0912345678"):
        assert secret not in page


def test_wrong_passwords_are_refused_then_rate_limited(client, file_case):
    case, token = file_case()
    statuses = [
        client.post(reverse("cases:track"), {"number": case.number, "password": "WRONG234"}).status_code
        for _ in range(5)
    ]
    assert statuses == [400] * 5
    assert client.post(reverse("cases:track"), {"number": case.number, "password": token}).status_code == 429


def test_staff_of_another_agency_get_404_and_personal_data_reads_are_logged(
    client, file_case, handler, agency_tree, user_with_role
):
    case, _ = file_case(name="王小明")
    client.force_login(user_with_role(agency_tree["moea"], "coordinator"))
    assert client.get(reverse("cases:detail", args=[case.number])).status_code == 404
    client.force_login(handler)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "王小明" not in page
    page = client.get(reverse("cases:detail", args=[case.number]), {"personal": "1"}).content.decode()
    assert "王小明" in page
    assert AuditEntry.objects.filter(action="case.read_personal_data").count() == 1


def test_staff_act_on_a_case_through_the_page(client, file_case, handler, agency_tree):
    case, _ = file_case()
    client.force_login(handler)
    client.post(reverse("cases:action", args=[case.number, "assign"]), {"unit": agency_tree["mof_unit"].pk})
    unconfirmed = client.post(
        reverse("cases:action", args=[case.number, "reply"]),
        {"outcome": "resolved", "note": "已處理"},
        follow=True,
    )
    case.refresh_from_db()
    assert case.state == "assigned" and "回覆結案前請勾選確認" in unconfirmed.content.decode()
    client.post(
        reverse("cases:action", args=[case.number, "reply"]),
        {"outcome": "resolved", "note": "已處理", "confirm": "yes"},
    )
    case.refresh_from_db()
    assert case.state == "closed" and case.unit == agency_tree["mof_unit"]
    response = client.post(
        reverse("cases:action", args=[case.number, "reply"]),
        {"outcome": "resolved", "note": "x", "confirm": "yes"},
        follow=True,
    )
    assert "不能" in response.content.decode()


def test_operator_intake_records_the_channel(client, categories, handler):
    client.force_login(handler)
    response = client.post(reverse("cases:intake"), {**form_data(categories), "channel": "1999"})
    assert response.status_code == 200
    assert Case.objects.get().channel == "1999"


def test_open_data_is_de_identified_and_safe_in_spreadsheets(client, file_case):
    file_case(
        text='=HYPERLINK("http://evil") 我是王小明，電話0912-345-678，身分證A123456789',
        name="王小明",
        email="ming@example.tw",
        address="臺北市中正區重慶南路一段122號5樓",
    )
    from django.utils import timezone

    month = timezone.localdate().strftime("%Y-%m")
    csv_text = b"".join(
        client.get(reverse("cases:open_data", args=["csv"]), {"month": month}).streaming_content
    ).decode("utf-8-sig")
    rows = json.loads(
        b"".join(client.get(reverse("cases:open_data", args=["json"]), {"month": month}).streaming_content)
    )
    for secret in ("王小明", "0912-345-678", "A123456789", "ming@example.tw", "122號"):
        assert secret not in csv_text and secret not in json.dumps(rows, ensure_ascii=False)
    assert rows[0]["area"] == "臺北市中正區重慶南路一段"
    assert "'=HYPERLINK" in csv_text  # a formula is written as text
    assert client.get(reverse("cases:open_data", args=["csv"]), {"month": "2026-13"}).status_code == 400


def test_analytics_from_the_roll_ups(client, file_case, handler, agency_tree):
    case, _ = file_case()
    services.reply(by=handler, case=case, outcome="resolved", text="ok")
    file_case("inquiry")
    client.force_login(handler)
    page = client.get(reverse("cases:analytics")).content.decode()
    assert "財政部" in page and "100.0" in page
    # Issue 14.17: the months as charts, each beside its table.
    assert "每月收件數" in page and "每月如期結案率（%）" in page and "各類別每月收件數" in page
    from django.utils import timezone

    from servq.core.rules import short_roc_month

    month = short_roc_month(timezone.localdate())
    assert f"<title>{month} 陳情：1</title>" in page and f"<title>{month} 諮詢：1</title>" in page


def test_analytics_count_cases_by_district_and_map_the_placed_ones(client, file_case, handler, settings):
    file_case(
        "repair", text="路燈不亮", address="臺北市中正區重慶南路一段122號", lat="25.046254", long="121.517532"
    )
    file_case("repair", text="坑洞", address="台北市中正區忠孝西路")
    file_case("inquiry", text="請問", address="高雄市三民區建工路")
    client.force_login(handler)
    page = client.get(reverse("cases:analytics")).content.decode()
    assert (
        "各行政區收件數" in page and "<title>中正區：2</title>" in page and "<title>三民區：1</title>" in page
    )
    assert "cases-map" not in page  # no tile server, no map
    settings.SERVQ_MAP_TILES = "https://tile.example.org/{z}/{x}/{y}.png"
    page = client.get(reverse("cases:analytics")).content.decode()
    assert 'id="cases-map"' in page and '"lat": 25.045' in page  # snapped to the public grid


def test_the_queue_orders_by_time_left(client, file_case, handler):
    later, _ = file_case("report")  # 30 calendar days
    sooner, _ = file_case("inquiry")  # 3 working days
    client.force_login(handler)
    page = client.get(reverse("cases:queue")).content.decode()
    assert page.index(sooner.number) < page.index(later.number)


def test_the_queue_and_the_case_show_what_it_is_about_and_actions_say_what_they_did(
    client, file_case, handler, agency_tree
):
    """Cases were told apart by number only, and every action said 「已更新案件」."""
    from django.urls import reverse

    case, _ = file_case("repair", "中山路二段的路燈壞了好幾天\n晚上很暗很危險")
    client.force_login(handler)
    queue = client.get(reverse("cases:queue")).content.decode()
    assert "中山路二段的路燈壞了好幾天" in queue and "晚上很暗" not in queue
    assert (
        "中山路二段的路燈壞了好幾天"
        in client.get(reverse("cases:detail", args=[case.number])).content.decode()
    )
    response = client.post(
        reverse("cases:action", args=[case.number, "assign"]),
        {"unit": agency_tree["mof_unit"].pk},
        follow=True,
    )
    assert "已分派給秘書處。" in response.content.decode()


def test_after_transferring_out_of_reach_the_handler_lands_on_their_queue(
    client, file_case, handler, agency_tree
):
    from django.urls import reverse

    case, _ = file_case()
    client.force_login(handler)
    response = client.post(
        reverse("cases:action", args=[case.number, "transfer"]),
        {"agency": agency_tree["moea"].pk, "note": "屬經濟部業務", "confirm": "yes"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("cases:queue")
    assert "已移文至經濟部。" in client.get(reverse("cases:queue")).content.decode()


def test_the_open_data_csv_reads_in_chinese_with_roc_dates_and_the_json_keeps_codes(client, file_case):
    """Issue 14.18: a spreadsheet user reads 網路表單 and 115年…, not 'web' and an ISO date alone."""
    from django.utils import timezone

    from servq.core.rules import format_roc_date

    file_case(text="路燈不亮")
    today = timezone.localdate()
    month = today.strftime("%Y-%m")
    csv_text = b"".join(
        client.get(reverse("cases:open_data", args=["csv"]), {"month": month}).streaming_content
    ).decode("utf-8-sig")
    header, first = csv_text.splitlines()[:2]
    assert header.startswith("案號,類別,管道,承辦機關,收件日期,收件日期（西元）")
    assert "網路表單" in first and format_roc_date(today) in first and today.isoformat() in first
    rows = json.loads(
        b"".join(client.get(reverse("cases:open_data", args=["json"]), {"month": month}).streaming_content)
    )
    assert rows[0]["channel"] == "web" and rows[0]["channel_label"] == "網路表單"


# --- issue 14.13: the citizen's side ---------------------------------------------------------------


def test_the_form_tells_the_citizen_what_their_data_is_for_and_takes_a_reply_method(client, body):
    page = client.get(reverse("cases:new")).content.decode()
    assert "個人資料蒐集告知" in page and "個人資料保護法第 8 條" in page and "回覆方式" in page
    refused = client.post(
        reverse("cases:new"),
        {
            "category": body.case_categories.get(code="petition").pk,
            "description": "路燈不亮",
            "reply_by": "email",
        },
    )
    assert refused.status_code == 400 and "選擇以電子郵件回覆，請留下電子郵件" in refused.content.decode()


def test_the_received_page_offers_print_and_a_copy_by_mail_a_few_times(client, body):
    from servq.cases.models import Case, CitizenMail

    response = client.post(
        reverse("cases:new"),
        {
            "category": body.case_categories.get(code="repair").pk,
            "description": "路燈不亮",
            "phone": "0912345678",
        },
    )
    page = response.content.decode()
    case = Case.objects.get()
    token = response.context["token"]
    assert "列印本頁" in page and "data-print" in page and case.reply_by == "phone"
    for _ in range(3):
        client.post(
            reverse("cases:mail_copy"), {"number": case.number, "token": token, "email": "me@example.tw"}
        )
    (copy, *_) = CitizenMail.objects.filter(to="me@example.tw")
    assert token in copy.body and CitizenMail.objects.filter(to="me@example.tw").count() == 3
    fourth = client.post(
        reverse("cases:mail_copy"), {"number": case.number, "token": token, "email": "me@example.tw"}
    )
    assert "已寄出 3 次" in fourth.content.decode()
    wrong = client.post(
        reverse("cases:mail_copy"), {"number": case.number, "token": "WRONG123", "email": "x@example.tw"}
    )
    assert (
        "案號或查詢密碼不正確" in wrong.content.decode()
        and not CitizenMail.objects.filter(to="x@example.tw").exists()
    )


def test_the_query_page_shows_what_the_citizen_wrote_and_the_reply_once(client, file_case, handler):
    case, token = file_case("inquiry", text="請問戶籍謄本怎麼申請？")
    services.reply(by=handler, case=case, outcome="explained", text="可臨櫃或線上申請，攜帶身分證。")
    page = client.post(reverse("cases:track"), {"number": case.number, "password": token}).content.decode()
    assert "您反映的內容" in page and "請問戶籍謄本怎麼申請？" in page
    assert page.count("可臨櫃或線上申請") == 1 and "已回覆（內容見下方）" in page


def jpeg_with_location() -> bytes:
    """A phone's photo: EXIF with the maker, the orientation and where it was taken (GPS)."""
    import io

    from PIL import Image

    image = Image.new("RGB", (40, 20), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = 6  # rotated: the cleaned copy must be turned upright
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (25.0, 2.0, 30.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_photos_location_and_metadata_are_removed_before_it_is_kept(client, body, handler):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from servq.cases.models import CaseAttachment

    photo = jpeg_with_location()
    assert b"PhoneMaker" in photo
    client.post(
        reverse("cases:new"),
        {
            "category": body.case_categories.get(code="repair").pk,
            "description": "路燈不亮",
            "attachments": [SimpleUploadedFile("路燈.jpg", photo, content_type="image/jpeg")],
        },
    )
    (kept,) = CaseAttachment.objects.all()
    data = kept.file.open("rb").read()
    assert b"PhoneMaker" not in data and b"Exif" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert dict(image.getexif()) == {} and image.size == (20, 40)  # upright, by its orientation
    client.force_login(handler)
    download = client.get(reverse("cases:attachment", args=[kept.case.number, kept.pk]))
    assert (
        download["Content-Disposition"].startswith("attachment")
        and "sandbox" in download["Content-Security-Policy"]
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.jpg", b"<html><script>alert(1)</script></html>", "只接受 JPEG、PNG 照片或 PDF"),
        ("photo.exe", b"\xff\xd8\xff\xe0 not really", "只接受 JPEG、PNG 照片或 PDF"),
        ("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50, "無法讀取這張圖片"),
        ("big.pdf", b"%PDF-" + b"x" * (5 * 1024 * 1024), "超過上限"),
    ],
)
def test_a_bad_attachment_is_refused_by_name_and_nothing_is_filed(client, body, name, data, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from servq.cases.models import Case, CaseAttachment

    response = client.post(
        reverse("cases:new"),
        {
            "category": body.case_categories.get(code="repair").pk,
            "description": "路燈不亮",
            "attachments": [SimpleUploadedFile(name, data)],
        },
    )
    page = response.content.decode()
    assert response.status_code == 400 and name in page and message in page
    assert not Case.objects.exists() and not CaseAttachment.objects.exists()


def test_more_attachments_than_allowed_are_refused(client, body):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from servq.cases.models import Case

    files = [SimpleUploadedFile(f"{n}.pdf", b"%PDF-1.4") for n in range(4)]
    response = client.post(
        reverse("cases:new"),
        {
            "category": body.case_categories.get(code="repair").pk,
            "description": "路燈不亮",
            "attachments": files,
        },
    )
    assert "最多附加 3 個檔案，您選了 4 個" in response.content.decode() and not Case.objects.exists()


def test_without_a_tile_server_the_form_has_no_map_and_takes_an_address(client, body):
    page = client.get(reverse("cases:new")).content.decode()
    assert "case-map" not in page and "leaflet" not in page and 'name="address"' in page


def test_with_a_tile_server_the_form_has_a_map_whose_place_is_kept(client, body, settings):
    from servq.cases.models import Case

    settings.SERVQ_MAP_TILES = "https://tile.example.org/{z}/{x}/{y}.png"
    page = client.get(reverse("cases:new")).content.decode()
    assert 'id="case-map"' in page and "leaflet-1.9.4/leaflet.js" in page and 'name="lat"' in page
    client.post(
        reverse("cases:new"),
        {
            "category": body.case_categories.get(code="repair").pk,
            "description": "路燈不亮",
            "lat": "25.046254",
            "long": "121.517532",
        },
    )
    case = Case.objects.get()
    assert (str(case.lat), str(case.long)) == ("25.046254", "121.517532")
    refused = client.post(
        reverse("cases:new"),
        {
            "category": body.case_categories.get(code="repair").pk,
            "description": "路燈",
            "lat": "95",
            "long": "0",
        },
    )
    assert refused.status_code == 400 and Case.objects.count() == 1


def test_a_photo_chosen_with_a_mistake_elsewhere_is_held_until_the_form_is_sent(client, body):
    """Issue 33.3: the form kept the text after a validation error but dropped the photo."""
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile

    from servq.cases.models import Case, CaseAttachment

    photo = jpeg_with_location()
    refused = client.post(
        reverse("cases:new"),
        {
            "category": body.case_categories.get(code="repair").pk,
            "description": "",  # forgotten: the form comes back
            "attachments": [SimpleUploadedFile("路燈.jpg", photo, content_type="image/jpeg")],
        },
    )
    page = refused.content.decode()
    assert refused.status_code == 400 and "已保留您選的附件：路燈.jpg" in page
    assert "data-error-summary" in page and 'href="#id_description"' in page  # the summary, first
    held = re.search(r'name="held" value="([^"]+)"', page).group(1)
    sent = client.post(
        reverse("cases:new"),
        {"category": body.case_categories.get(code="repair").pk, "description": "路燈不亮", "held": held},
    )
    assert sent.status_code == 200 and Case.objects.count() == 1
    (kept,) = CaseAttachment.objects.all()
    assert kept.case == Case.objects.get() and kept.name == "路燈.jpg"


def test_a_held_token_that_is_not_ours_attaches_nothing(client, body):
    from servq.cases.models import Case, CaseAttachment

    client.post(
        reverse("cases:new"),
        {"category": body.case_categories.get(code="repair").pk, "description": "路燈不亮", "held": "guess"},
    )
    assert Case.objects.count() == 1 and not CaseAttachment.objects.exists()


def test_the_hidden_coordinates_leave_no_empty_row_in_the_form(client, categories):
    """Issue 33.9: the hidden lat/long fields sat in empty field rows, a blank gap in the form."""
    import re

    page = client.get(reverse("cases:new")).content.decode()
    assert 'type="hidden" name="lat"' in page
    empty_rows = re.findall(r'<p class="field">\s*<input type="hidden"[^>]*>\s*</p>', page)
    assert empty_rows == []
