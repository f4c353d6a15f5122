"""The records page as a coordinator uses it: every kind listed, typed dates, bad input refused with
the field named and nothing kept, other agencies 404, removal confirmed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from servq.activities.kinds import KINDS
from servq.activities.models import DocumentExchangeMonth, SocialPost, TrainingSession


@pytest.mark.parametrize("key", list(KINDS))
def test_every_kind_has_a_page_in_chinese(client, agency_tree, coordinator, key):
    client.force_login(coordinator)
    page = client.get(reverse("activities:kind", args=[key]), {"agency": agency_tree["mof"].pk})
    assert page.status_code == 200
    assert str(KINDS[key].label) in page.content.decode()


def test_a_session_typed_in_roc_is_kept_and_listed(client, agency_tree, coordinator):
    client.force_login(coordinator)
    url = reverse("activities:kind", args=["training"])
    response = client.post(
        url,
        {
            "agency": agency_tree["mof"].pk,
            "title": "陳情處理研習",
            "held_on": "115/3/5",
            "hours": "2",
            "attendees": "25",
        },
    )
    assert response.status_code == 302
    session = TrainingSession.objects.get()
    assert str(session.held_on) == "2026-03-05"
    page = client.get(url, {"agency": agency_tree["mof"].pk}).content.decode()
    assert "陳情處理研習" in page and "115年3月5日" in page


def test_more_electronic_than_sent_is_refused_keeping_the_typing(client, agency_tree, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("activities:kind", args=["exchange"]),
        {"agency": agency_tree["mof"].pk, "month": "115/2/1", "electronic": "120", "total": "100"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "電子交換件數不能多於發文總件數" in body and 'value="120"' in body
    assert not DocumentExchangeMonth.objects.exists()


def test_script_in_a_title_is_shown_as_text(client, agency_tree, coordinator):
    client.force_login(coordinator)
    url = reverse("activities:kind", args=["posts"])
    client.post(
        url,
        {
            "agency": agency_tree["mof"].pk,
            "platform": "facebook",
            "posted_on": "115/1/2",
            "title": "<script>alert(1)</script>",
        },
    )
    page = client.get(url, {"agency": agency_tree["mof"].pk}).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_an_oversized_title_is_refused(client, agency_tree, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("activities:kind", args=["posts"]),
        {
            "agency": agency_tree["mof"].pk,
            "platform": "facebook",
            "posted_on": "115/1/2",
            "title": "長" * 5000,
        },
    )
    assert response.status_code == 400
    assert not SocialPost.objects.exists()


def test_another_agencys_records_are_not_found(client, agency_tree, coordinator, outsider):
    from servq.activities import services

    post = services.add_record(
        by=coordinator,
        kind="posts",
        agency=agency_tree["mof"],
        values={
            "platform": "facebook",
            "posted_on": __import__("datetime").date(2026, 1, 2),
            "title": "財政部貼文甲",
            "url": "",
        },
    )
    client.force_login(outsider)
    assert client.get(reverse("activities:remove", args=["posts", post.pk])).status_code == 404
    # Asking for 財政部 is 404, not 經濟部's own page in its place.
    page = client.get(reverse("activities:kind", args=["posts"]), {"agency": agency_tree["mof"].pk})
    assert page.status_code == 404 and "財政部貼文甲" not in page.content.decode()


def test_removal_needs_the_confirmation(client, agency_tree, coordinator):
    from servq.activities import services

    post = services.add_record(
        by=coordinator,
        kind="posts",
        agency=agency_tree["mof"],
        values={
            "platform": "facebook",
            "posted_on": __import__("datetime").date(2026, 1, 2),
            "title": "財政部貼文甲",
            "url": "",
        },
    )
    client.force_login(coordinator)
    url = reverse("activities:remove", args=["posts", post.pk])
    assert "確認刪除" in client.get(url).content.decode()
    client.post(url, {})
    assert SocialPost.objects.exists()
    client.post(url, {"confirm": "yes"})
    assert not SocialPost.objects.exists()


# --- 服務據點 for citizens (issue 37.17: 001, 003, 004) ---------------------------------------------------


def _point(client, agency, **values):
    data = {
        "agency": agency.pk,
        "kind": "counter",
        "name": "北區服務站",
        "district": "北區",
        "opened_on": "115/1/2",
    }
    return client.post(reverse("activities:kind", args=["points"]), {**data, **values})


def test_a_point_is_kept_with_its_hours_services_and_access_and_shown_to_citizens(
    client, agency_tree, coordinator
):
    from servq.activities.models import ServicePoint

    client.force_login(coordinator)
    _point(
        client,
        agency_tree["mof"],
        address="中山路 1 號",
        hours="週一至週五 8:30–17:30",
        offers="戶籍謄本、稅務證明",
        accessibility="無障礙坡道、輪椅可達櫃台",
    )
    _point(client, agency_tree["mof"], name="舊服務站", closed_on="115/1/3")
    _point(client, agency_tree["mof"], kind="wifi", name="iTaiwan 熱點", district="北區")
    _point(client, agency_tree["mof"], kind="outreach", name="<script>alert(1)</script>")
    assert ServicePoint.objects.count() == 4
    client.logout()
    page = client.get(reverse("points:index")).content.decode()
    for shown in (
        "北區服務站",
        "週一至週五 8:30–17:30",
        "戶籍謄本、稅務證明",
        "無障礙坡道、輪椅可達櫃台",
        "財政部",
    ):
        assert shown in page
    assert "舊服務站" not in page, "closed"
    assert "iTaiwan 熱點" not in page and "各鄉鎮市區的免費無線上網熱點數" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    catalogue = client.get(reverse("services:catalogue")).content.decode()
    assert reverse("points:index") in catalogue
