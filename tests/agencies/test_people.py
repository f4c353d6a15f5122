"""People and roles (issue 34.3): invitations by e-mail, granting and ending roles, each as the one
grant rule allows, each audited; a person outside the user's keeping is 404."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from servq.agencies import services
from servq.agencies.models import Invitation, Membership
from servq.agencies.selectors import grants_of
from servq.core.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase-115"


@pytest.fixture
def supervisor(agency_tree, user_with_role):
    return user_with_role(agency_tree["root"], "supervisor", first_name="研考科王督導")


def invite_on_the_page(client, by, **fields):
    client.force_login(by)
    return client.post(reverse("portal:people"), {"ends_on": "", **fields}, follow=True)


def link_in_mail() -> str:
    assert services.send_invitations_due() >= 1
    found = re.search(r"http://\S+/accounts/invitation/(\S+)/", mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return reverse("invitation", args=[found.group(1)])


def test_a_supervisor_invites_a_coordinator_who_signs_in_with_the_role(client, agency_tree, supervisor):
    page = invite_on_the_page(
        client,
        supervisor,
        name="林聯絡人",
        email="Lin@MOF.gov.tw",
        agency="財政部",
        role="coordinator",
    )
    assert "已寄出邀請給 lin@mof.gov.tw" in page.content.decode()
    invitation = Invitation.objects.get()
    assert AuditEntry.objects.filter(action="invitation.create", object_id=str(invitation.pk)).exists()
    link = link_in_mail()
    assert "財政部" in mail.outbox[-1].subject and mail.outbox[-1].to == ["lin@mof.gov.tw"]

    client.logout()
    assert "擔任財政部的「機關聯絡人」" in client.get(link).content.decode()
    response = client.post(link, {"name": "林聯絡人", "password": PASSWORD, "password_again": PASSWORD})
    assert response.status_code == 302
    person = get_user_model().objects.get(email="lin@mof.gov.tw")
    membership = Membership.objects.get(user=person)
    assert (membership.agency, membership.role, membership.granted_by) == (
        agency_tree["mof"],
        "coordinator",
        supervisor,
    )
    assert client.get(reverse("portal:home")).wsgi_request.user == person
    # One time only: the link is spent.
    client.logout()
    again = client.get(link)
    assert again.status_code == 410 and "已經用過" in again.content.decode()


def test_a_resent_invitation_kills_the_old_link_and_a_revoked_one_every_link(client, agency_tree, supervisor):
    invitation = services.invite(
        by=supervisor, email="a@mof.gov.tw", agency=agency_tree["mof"], role="head", name="甲"
    )
    first = link_in_mail()
    client.force_login(supervisor)
    client.post(reverse("portal:invitation_action", args=[invitation.pk, "resend"]))
    second = link_in_mail()
    assert first != second
    client.logout()
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200

    client.force_login(supervisor)
    client.post(reverse("portal:invitation_action", args=[invitation.pk, "revoke"]))  # not confirmed
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    client.post(reverse("portal:invitation_action", args=[invitation.pk, "revoke"]), {"confirm": "yes"})
    client.logout()
    refused = client.get(second)
    assert refused.status_code == 410 and "撤回" in refused.content.decode()
    assert not get_user_model().objects.filter(email="a@mof.gov.tw").exists()


def test_an_expired_or_forged_link_creates_nothing(client, agency_tree, supervisor):
    invitation = services.invite(by=supervisor, email="b@mof.gov.tw", agency=agency_tree["mof"], role="head")
    link = link_in_mail()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = client.post(link, {"name": "乙", "password": PASSWORD, "password_again": PASSWORD})
    assert expired.status_code == 410 and "過期" in expired.content.decode()
    forged = client.get(reverse("invitation", args=["eyJhbGciOi.forged.token"]))
    assert forged.status_code == 410 and "無效" in forged.content.decode()
    assert not get_user_model().objects.filter(email="b@mof.gov.tw").exists()


def test_refusals_name_the_field_and_keep_what_was_typed(client, agency_tree, supervisor, user_with_role):
    user_with_role(agency_tree["moea"], "coordinator", email="taken@moea.gov.tw")
    page = invite_on_the_page(
        client,
        supervisor,
        name="<script>alert(1)</script>",
        email="TAKEN@moea.gov.tw",
        agency="經濟部",
        role="coordinator",
    )
    html = page.content.decode()
    assert page.status_code == 400 and "已有帳號" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html  # kept, escaped
    bad = invite_on_the_page(
        client, supervisor, name="丙", email="not-an-address", agency="財政部", role="head"
    )
    assert bad.status_code == 400 and "電子郵件" in bad.content.decode()
    unit_staff_at_agency = invite_on_the_page(
        client, supervisor, name="丁", email="d@mof.gov.tw", agency="財政部", role="unit_staff"
    )
    assert "承辦人員只能屬於單位" in unit_staff_at_agency.content.decode()
    assert not Invitation.objects.exists()


def test_a_coordinator_invites_unit_staff_to_their_units_and_nothing_above(
    client, agency_tree, user_with_role
):
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    ok = invite_on_the_page(
        client,
        coordinator,
        name="承辦",
        email="s@mof.gov.tw",
        agency="財政部 › 秘書處",
        role="unit_staff",
    )
    assert ok.status_code == 200 and Invitation.objects.count() == 1
    above = invite_on_the_page(
        client, coordinator, name="主任", email="h@mof.gov.tw", agency="財政部", role="head"
    )
    assert above.status_code == 400  # the agency itself is not among the places offered to them
    with pytest.raises(services.AgencyError, match="您不能在財政部授予「機關首長」"):
        services.invite(by=coordinator, email="h@mof.gov.tw", agency=agency_tree["mof"], role="head")
    elsewhere = invite_on_the_page(
        client,
        coordinator,
        name="別人",
        email="x@moea.gov.tw",
        agency="經濟部 › 資訊中心",
        role="unit_staff",
    )
    assert elsewhere.status_code == 400  # not among the places offered
    assert Invitation.objects.count() == 1


def test_a_person_page_outside_ones_keeping_is_404(client, agency_tree, user_with_role):
    theirs = user_with_role(agency_tree["moea_unit"], "unit_staff")
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    client.force_login(coordinator)
    assert client.get(reverse("portal:person", args=[theirs.pk])).status_code == 404
    staff = user_with_role(agency_tree["mof_unit"], "unit_staff")
    client.force_login(staff)
    assert client.get(reverse("portal:people")).status_code == 403


def test_ending_a_role_is_confirmed_kept_in_history_and_takes_effect_at_once(
    client, agency_tree, supervisor, user_with_role
):
    head = user_with_role(agency_tree["mof"], "head", first_name="首長")
    membership = Membership.objects.get(user=head)
    client.force_login(supervisor)
    url = reverse("portal:end_role", args=[membership.pk])
    client.post(url)
    assert grants_of(get_user_model().objects.get(pk=head.pk)) != []
    client.post(url, {"confirm": "yes"})
    membership.refresh_from_db()
    assert membership.ends_on == timezone.localdate() - dt.timedelta(days=1)
    assert grants_of(get_user_model().objects.get(pk=head.pk)) == []
    page = client.get(reverse("portal:person", args=[head.pk])).content.decode()
    assert "已結束" in page and "結束" in page
    assert AuditEntry.objects.filter(action="membership.end", object_id=str(membership.pk)).exists()


def test_a_role_with_an_end_date_lapses_by_itself(agency_tree, supervisor, user_with_role):
    person = user_with_role(agency_tree["moea"], "head")
    membership = services.grant_role(
        by=supervisor,
        user=person,
        agency=agency_tree["mof"],
        role="reviewer",
        ends_on=timezone.localdate(),
    )
    assert ("/ey/mof/", "reviewer") in grants_of(get_user_model().objects.get(pk=person.pk))
    Membership.objects.filter(pk=membership.pk).update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    assert ("/ey/mof/", "reviewer") not in grants_of(get_user_model().objects.get(pk=person.pk))
    with pytest.raises(services.AgencyError, match="不能早於今天"):
        services.grant_role(
            by=supervisor,
            user=person,
            agency=agency_tree["moea"],
            role="coordinator",
            ends_on=timezone.localdate() - dt.timedelta(days=3),
        )


def test_a_person_declares_their_own_ties_once_confirmed(client, agency_tree, user_with_role):
    from servq.agencies.models import Affiliation

    expert = user_with_role(agency_tree["root"], "reviewer", first_name="外聘委員")
    client.force_login(expert)
    page = client.get(reverse("portal:my_ties")).content.decode()
    assert "財政部" in page and "行政院：評審委員" in page
    url = reverse("portal:my_ties")
    client.post(url, {"agency": agency_tree["mof"].pk, "note": "擔任顧問"})
    assert not Affiliation.objects.exists()
    client.post(url, {"agency": agency_tree["mof"].pk, "note": "擔任顧問", "confirm": "yes"})
    assert Affiliation.objects.get().note == "擔任顧問"
    assert AuditEntry.objects.filter(action="affiliation.declare", actor=expert).exists()


def test_the_place_is_typed_by_name_or_code_and_only_where_one_may_grant(client, agency_tree, supervisor):
    by_code = invite_on_the_page(
        client, supervisor, name="甲", email="a1@mof.gov.tw", agency="MOF", role="head"
    )
    assert by_code.status_code == 200 and Invitation.objects.get().agency == agency_tree["mof"]
    page = client.get(reverse("portal:people")).content.decode()
    assert '<option value="財政部 › 秘書處">' in page  # the browser's suggestions
    unknown = invite_on_the_page(
        client, supervisor, name="乙", email="b1@mof.gov.tw", agency="教育部", role="head"
    )
    assert (
        unknown.status_code == 400 and "「教育部」不在您可授予角色的機關或單位中" in unknown.content.decode()
    )


def test_a_large_tree_suggests_places_as_the_name_is_typed(client, agency_tree, supervisor, monkeypatch):
    from servq.portal import people

    monkeypatch.setattr(people, "PLACES_SUGGESTED", 2)
    client.force_login(supervisor)
    page = client.get(reverse("portal:people")).content.decode()
    assert f'hx-get="{reverse("portal:grantable_places")}"' in page
    datalist = page.split('<datalist id="grantable-places">', 1)[1].split("</datalist>", 1)[0]
    assert datalist.count("<option") == 2  # the first two; the rest come as the name is typed
    more = client.get(reverse("portal:grantable_places"), {"agency": "秘書"}).content.decode()
    assert more.strip() == '<option value="財政部 › 秘書處">'
    done = invite_on_the_page(
        client, supervisor, name="丙", email="c1@mof.gov.tw", agency="臺北國稅局", role="head"
    )
    assert done.status_code == 200 and Invitation.objects.get().agency == agency_tree["ntbt"]
