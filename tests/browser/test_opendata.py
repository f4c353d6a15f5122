"""Open data in Chromium with axe-core, at 1366 and 390 px: a unit's staff describe a dataset and
upload its Big5 CSV, a flagged name column is de-identified, the coordinator approves and publishes
it after ticking the confirmation; a citizen finds it in the catalogue and an answer in the FAQ."""

from __future__ import annotations

import re

import pytest

from servq.faq import services as faq
from servq.opendata.models import Dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = "區別,承辦人姓名,人口數\n鹽埕區,王大明,22156\n鼓山區,李小華,141203\n".encode("cp950")


@pytest.mark.parametrize("width", [1366, 390])
def test_a_dataset_is_published_through_approval_and_a_citizen_finds_it(
    page, live_server, login, agency_tree, user_with_role, axe_violations, width, tmp_path
):
    user_with_role(agency_tree["mof_unit"], "unit_staff", username="staff")
    coordinator = user_with_role(agency_tree["mof"], "coordinator", username="coord")
    faq.save_entry(
        by=coordinator,
        agency=agency_tree["mof"],
        question="人口統計多久更新一次？",
        answer="每月更新，於開放資料下載。",
        published=True,
    )
    page.set_viewport_size({"width": width, "height": 900})
    login("staff")
    page.goto(f"{live_server.url}/opendata/manage/")
    assert axe_violations(page) == []
    page.get_by_label("資料集名稱").fill("各區人口數")
    page.get_by_role("button", name="新增").click()
    page.wait_for_load_state()
    assert "請填寫資料集描述" in page.content()
    assert page.get_by_label("資料集名稱").input_value() == "各區人口數", "typed text kept after a refusal"
    page.get_by_label("資料集描述").fill("各行政區每月底的人口數。")
    page.get_by_label("資料提供單位").select_option(label="秘書處")
    page.get_by_label("更新頻率").select_option(label="每月")
    page.get_by_role("button", name="新增").click()
    page.wait_for_load_state()

    upload = tmp_path / "人口.csv"
    upload.write_bytes(CSV)
    page.get_by_label("名稱", exact=True).fill("人口數（113年10月）")
    page.get_by_label("上傳檔案").set_input_files(str(upload))
    page.get_by_role("button", name="加入", exact=True).click()
    page.wait_for_load_state()
    assert "編碼 Big5，2 筆、3 欄" in page.content()
    assert "「承辦人姓名」欄看來含有個人資料" in page.content()
    assert axe_violations(page) == []
    page.get_by_role("button", name=re.compile("^去識別化")).click()  # not ticked: the browser stops it
    assert "「承辦人姓名」欄看來含有個人資料" in page.content()
    page.get_by_label(re.compile("「承辦人姓名」欄的每一筆值會被改寫")).check()  # says it cannot be undone
    page.get_by_role("button", name=re.compile("^去識別化")).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="送審").click()
    page.wait_for_load_state()
    assert Dataset.objects.get().state == "in_review"

    page.context.clear_cookies()
    login("coord")
    page.goto(f"{live_server.url}/opendata/manage/{Dataset.objects.get().pk}/")
    page.get_by_label(re.compile("^核准後資料集即可上架公開")).check()
    page.get_by_role("button", name="核准").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="上架", exact=True).click()  # not ticked: the browser stops it
    assert Dataset.objects.get().state == "approved"
    page.get_by_label("上架後任何人都能下載，並由 API 與 DCAT 目錄提供").check()
    page.get_by_role("button", name="上架", exact=True).click()
    page.wait_for_load_state()
    assert Dataset.objects.get().state == "published"
    assert axe_violations(page) == []

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/opendata/")
    page.get_by_label("搜尋資料集").fill("人口")
    page.get_by_role("button", name="搜尋", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="各區人口數").click()
    page.wait_for_load_state()
    assert "每月" in page.content() and "原始 Big5 檔" not in page.content(), (
        "the de-identified file's Big5 original, which held the names, is gone"
    )
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto(f"{live_server.url}/faq/")
    page.get_by_label("搜尋常見問題").fill("人口")
    page.get_by_role("button", name="搜尋", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="人口統計多久更新一次？").is_visible()
