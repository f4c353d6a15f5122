from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import FrameworkNodeFactory, PlanFactory, PlanItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(agency_tree):
    published = PlanFactory(agency=agency_tree["mof"], title="財政部提升服務執行計畫", status="published")
    draft = PlanFactory(agency=agency_tree["mof"], title="財政部草稿計畫", status="draft")
    other_draft = PlanFactory(agency=agency_tree["moea"], title="經濟部草稿計畫", status="draft")
    return {"published": published, "draft": draft, "other_draft": other_draft}


def test_public_list_shows_published_plans_only(client, plans):
    page = client.get(reverse("plans:list")).content.decode()
    assert "財政部提升服務執行計畫" in page
    assert "草稿計畫" not in page


def test_drafts_are_404_for_the_public(client, plans):
    assert client.get(reverse("plans:detail", args=[plans["published"].pk])).status_code == 200
    assert client.get(reverse("plans:detail", args=[plans["draft"].pk])).status_code == 404


def test_staff_see_their_own_drafts_and_not_others(client, plans, agency_tree, user_with_role):
    client.force_login(user_with_role(agency_tree["mof"], "coordinator"))
    assert client.get(reverse("plans:detail", args=[plans["draft"].pk])).status_code == 200
    assert client.get(reverse("plans:detail", args=[plans["other_draft"].pk])).status_code == 404
    listing = client.get(reverse("plans:list")).content.decode()
    assert "財政部草稿計畫" in listing and "經濟部草稿計畫" not in listing


def test_supervisor_of_the_parent_body_sees_every_draft_below(client, plans, agency_tree, user_with_role):
    client.force_login(user_with_role(agency_tree["root"], "supervisor"))
    assert client.get(reverse("plans:detail", args=[plans["other_draft"].pk])).status_code == 200


def test_plan_page_groups_items_by_framework_and_shows_roc_dates(client, agency_tree):
    plan = PlanFactory(agency=agency_tree["mof"])
    outer = FrameworkNodeFactory(plan=plan, title="一、基礎服務", position=0)
    inner = FrameworkNodeFactory(plan=plan, parent=outer, title="(一) 服務一致及正確性", position=1, depth=1)
    PlanItemFactory(
        plan=plan,
        node=inner,
        text="訂定申辦業務標準作業流程",
        deadline_raw="106年12月",
        deadline_kind="date",
        deadline_due="2017-12-31",
    )
    PlanItemFactory(plan=plan, node=inner, text="<script>alert(1)</script>")
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "一、基礎服務 › (一) 服務一致及正確性" in page
    assert "106年12月31日" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_plan_page_query_count_is_fixed(client, agency_tree, django_assert_num_queries):
    plan = PlanFactory(agency=agency_tree["mof"])
    node = FrameworkNodeFactory(plan=plan, position=0)
    for n in range(30):
        PlanItemFactory(plan=plan, node=node, position=n + 1)
    # plan, nodes, items, units, indicators, revisions, later versions: 7 whatever the item count
    with django_assert_num_queries(8):  # + the consultations on the draft (issue 37.14)
        client.get(reverse("plans:detail", args=[plan.pk]))


def test_list_filters_by_roc_year(client, agency_tree):
    PlanFactory(agency=agency_tree["mof"], title="一〇六年計畫", first_year=2017, last_year=2017)
    PlanFactory(agency=agency_tree["mof"], title="一〇四至一〇七年計畫", first_year=2015, last_year=2018)
    PlanFactory(agency=agency_tree["mof"], title="一一四年計畫", first_year=2025, last_year=2025)
    page = client.get(reverse("plans:list"), {"year": "106"}).content.decode()
    assert "一〇六年計畫" in page and "一〇四至一〇七年計畫" in page and "一一四年計畫" not in page


