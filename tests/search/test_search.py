"""Search over plans that works for Chinese, on SQLite and PostgreSQL alike (the suite runs on both)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from servq.plans import services
from servq.search.models import SearchDocument
from servq.search.selectors import Filters, search
from tests.factories import FrameworkNodeFactory, PlanFactory, PlanItemFactory

pytestmark = pytest.mark.django_db


def indexed(plan):
    from servq.search.services import reindex_plan

    reindex_plan(plan=plan)
    return plan


@pytest.fixture
def plans(agency_tree):
    published = PlanFactory(
        agency=agency_tree["mof"],
        title="財政部提升服務執行計畫",
        status="published",
        first_year=2017,
        last_year=2017,
    )
    node = FrameworkNodeFactory(plan=published, title="一、完備基礎服務", position=0)
    PlanItemFactory(plan=published, node=node, position=0, text="網站提供正確之連結資訊並即時更新")
    PlanItemFactory(plan=published, node=node, position=1, text="建置 FAQ 常見問題集")
    PlanItemFactory(plan=published, node=node, position=2, text="注重服務人員禮貌態度，辦理電話禮貌測試")
    PlanItemFactory(plan=published, node=node, position=3, text="推動資料開放，公開於政府資料開放平臺")
    draft = PlanFactory(
        agency=agency_tree["moea"],
        title="經濟部網站計畫草稿",
        status="draft",
        first_year=2017,
        last_year=2017,
    )
    PlanItemFactory(plan=draft, position=0, text="草稿中的網站改版")
    return {"published": indexed(published), "draft": indexed(draft)}


def texts(user, query, **filters):
    return [d.item.text for d in search(user, query, Filters(**filters))]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("網站", "網站提供正確之連結資訊並即時更新"),
        ("開放", "推動資料開放，公開於政府資料開放平臺"),
        ("FAQ", "建置 FAQ 常見問題集"),
        ("faq", "建置 FAQ 常見問題集"),
        ("禮貌", "注重服務人員禮貌態度，辦理電話禮貌測試"),
        ("禮", "注重服務人員禮貌態度，辦理電話禮貌測試"),
        ("連結資訊", "網站提供正確之連結資訊並即時更新"),
    ],
)
def test_short_chinese_queries_find_the_items_that_contain_them(plans, query, expected):
    assert texts(AnonymousUser(), query) == [expected]


def test_no_match_and_nonsense(plans):
    assert texts(AnonymousUser(), "颱風") == []
    assert texts(AnonymousUser(), "'; DROP TABLE plans_plan; --") == []
    assert texts(AnonymousUser(), '"網站" OR 1=1') == []


def test_item_text_outranks_the_plan_title(agency_tree):
    plan = PlanFactory(agency=agency_tree["mof"], title="網站計畫", status="published")
    PlanItemFactory(plan=plan, position=0, text="其他工作項目")
    PlanItemFactory(plan=plan, position=1, text="維護網站內容")
    indexed(plan)
    assert texts(AnonymousUser(), "網站") == ["維護網站內容", "其他工作項目"]


def test_drafts_only_for_their_agency(plans, agency_tree, user_with_role):
    assert "草稿中的網站改版" not in texts(AnonymousUser(), "網站")
    assert "草稿中的網站改版" not in texts(user_with_role(agency_tree["mof"], "coordinator"), "網站")
    assert "草稿中的網站改版" in texts(user_with_role(agency_tree["moea"], "coordinator"), "網站")


def test_filters(plans, agency_tree):
    anyone = AnonymousUser()
    assert texts(anyone, "網站", agency="moea") == []
    assert texts(anyone, "網站", agency="mof") == ["網站提供正確之連結資訊並即時更新"]
    assert texts(anyone, "網站", year=2020) == []
    assert texts(anyone, "網站", year=2017) == ["網站提供正確之連結資訊並即時更新"]
    assert texts(anyone, "網站", program="service-leap") == ["網站提供正確之連結資訊並即時更新"]
    node = plans["published"].nodes.get()
    assert texts(anyone, "網站", node=node.pk) == ["網站提供正確之連結資訊並即時更新"]
    assert texts(anyone, "網站", framework="基礎服務") == ["網站提供正確之連結資訊並即時更新"]
    assert texts(anyone, "網站", framework="開放創新") == []


def test_index_follows_item_edits_and_publication(agency_tree, user_with_role):
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    boss = user_with_role(agency_tree["root"], "supervisor")
    plan = PlanFactory(agency=agency_tree["mof"], status="draft")
    item = services.add_item(
        by=coordinator, plan=plan, text="舊的說法", deadline_raw="經常辦理", unit_names=["秘書處"]
    )
    services.update_item(
        by=coordinator,
        item=item,
        expected_lock=item.lock_version,
        text="新的無障礙網站",
        deadline_raw="經常辦理",
        unit_names=["秘書處"],
    )
    assert texts(coordinator, "無障礙") == ["新的無障礙網站"]
    assert texts(coordinator, "舊的") == []
    assert texts(AnonymousUser(), "無障礙") == []
    for actor, action in [(coordinator, "submit"), (boss, "approve"), (coordinator, "publish")]:
        services.transition(by=actor, plan=plan, action=action)
    assert texts(AnonymousUser(), "無障礙") == ["新的無障礙網站"]
    assert texts(AnonymousUser(), "秘書處", unit="秘書處") == ["新的無障礙網站"]


def test_an_item_edit_rewrites_only_that_items_document(agency_tree, user_with_role):
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    plan = PlanFactory(agency=agency_tree["mof"], status="draft")
    first, second = (
        services.add_item(
            by=coordinator, plan=plan, text=text, deadline_raw="經常辦理", unit_names=["秘書處"]
        )
        for text in ("網站無障礙", "臨櫃服務")
    )
    documents = dict(SearchDocument.objects.values_list("item_id", "pk"))
    services.update_item(
        by=coordinator,
        item=first,
        expected_lock=first.lock_version,
        text="網站無障礙與開放資料",
        deadline_raw="經常辦理",
        unit_names=["秘書處"],
    )
    after = dict(SearchDocument.objects.values_list("item_id", "pk"))
    assert after[second.pk] == documents[second.pk], "the unchanged item is left as it was"
    assert after[first.pk] != documents[first.pk]
    assert texts(coordinator, "開放資料") == ["網站無障礙與開放資料"]


def test_results_page_escapes_and_marks(client, plans):
    page = client.get(reverse("search:search"), {"q": "網站"}).content.decode()
    assert "<mark>網站</mark>提供正確之連結資訊" in page
    hostile = client.get(reverse("search:search"), {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in hostile


def test_a_query_too_long_is_refused_with_a_message(client, plans):
    page = client.get(reverse("search:search"), {"q": "網" * 10_000}).content.decode()
    assert "查詢字詞太長" in page


def test_results_page_query_count_is_fixed(client, plans, django_assert_num_queries):
    with django_assert_num_queries(4):  # count, page of results, programs, agencies
        client.get(reverse("search:search"), {"q": "網站"})


def test_an_item_with_a_run_longer_than_any_word_is_saved_and_found(agency_tree, user_with_role):
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    plan = PlanFactory(agency=agency_tree["mof"], status="draft")
    token = "a1" * 30  # a pasted hash or token: no one searches for it, and no posting can hold it
    services.add_item(by=coordinator, plan=plan, text=f"憑證序號 {token}", deadline_raw="經常辦理")
    assert texts(coordinator, "憑證序號") == [f"憑證序號 {token}"]
