"""Authoring and review in the browser's terms: requests, fields' messages, nothing changed on refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from servq.plans import services
from servq.plans.models import PlanItem
from tests.factories import PlanFactory, PlanItemFactory, open_cycle

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
# session, user, plan, grants, nodes, items, units, indicators, comments, history, later versions,
# the programs a plan outside a cycle may be refiled under, the unread notices in the header, the
# consultations on the draft and its public comment period (issue 37.14)
EDIT_PAGE_QUERIES = 15


@pytest.fixture
def draft(agency_tree):
    return PlanFactory(agency=agency_tree["mof"], status="draft", first_year=2026, last_year=2026)


@pytest.fixture
def coordinator(agency_tree, user_with_role):
    return user_with_role(agency_tree["mof"], "coordinator", username="lin")


def item_post(**overrides):
    data = {
        "new-text": "建置常見問題集",
        "new-deadline_raw": "每季",
        "new-units": "秘書處、資訊處",
        "new-actions": "",
        "new-expected_benefit": "減少重複詢問",
        "new-node": "",
    }
    data.update({f"new-{k}": v for k, v in overrides.items()})
    return data


def test_coordinator_adds_an_item_inline(client, draft, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("plans:add_item", args=[draft.pk]), item_post(), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "建置常見問題集" in html and "<html" not in html  # a fragment for htmx, not a page
    item = draft.items.get()
    assert item.deadline_raw == "每季"
    assert [u.name for u in item.units.all()] == ["秘書處", "資訊處"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("text", "<script>alert(1)</script>", "HTML"),
        ("deadline_raw", "等長官決定", "看不懂"),
        ("text", "", "必須"),
        ("units", "<img src=x onerror=alert(1)>", "HTML"),
    ],
)
def test_bad_item_input_gets_a_message_at_the_field_and_changes_nothing(
    client, draft, coordinator, field, value, message
):
    client.force_login(coordinator)
    response = client.post(reverse("plans:add_item", args=[draft.pk]), item_post(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode(), "the refusal is said in Chinese, naming the file"
    assert draft.items.count() == 0


def test_indicator_target_must_be_a_number(client, draft, coordinator):
    client.force_login(coordinator)
    data = {"ind-name": "滿意度", "ind-unit": "%", "ind-direction": "higher", "ind-target_2026": "九十"}
    response = client.post(reverse("plans:add_indicator", args=[draft.pk]), data)
    assert response.status_code == 400
    assert "目標值必須是數字" in response.content.decode()
    assert draft.indicators.count() == 0
    data["ind-target_2026"] = "1,200"
    assert client.post(reverse("plans:add_indicator", args=[draft.pk]), data).status_code == 302
    assert draft.indicators.get().targets.get().value == 1200


def test_second_editor_sees_the_first_editors_change_and_keeps_their_input(
    client, draft, coordinator, agency_tree, user_with_role
):
    item = services.add_item(by=coordinator, plan=draft, text="原文", deadline_raw="經常辦理")
    seen = item.lock_version
    colleague = user_with_role(agency_tree["mof"], "coordinator", username="chen")
    services.update_item(
        by=colleague, item=item, expected_lock=item.lock_version, text="陳的版本", deadline_raw="經常辦理"
    )
    client.force_login(coordinator)
    data = {
        "lock_version": seen,
        "text": "林的版本",
        "deadline_raw": "經常辦理",
        "units": "",
        "actions": "",
        "expected_benefit": "",
        "node": "",
    }
    response = client.post(reverse("plans:edit_item", args=[draft.pk, item.pk]), data)
    html = response.content.decode()
    assert response.status_code == 409
    assert "chen" in html and "陳的版本" in html and "林的版本" in html
    assert PlanItem.objects.get(pk=item.pk).text == "陳的版本"


def test_other_agencies_cannot_even_see_the_edit_page(client, draft, agency_tree, user_with_role):
    client.force_login(user_with_role(agency_tree["moea"], "coordinator"))
    assert client.get(reverse("plans:edit", args=[draft.pk])).status_code == 404
    assert client.post(reverse("plans:add_item", args=[draft.pk]), item_post()).status_code == 404


def test_head_of_the_agency_may_read_but_not_edit(client, draft, agency_tree, user_with_role):
    client.force_login(user_with_role(agency_tree["mof"], "head"))
    assert client.get(reverse("plans:detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("plans:edit", args=[draft.pk])).status_code == 403


def test_deadline_preview_says_what_it_understood(client, draft, coordinator):
    client.force_login(coordinator)
    response = client.get(
        reverse("plans:deadline_preview", args=[draft.pk]), {"new-deadline_raw": "隨便寫寫"}
    )
    assert "看不懂" in response.content.decode()


@pytest.mark.parametrize("items", [3, 40])
def test_edit_page_query_count_is_pinned_whatever_the_items(
    client, draft, coordinator, django_assert_num_queries, items
):
    client.force_login(coordinator)
    for n in range(items):
        services.add_item(by=coordinator, plan=draft, text=f"項目{n}", unit_names=["秘書處"])
    with django_assert_num_queries(EDIT_PAGE_QUERIES):
        client.get(reverse("plans:edit", args=[draft.pk]))


def test_publishing_needs_the_confirmation_box(client, agency_tree, coordinator):
    from servq.plans.models import Plan

    plan = PlanFactory(agency=agency_tree["mof"], status="approved")
    client.force_login(coordinator)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "任何人都能閱讀並下載本計畫全文" in page
    refused = client.post(reverse("plans:transition", args=[plan.pk, "publish"]), follow=True)
    assert "公告前請勾選確認" in refused.content.decode()
    assert Plan.objects.get(pk=plan.pk).status == "approved"
    client.post(reverse("plans:transition", args=[plan.pk, "publish"]), {"confirm": "yes"})
    assert Plan.objects.get(pk=plan.pk).status == "published"


def test_refused_transition_says_why_and_changes_nothing(client, draft, coordinator):
    client.force_login(coordinator)
    confirmed = {"confirm": "yes"}
    response = client.post(reverse("plans:transition", args=[draft.pk, "approve"]), confirmed, follow=True)
    assert "計畫目前的狀態不能「核定」" in response.content.decode()
    draft.status = "submitted"
    draft.save()
    response = client.post(reverse("plans:transition", args=[draft.pk, "approve"]), confirmed, follow=True)
    assert "您沒有「核定」這份計畫的權限" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_supervisor_board_shows_state_and_working_days_overdue_and_reminds(
    client, agency_tree, coordinator, user_with_role
):
    boss = user_with_role(agency_tree["root"], "supervisor")
    coordinator.email = "lin@mof.gov.tw"
    coordinator.save()
    cycle = open_cycle(agency_tree, boss)
    client.force_login(boss)
    page = client.get(reverse("plans:cycle", args=[cycle.pk])).content.decode()
    assert "財政部" in page and "經濟部" in page and "尚未建立" in page
    client.post(reverse("plans:cycle_remind", args=[cycle.pk]))
    assert [m.to for m in mail.outbox] == [["lin@mof.gov.tw"]]
    assert "115年度提升服務品質" in mail.outbox[0].subject
    assert "115年1月30日" in mail.outbox[0].body


def test_versions_and_side_by_side_diff(client, agency_tree, coordinator, user_with_role):
    boss = user_with_role(agency_tree["root"], "supervisor")
    plan = PlanFactory(agency=agency_tree["mof"], status="approved")
    services.transition(by=coordinator, plan=plan, action="publish")
    v2 = services.transition(by=coordinator, plan=plan, action="revise", revision_note="新增項目")
    services.add_item(
        by=coordinator, plan=v2, text="新增的網站無障礙項目", deadline_raw="經常辦理", unit_names=["秘書處"]
    )
    for actor, action in [(coordinator, "submit"), (boss, "approve"), (coordinator, "publish")]:
        services.transition(by=actor, plan=v2, action=action)
    client.logout()
    versions = client.get(reverse("plans:versions", args=[v2.pk])).content.decode()
    assert "第 1 版" in versions and "第 2 版" in versions
    diff = client.get(reverse("plans:diff", args=[v2.pk]), {"a": plan.pk, "b": v2.pk}).content.decode()
    assert "新增的網站無障礙項目" in diff and 'class="added"' in diff


@pytest.fixture
def cycle(agency_tree, user_with_role):
    boss = user_with_role(agency_tree["root"], "supervisor")
    return open_cycle(agency_tree, boss)


def test_coordinator_starts_the_draft_from_a_word_file(client, cycle, coordinator, agency_tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from servq.plans.exporting import export
    from tests.plans.importing.test_bad_input import SMALL_PLAN

    source = PlanFactory(agency=agency_tree["moea"], status="published")
    source.items.create(
        position=0, text="建置常見問題集", deadline_raw="經常辦理", deadline_kind="continuous"
    )
    document = SimpleUploadedFile("去年計畫.docx", export(source, "docx"))
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:cycle_import", args=[cycle.pk]),
        {"agency": agency_tree["mof"].pk, "plan_file": document},
    )
    plan = cycle.plans.get(agency=agency_tree["mof"])
    assert response["Location"] == reverse("plans:edit", args=[plan.pk])
    assert plan.status == "draft" and list(plan.items.values_list("text", flat=True)) == ["建置常見問題集"]
    text = SimpleUploadedFile("plan.txt", SMALL_PLAN.encode())
    assert (
        client.post(
            reverse("plans:cycle_import", args=[cycle.pk]),
            {"agency": agency_tree["moea"].pk, "plan_file": text},
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.exe", b"MZ\x90\x00", "只接受"),
        ("plan.docx", b"PK\x03\x04broken", "plan.docx：.docx 檔案不完整或已損壞"),
        ("plan.txt", b"", "plan.txt：檔案是空的"),
        ("plan.docx", "docx bomb", "plan.docx：.docx 檔解壓後過大，已拒絕"),
        ("plan.odt", "odt bomb", "plan.odt：.odt 檔解壓後過大，已拒絕"),
        ("plan.doc", b"<html>renamed</html>", "plan.doc：副檔名是 .doc，內容卻不是舊版 Word 檔"),
    ],
)
def test_bad_plan_files_say_why_and_create_nothing(
    client, cycle, coordinator, agency_tree, name, content, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.bombs import docx_bomb, odt_bomb

    content = {"docx bomb": docx_bomb, "odt bomb": odt_bomb}.get(content, lambda: content)()
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:cycle_import", args=[cycle.pk]),
        {"agency": agency_tree["mof"].pk, "plan_file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert message in response.content.decode()
    assert not cycle.plans.exists()


def test_supervisor_opens_a_cycle_copying_last_years_framework_with_working_day_due_dates(
    client, agency_tree, user_with_role
):
    from servq.plans.models import PlanCycle

    boss = user_with_role(agency_tree["root"], "supervisor")
    last_year = PlanFactory(
        agency=agency_tree["root"],
        kind="implementation",
        title="行政院114年度提升服務品質實施計畫",
        first_year=2025,
        last_year=2025,
    )
    last_year.items.create(
        position=0, text="推動單一窗口", deadline_raw="經常辦理", deadline_kind="continuous"
    )
    client.force_login(boss)
    response = client.post(
        reverse("plans:cycle_new"),
        {
            "program": last_year.program.pk,
            "year": "115",
            "title": "115年度提升服務品質",
            "copy_framework_from": last_year.pk,
            "submit_by": "115/2/13",  # as offices type it; ISO works too
            "review_days": "1",
            "approve_days": "5",
            "participants": [agency_tree["mof"].pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cycle = PlanCycle.objects.get()
    # 2026-02-13 is the Friday before the Lunar New Year break: one working day later is Monday 2/23;
    # five more skip Friday 2/27 (和平紀念日, observed) and end on Tuesday 3/3.
    assert (cycle.review_by, cycle.approve_by) == (dt.date(2026, 2, 23), dt.date(2026, 3, 3))
    assert cycle.framework.title == "行政院115年度提升服務品質實施計畫"
    assert list(cycle.framework.items.values_list("text", flat=True)) == ["推動單一窗口"]
    assert cycle.framework.pk != last_year.pk


def test_review_and_approval_can_be_set_as_dates_to_meet_003s_january(client, agency_tree, user_with_role):
    """Issue 37.13: 003 submits at the end of December and approves and publishes by the end of
    January; offsets of whole working-day periods could only get there with submission in early
    December. A date typed for a step wins over its offset."""
    from servq.plans.models import PlanCycle
    from tests.factories import ProgramFactory

    client.force_login(user_with_role(agency_tree["root"], "supervisor"))
    response = client.post(
        reverse("plans:cycle_new"),
        {
            "program": ProgramFactory().pk,
            "year": "116",
            "title": "116年度提升服務品質",
            "submit_by": "115/12/31",
            "review_days": "20",
            "review_on": "116/1/20",
            "approve_days": "20",
            "approve_on": "116/1/29",
            "publish_by": "116/1/31",
            "participants": [agency_tree["mof"].pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cycle = PlanCycle.objects.get()
    assert (cycle.review_by, cycle.approve_by, cycle.publish_by) == (
        dt.date(2027, 1, 20),
        dt.date(2027, 1, 29),
        dt.date(2027, 1, 31),
    )


def test_a_second_plan_file_for_the_same_cycle_is_refused(client, cycle, coordinator, agency_tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.plans.importing.test_bad_input import SMALL_PLAN

    client.force_login(coordinator)
    for _ in range(2):
        response = client.post(
            reverse("plans:cycle_import", args=[cycle.pk]),
            {
                "agency": agency_tree["mof"].pk,
                "plan_file": SimpleUploadedFile("plan.txt", SMALL_PLAN.encode()),
            },
            follow=True,
        )
    assert "已經" in response.content.decode()
    assert cycle.plans.filter(agency=agency_tree["mof"]).count() == 1


def test_last_years_published_plan_is_offered_to_start_from(client, agency_tree, coordinator, user_with_role):
    """「從去年計畫複製」 was never offered: the board did not pass the earlier plans to the page."""
    from servq.plans.models import Plan

    boss = user_with_role(agency_tree["root"], "supervisor")
    cycle = open_cycle(agency_tree, boss, year=2026)
    last_year = PlanFactory(agency=agency_tree["mof"], first_year=2025, last_year=2025, status="published")
    PlanItemFactory(plan=last_year, text="去年的項目", unit="秘書處")
    PlanFactory(agency=agency_tree["moea"], first_year=2025, last_year=2025, status="published")
    client.force_login(coordinator)
    page = client.get(reverse("plans:cycle", args=[cycle.pk])).content.decode()
    assert f"沿用：{last_year.title}" in page and page.count("沿用：") == 1
    client.post(
        reverse("plans:cycle_start", args=[cycle.pk]),
        {"agency": agency_tree["mof"].pk, "copy_from": last_year.pk},
    )
    draft = Plan.objects.get(cycle=cycle, agency=agency_tree["mof"])
    assert list(draft.items.values_list("text", flat=True)) == ["去年的項目"]


def header_post(client, plan, **typed):
    """The plan text form as the edit page holds it, with what was typed."""
    from tests.pages import form_data

    page = client.get(reverse("plans:edit", args=[plan.pk])).content.decode()
    return {**form_data(page, f'form[action="{reverse("plans:edit_header", args=[plan.pk])}"]'), **typed}


def test_steps_typed_then_sent_for_review_are_saved_even_when_sending_is_refused(client, draft, coordinator):
    """Issue 33.3: 實施步驟 typed on the edit page was lost when 送審 was pressed."""
    client.force_login(coordinator)
    page = client.get(reverse("plans:edit", args=[draft.pk])).content.decode()
    assert "data-warn-unsaved" in page and 'name="then" value="submit"' in page
    typed = header_post(client, draft, steps="一、成立推動小組\n二、每季檢討", then="submit")
    response = client.post(reverse("plans:edit_header", args=[draft.pk]), typed, follow=True)
    draft.refresh_from_db()
    assert draft.steps == "一、成立推動小組\n二、每季檢討"  # kept, though the empty plan cannot be sent
    assert draft.status == "draft" and "計畫本文已儲存" in response.content.decode()


def test_steps_typed_then_sent_for_review_are_saved_and_sent(client, draft, coordinator, agency_tree):
    from tests.factories import PlanItemFactory

    PlanItemFactory(plan=draft, text="簡化申辦流程", unit="秘書處", deadline_raw="115年12月31日")
    client.force_login(coordinator)
    typed = header_post(client, draft, steps="一、成立推動小組", then="submit")
    client.post(reverse("plans:edit_header", args=[draft.pk]), typed)
    draft.refresh_from_db()
    assert (draft.steps, draft.status) == ("一、成立推動小組", "submitted")