def test_a_plan_written_in_servq_groups_its_items_by_the_cycles_framework(
    client, agency_tree, user_with_role
):
    """Items authored against the implementation plan's nodes were all 「未歸類」, and the CSV's 架構 empty."""
    import csv
    import io

    from servq.plans import services

    framework = PlanFactory(agency=agency_tree["root"], kind="implementation", status="published")
    service = FrameworkNodeFactory(plan=framework, title="一、基礎服務", position=0)
    delivery = FrameworkNodeFactory(plan=framework, title="二、服務遞送", position=2)
    standard = FrameworkNodeFactory(
        plan=framework, parent=service, title="(一) 標準作業", position=1, depth=1
    )
    plan = PlanFactory(agency=agency_tree["mof"], parent=framework, status="draft")
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    # Added out of framework order, as people write: the page still reads top to bottom.
    services.add_item(by=coordinator, plan=plan, text="擴大線上申辦", node=delivery)
    services.add_item(by=coordinator, plan=plan, text="訂定標準作業流程", node=standard)
    services.add_item(by=coordinator, plan=plan, text="尚未歸類的構想")
    plan.status = "published"
    plan.save()
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert page.index("一、基礎服務 › (一) 標準作業") < page.index("訂定標準作業流程")
    assert page.index("訂定標準作業流程") < page.index("二、服務遞送") < page.index("擴大線上申辦")
    assert page.index("擴大線上申辦") < page.index("尚未歸類的構想")
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(reverse("plans:export", args=[plan.pk, "csv"])).content.decode("utf-8-sig")
            )
        )
    )
    assert [(row["項目"], row["架構"]) for row in rows] == [
        ("訂定標準作業流程", "一、基礎服務 › (一) 標準作業"),
        ("擴大線上申辦", "二、服務遞送"),
        ("尚未歸類的構想", ""),
    ]


# --- copying last year's plan: agencies found again, the rest fixed in one table (issue 33.14) -------


@pytest.fixture
def copied(agency_tree, user_with_role, client):
    """財政部's 115 plan started from its 114 plan, which named an agency below it, a unit, a body
    that no longer exists, and left one item without a deadline."""
    from servq.plans.models import ItemUnit
    from tests.factories import open_cycle

    coordinator = user_with_role(agency_tree["mof"], "coordinator", username="lin")
    cycle = open_cycle(agency_tree, user_with_role(agency_tree["root"], "supervisor"))
    last = PlanFactory(agency=agency_tree["mof"], first_year=2025, last_year=2025)
    first = PlanItemFactory(
        plan=last, position=0, text="線上申辦", deadline_raw="114年12月", deadline_kind="date"
    )
    second = PlanItemFactory(plan=last, position=1, text="電話禮貌", deadline_raw="", deadline_kind="text")
    ItemUnit.objects.filter(item__plan=last).delete()
    ItemUnit.objects.create(item=first, name="臺北國稅局", position=0)  # unmatched in 114: no tree then
    ItemUnit.objects.create(item=first, name="秘書處", position=1)
    ItemUnit.objects.create(item=second, name="已裁撤的室", position=0)
    client.force_login(coordinator)
    got = client.post(
        reverse("plans:cycle_start", args=[cycle.pk]),
        {"agency": agency_tree["mof"].pk, "copy_from": last.pk},
    )
    return got, last


def test_copying_finds_agencies_and_units_again_and_lists_the_rest_once(client, copied, agency_tree):
    from servq.plans.models import Plan

    got, last = copied
    plan = Plan.objects.exclude(pk=last.pk).get()
    assert got["Location"] == reverse("plans:fill_gaps", args=[plan.pk])
    units = {u.name: u.unit for u in plan.items.get(position=0).units.all()}
    assert units == {"臺北國稅局": agency_tree["ntbt"], "秘書處": agency_tree["mof_unit"]}
    page = client.get(got["Location"]).content.decode()
    assert "電話禮貌" in page and "找不到：已裁撤的室" in page and "線上申辦" not in page


def test_the_gaps_are_filled_in_one_save_or_not_at_all(client, copied, agency_tree):
    from servq.core.models import AuditEntry
    from servq.plans.models import Plan

    _got, last = copied
    plan = Plan.objects.exclude(pk=last.pk).get()
    item = plan.items.get(position=1)
    url = reverse("plans:fill_gaps", args=[plan.pk])
    refused = client.post(
        url,
        {
            f"lock-{item.pk}": item.lock_version + 7,
            f"deadline-{item.pk}": "115年6月",
            f"units-{item.pk}": "秘書處",
        },
    )
    assert refused.status_code == 400 and "第2項" in refused.content.decode()
    assert 'value="115年6月"' in refused.content.decode(), "what was typed stays"
    edits = AuditEntry.objects.filter(action="item.edit").count()
    saved = client.post(
        url,
        {
            f"lock-{item.pk}": item.lock_version,
            f"deadline-{item.pk}": "115年6月",
            f"units-{item.pk}": "秘書處",
        },
    )
    assert saved["Location"] == reverse("plans:edit", args=[plan.pk])
    item.refresh_from_db()
    assert item.deadline_raw == "115年6月" and [u.unit for u in item.units.all()] == [agency_tree["mof_unit"]]
    assert AuditEntry.objects.filter(action="item.edit").count() == edits + 1


