"""Off-boarding (issue 34.3): a person's open work is listed before their account goes quiet; the
account stops, their roles end, nothing is deleted; only someone who may grant all their roles may."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from servq.agencies.models import Membership
from servq.agencies.selectors import grants_of
from servq.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_open_work_is_listed_then_the_account_stops_and_nothing_is_deleted(
    client, agency_tree, user_with_role, staff_with_a_case
):
    staff, case = staff_with_a_case
    coordinator = get_user_model().objects.get(username="mof-coordinator")
    client.force_login(coordinator)
    page = client.get(reverse("portal:person", args=[staff.pk])).content.decode()
    assert case.number in page and "仍有 1 項未完成的工作" in page

    client.post(reverse("portal:deactivate", args=[staff.pk]))  # not confirmed
    assert get_user_model().objects.get(pk=staff.pk).is_active
    client.post(reverse("portal:deactivate", args=[staff.pk]), {"confirm": "yes"})
    staff = get_user_model().objects.get(pk=staff.pk)
    assert not staff.is_active and grants_of(staff) == []
    assert Membership.objects.filter(user=staff).count() == 1  # ended, kept
    case.refresh_from_db()
    assert case.assignee == staff  # still shows who had it, for whoever takes it over
    assert AuditEntry.objects.filter(action="person.deactivate", actor=coordinator).exists()
    client.logout()
    assert not client.login(username=staff.username, password="servq-test-pass")


def test_a_coordinator_cannot_switch_off_someone_holding_a_role_above_their_reach(
    client, agency_tree, user_with_role
):
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    colleague = user_with_role(agency_tree["mof"], "head")
    client.force_login(coordinator)
    page = client.post(reverse("portal:deactivate", args=[colleague.pk]), {"confirm": "yes"}, follow=True)
    assert "您不能在財政部授予「機關首長」" in page.content.decode()
    assert get_user_model().objects.get(pk=colleague.pk).is_active
