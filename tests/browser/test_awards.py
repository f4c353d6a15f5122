"""An award entry in Chromium with axe-core: the entrant survey, the entry, two stages, the prize and
the rewards the rulebook proposes."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from servq.awards import services
from servq.awards.models import Entry, Reward

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_entry_from_the_survey_through_two_stages_to_its_prize_and_rewards(
    page, live_server, login, agency_tree, user_with_role, axe_violations
):
    cache.clear()
    organizer = user_with_role(agency_tree["root"], "supervisor", username="rdec")
    user_with_role(agency_tree["mof"], "coordinator", username="mof")
    expert = user_with_role(agency_tree["root"], "reviewer", username="expert", first_name="陳委員")
    edition = services.create_edition(
        by=organizer, body=agency_tree["root"], name="115年度政府服務獎", year=2026
    )
    services.set_up(
        by=organizer,
        edition=edition,
        categories="overall｜整體服務類｜各機關",
        criteria="overall｜A｜基礎服務｜1｜10\noverall｜B｜服務遞送｜1｜10",
        stages="初審｜書面審查｜1｜zscore\n推薦｜實地訪查｜1｜mean",
    )
    services.add_reviewer(by=organizer, edition=edition, user=expert)

    login("mof")
    page.goto(f"{live_server.url}/awards/{edition.pk}/")
    page.get_by_label("參獎", exact=True).check()
    page.get_by_label("類別").select_option(label="整體服務類")
    page.get_by_role("button", name=re.compile("填報參獎意願")).click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    page.get_by_role("link", name=re.compile("報名整體服務類")).click()
    page.get_by_label("參獎主題").fill("稅務一站式服務")
    page.get_by_label("A 基礎服務").fill("臨櫃服務全面預約")
    for n, (name, title, role) in enumerate(
        [("王承辦", "科長", "主要承辦人員"), ("林部長", "部長", "首長（主管）")], 1
    ):
        page.get_by_role("textbox", name=re.compile(rf"^姓名 (列：)?{n}$")).fill(name)
        page.get_by_role("textbox", name=re.compile(rf"^職稱 (列：)?{n}$")).fill(title)
        page.get_by_role("combobox", name=re.compile(rf"^角色 (列：)?{n}$")).select_option(label=role)
    assert axe_violations(page) == []
    page.get_by_role("button", name="送出報名").click()
    page.wait_for_load_state()
    assert "已報名" in page.content()
    entry = Entry.objects.get()

    page.context.clear_cookies()
    login("rdec")
    page.goto(f"{live_server.url}/awards/rulebook/?seed=003")
    page.get_by_role("button", name="儲存為新版本").click()
    page.wait_for_load_state()
    for stage in edition.stages.order_by("position"):
        page.goto(f"{live_server.url}/awards/{edition.pk}/")
        page.get_by_label("每件委員數").first.fill("1")
        page.get_by_role("button", name=re.compile(f"分派評審.*{stage.name}")).click()
        page.wait_for_load_state()
        page.context.clear_cookies()
        login("expert")
        page.goto(f"{live_server.url}/awards/{edition.pk}/")
        page.get_by_role("link", name=re.compile(f"{stage.name}：財政部")).click()
        page.get_by_label("分數").first.fill("11")
        page.get_by_label("分數").nth(1).fill("9")
        page.get_by_role("button", name="儲存評分").click()
        page.wait_for_load_state()
        assert (
            "「A」的分數須介於 0 與 10" in page.content()
            and page.get_by_label("分數").nth(1).input_value() == "9"
        )
        page.get_by_label("分數").first.fill("9")
        assert axe_violations(page) == []
        page.get_by_role("button", name="儲存評分").click()
        page.wait_for_load_state()
        page.context.clear_cookies()
        login("rdec")
        page.goto(f"{live_server.url}/awards/{edition.pk}/")
        page.get_by_label(re.compile(f"結束「{stage.name}」")).check()
        page.get_by_role("button", name=re.compile(f"結束階段並排序.*{stage.name}")).click()
        page.wait_for_load_state()
        assert f"「{stage.name}」已結束並排序" in page.content()
    entry.refresh_from_db()
    assert entry.nominated and entry.grade == "優等"
    page.get_by_label("財政部的政府服務獎結果").select_option(label="入圍（實地訪查）未獲獎")
    page.get_by_role("button", name=re.compile("登錄結果")).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="依敘獎規定建議獎勵").click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    row = page.get_by_role("row", name=re.compile("王承辦"))
    assert "記功1次" in row.inner_text()
    assert Reward.objects.get(person="林部長").proposed == "嘉獎2次"
    # 陳委員 is an outside expert: the ministry's 初評小組 reward is for its own staff (issue 37.4).
    assert not Reward.objects.filter(person="陳委員").exists()
    entry.refresh_from_db()
    assert entry.prizes == ["獎狀1幀"]
    page.get_by_label("公布後任何人都能看到各機關的等第與獎項").check()
    page.get_by_role("button", name="公布評獎結果").click()
    page.wait_for_load_state()
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/awards/{edition.pk}/results/")
    assert "稅務一站式服務" in page.content() and "獎狀1幀" in page.content()
    assert axe_violations(page) == []