# --- posting the plan at the service premises (issue 37.13: 003, 004) ---------------------------------


def test_the_coordinator_records_where_the_approved_plan_is_posted(client, agency_tree, user_with_role):
    from servq.core.models import AuditEntry

    plan = PlanFactory(agency=agency_tree["mof"], status="published")
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    client.force_login(coordinator)
    assert "登錄張貼於服務場所" in client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    url = reverse("plans:record_posting", args=[plan.pk])
    client.post(url, {"on": "115/1/20", "where": "一樓服務台公布欄"})
    plan.refresh_from_db()
    assert (plan.posted_on.isoformat(), plan.posted_where) == ("2026-01-20", "一樓服務台公布欄")
    assert AuditEntry.objects.filter(action="plan.posted").exists()
    client.logout()
    public = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "115年1月20日，一樓服務台公布欄" in public and "登錄張貼於服務場所" not in public


@pytest.mark.parametrize(
    ("status", "data", "said"),
    [
        ("draft", {"on": "115/1/20", "where": "公布欄"}, "核定後才能張貼"),
        ("published", {"on": "999/1/1", "where": "公布欄"}, "不能晚於今天"),
        ("published", {"on": "115/1/20", "where": "  "}, "請寫明張貼地點"),
        ("published", {"on": "not a date", "where": "公布欄"}, "日期"),
    ],
)
def test_a_posting_that_cannot_be_is_refused_and_nothing_changes(
    client, agency_tree, user_with_role, status, data, said
):
    plan = PlanFactory(agency=agency_tree["mof"], status=status)
    client.force_login(user_with_role(agency_tree["mof"], "coordinator"))
    page = client.post(reverse("plans:record_posting", args=[plan.pk]), data, follow=True).content.decode()
    assert said in page
    plan.refresh_from_db()
    assert plan.posted_on is None


def test_the_body_ticks_what_its_execution_plans_must_have(client, agency_tree, user_with_role):
    """Issue 37.9: the required sections and fields are the implementation plan's data."""
    boss = user_with_role(agency_tree["root"], "supervisor")
    framework = PlanFactory(agency=agency_tree["root"], kind="implementation")
    client.force_login(boss)
    page = client.get(reverse("plans:detail", args=[framework.pk])).content.decode()
    assert "執行計畫應具備的內容" in page and 'value="steps" checked' in page
    client.post(
        reverse("plans:requirements", args=[framework.pk]),
        {"sections": ["basis", "goals"], "targets": "yes"},
    )
    framework.refresh_from_db()
    assert framework.requirements == {"sections": ["basis", "goals"], "item_fields": [], "targets": True}
    client.force_login(user_with_role(agency_tree["mof"], "coordinator"))
    other = client.get(reverse("plans:detail", args=[framework.pk])).content.decode()
    assert reverse("plans:requirements", args=[framework.pk]) not in other, "only its body sets the list"


# --- consulting citizens, experts and NGOs on the draft (issue 37.14: 004) -----------------------------


def test_a_consultation_on_the_draft_is_recorded_and_shown_on_the_plan(client, agency_tree, user_with_role):
    from servq.core.models import AuditEntry

    plan = PlanFactory(agency=agency_tree["mof"], status="draft")
    client.force_login(user_with_role(agency_tree["mof"], "coordinator"))
    assert "登錄意見徵詢" in client.get(reverse("plans:edit", args=[plan.pk])).content.decode()
    client.post(
        reverse("plans:record_consultation", args=[plan.pk]),
        {
            "held_on": "115/3/5",
            "parties": ["citizens", "ngos"],
            "how": "座談會",
            "said": "希望延長夜間服務",
            "changed": "新增週三夜間櫃台",
        },
    )
    consultation = plan.consultations.get()
    assert consultation.parties == ["citizens", "ngos"] and consultation.held_on.isoformat() == "2026-03-05"
    assert AuditEntry.objects.filter(action="plan.consultation").exists()
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "研擬過程的意見徵詢" in page and "民眾、民間團體" in page and "新增週三夜間櫃台" in page


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"held_on": "115/3/5", "how": "座談會", "said": "x"}, "請選擇徵詢的對象"),
        ({"held_on": "999/1/1", "parties": ["citizens"], "how": "座談會", "said": "x"}, "不能晚於今天"),
        ({"held_on": "115/3/5", "parties": ["citizens"], "how": "座談會", "said": " "}, "請寫下主要意見"),
        ({"held_on": "115/3/5", "parties": ["hackers"], "how": "座談會", "said": "x"}, "請選擇徵詢的對象"),
    ],
)
def test_a_consultation_that_cannot_be_is_refused_and_nothing_is_kept(
    client, agency_tree, user_with_role, data, said
):
    plan = PlanFactory(agency=agency_tree["mof"], status="draft")
    client.force_login(user_with_role(agency_tree["mof"], "coordinator"))
    page = client.post(
        reverse("plans:record_consultation", args=[plan.pk]), data, follow=True
    ).content.decode()
    assert said in page and not plan.consultations.exists()


