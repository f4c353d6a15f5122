from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client, agency_tree):
    response = client.get(reverse("agencies:tree"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_coordinator_sees_own_agency_and_gets_404_elsewhere(client, agency_tree, user_with_role):
    client.force_login(user_with_role(agency_tree["mof"], "coordinator"))
    assert client.get(reverse("agencies:detail", args=["mof"])).status_code == 200
    assert client.get(reverse("agencies:detail", args=["moea"])).status_code == 404
    assert client.get(reverse("agencies:detail", args=["ntbt"])).status_code == 404
    tree = client.get(reverse("agencies:tree")).content.decode()
    assert "財政部" in tree and "經濟部" not in tree


def test_supervisor_sees_the_whole_subtree(client, agency_tree, user_with_role):
    client.force_login(user_with_role(agency_tree["mof"], "supervisor"))
    assert client.get(reverse("agencies:detail", args=["ntbt"])).status_code == 200
    assert client.get(reverse("agencies:detail", args=["mof-sec"])).status_code == 200
    assert client.get(reverse("agencies:detail", args=["moea"])).status_code == 404
    assert client.get(reverse("agencies:detail", args=["ey"])).status_code == 404


def test_tree_page_query_count_does_not_grow_with_agencies(
    client, agency_tree, user_with_role, django_assert_max_num_queries
):
    from tests.factories import AgencyFactory

    client.force_login(user_with_role(agency_tree["root"], "supervisor"))
    for n in range(20):
        AgencyFactory(code=f"extra{n}", name=f"額外機關{n}", kind="agency", parent=agency_tree["moea"])
    with django_assert_max_num_queries(6):
        response = client.get(reverse("agencies:tree"))
    assert "額外機關19" in response.content.decode()


def test_an_agencys_people_are_shown_by_name_not_login(client, agency_tree, user_with_role):
    """Issue 33.13: login names were shown instead of people's names."""
    user_with_role(agency_tree["mof"], "coordinator", username="u-7731", first_name="林聯絡人")
    client.force_login(user_with_role(agency_tree["mof"], "coordinator", username="me"))
    page = client.get(reverse("agencies:detail", args=["mof"])).content.decode()
    assert "林聯絡人" in page and "<td>u-7731</td>" not in page
