"""Issue 33.11: forms once written as code — the rulebook, an award's set-up, a questionnaire, a
dataset's fields — are filled in as tables of inputs and choices, at 1366 and 390 px (axe clean,
no page wider than the screen)."""

from __future__ import annotations

import re

import pytest

from servq.awards import services as awards
from servq.awards.models import Rulebook
from servq.opendata.models import Dataset
from servq.surveys.models import Questionnaire
from servq.surveys.services import TEMPLATES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cell(page, role: str, column: str, row: int):
    """A table cell's input by its column and row; on a phone the row header reads 「列：1」."""
    return page.get_by_role(role, name=re.compile(rf"^{re.escape(column)} (列：)?{row}$"))


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


@pytest.mark.parametrize("width", [1366, 390])
def test_the_supervisor_writes_the_rulebook_and_the_set_up_in_words(
    page, live_server, login, agency_tree, user_with_role, axe_violations, width
):
    organizer = user_with_role(agency_tree["root"], "supervisor", username="rdec")
    edition = awards.create_edition(
        by=organizer, body=agency_tree["root"], name="116年度政府服務獎", year=2027
    )
    page.set_viewport_size({"width": width, "height": 900})
    login("rdec")
    page.goto(f"{live_server.url}/awards/rulebook/")
    page.get_by_role("link", name="經濟部").first.click()  # a seed's rulebook as rows
    page.wait_for_load_state()
    assert "national=" not in page.content()
    _fits(page)
    assert axe_violations(page) == []
    last = page.locator("fieldset.rule-row").last
    last.get_by_label("政府服務獎結果").select_option(label="獲頒政府服務獎")
    last.get_by_label("首長（主管）").check()
    last.get_by_label("獎勵").fill("記功2次")
    page.get_by_role("button", name="儲存為新版本").click()
    page.wait_for_load_state()
    assert "national=winner | 首長（主管） | 記功2次" in Rulebook.objects.get().text

    page.goto(f"{live_server.url}/awards/{edition.pk}/")
    page.get_by_role("link", name="編輯評獎架構（類別、評審構面、階段）").click()
    page.wait_for_load_state()
    cell(page, "textbox", "代碼（英數字）", 1).fill("overall")
    cell(page, "textbox", "類別", 1).fill("整體服務類")
    cell(page, "textbox", "所屬類別代碼", 1).fill("overall")
    cell(page, "textbox", "代號", 1).fill("A")
    cell(page, "textbox", "構面", 1).fill("基礎服務")
    cell(page, "textbox", "階段", 1).fill("初審")
    cell(page, "combobox", "方式", 1).select_option(label="書面審查")
    cell(page, "combobox", "計分方式", 1).select_option(label="平均數")
    _fits(page)
    assert axe_violations(page) == []
    page.get_by_role("button", name="儲存評獎架構").click()
    page.wait_for_load_state()
    assert edition.stages.get().method == "mean" and "基礎服務" in page.content()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_coordinator_writes_a_questionnaire_and_a_datasets_fields_as_tables(
    page, live_server, login, agency_tree, user_with_role, axe_violations, width
):
    user_with_role(agency_tree["mof"], "coordinator", username="lin")
    page.set_viewport_size({"width": width, "height": 900})
    login("lin")
    page.goto(f"{live_server.url}/surveys/questionnaires/new/?agency={agency_tree['mof'].pk}")
    assert "likert5" not in page.locator("main").inner_text()
    page.get_by_label("問卷名稱").fill("臨櫃滿意度")
    _fits(page)
    assert axe_violations(page) == []
    page.get_by_role("button", name="儲存問卷").click()
    page.wait_for_load_state()
    template = [line for line in TEMPLATES["citizens"].splitlines() if line.strip()]
    assert Questionnaire.objects.get().items.count() == len(template)

    page.goto(f"{live_server.url}/opendata/manage/?agency={agency_tree['mof'].pk}")
    page.get_by_label("資料集名稱").fill("各區人口數")
    page.get_by_label("資料集描述").fill("各行政區月底人口")
    cell(page, "textbox", "欄位名稱", 1).fill("區別")
    cell(page, "combobox", "型別", 1).select_option(label="文字")
    page.get_by_role("button", name="增加一列").click()
    page.wait_for_load_state()
    cell(page, "textbox", "欄位名稱", 2).fill("人口數")
    cell(page, "combobox", "型別", 2).select_option(label="整數")
    _fits(page)
    assert axe_violations(page) == []
    page.get_by_role("button", name="新增", exact=True).click()
    page.wait_for_load_state()
    assert [f["type"] for f in Dataset.objects.get().fields] == ["text", "integer"]