# --- a public comment period on a draft (issue 37.14: 004) ---------------------------------------------


@pytest.fixture
def commented(client, agency_tree, user_with_role):
    """財政部's draft opened for public comment today, for two weeks."""
    import datetime as dt

    from django.utils import timezone

    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    plan = PlanFactory(agency=agency_tree["mof"], status="draft", goals="縮短臨櫃等候時間")
    PlanItemFactory(plan=plan, position=0, text="推動線上預約")
    client.force_login(coordinator)
    today = timezone.localdate()
    client.post(
        reverse("plans:open_comments", args=[plan.pk]),
        {"opens_on": today.isoformat(), "closes_on": (today + dt.timedelta(days=14)).isoformat()},
    )
    client.logout()
    return plan, coordinator


def test_anyone_reads_the_draft_beside_the_comments_and_gets_an_answer(client, commented, settings):
    from servq.core.models import AuditEntry

    settings.RATELIMIT_ENABLE = False
    plan, coordinator = commented
    url = reverse("plans:comments", args=[plan.pk])
    page = client.get(url).content.decode()
    assert "推動線上預約" in page and "縮短臨櫃等候時間" in page and "送出意見" in page
    client.post(url, {"text": "希望週末也能預約", "name": "王小明"})
    client.post(url, {"text": "承辦人某某的電話是0912345678"})
    first, second = plan.comment_periods.get().comments.all()
    client.force_login(coordinator)
    client.post(reverse("plans:answer_comment", args=[plan.pk, first.pk]), {"answer": "將評估週六上午開放"})
    client.post(reverse("plans:answer_comment", args=[plan.pk, second.pk]), {"held_back": "含個人資料"})
    client.logout()
    page = client.get(url).content.decode()
    assert "希望週末也能預約" in page and "將評估週六上午開放" in page and "王小明" in page
    assert "0912345678" not in page and "此則意見不公開：含個人資料" in page
    assert AuditEntry.objects.filter(action="plan.answer_comment").count() == 2


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "請寫下您的意見"),
        ("<script>alert(1)</script>", "請以純文字填寫"),
        ("長" * 2001, "意見最多 2000 字"),
    ],
)
def test_a_refused_comment_keeps_the_words_and_nothing_is_kept(client, commented, settings, text, said):
    settings.RATELIMIT_ENABLE = False
    plan, _coordinator = commented
    got = client.post(reverse("plans:comments", args=[plan.pk]), {"text": text})
    assert got.status_code == 400 and said in got.content.decode()
    assert not plan.comment_periods.get().comments.exists()


def test_a_draft_without_a_period_is_not_public_and_a_closed_period_takes_no_comment(client, agency_tree):
    import datetime as dt

    from servq.plans.models import CommentPeriod

    plan = PlanFactory(agency=agency_tree["mof"], status="draft")
    assert client.get(reverse("plans:comments", args=[plan.pk])).status_code == 404
    past = dt.date(2026, 1, 1)
    CommentPeriod.objects.create(plan=plan, opens_on=past, closes_on=past + dt.timedelta(days=7))
    page = client.get(reverse("plans:comments", args=[plan.pk])).content.decode()
    assert "目前不在徵詢期間" in page and "送出意見" not in page
    got = client.post(reverse("plans:comments", args=[plan.pk]), {"text": "晚到的意見"})
    assert got.status_code == 400 and "徵詢期間已結束" in got.content.decode()
