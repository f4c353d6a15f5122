"""A second factor for staff (issue 34.6): whoever set one up gives a code after the password; a
body can require it of its supervisors and coordinators; recovery codes work once."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from servq.agencies import services
from servq.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def waited(user) -> None:
    """As if the person waited out the hold-back a wrong code puts on each of their devices."""
    from django_otp import devices_for_user

    for device in devices_for_user(user, confirmed=None):
        device.throttle_reset()


def sign_in(client, user):
    assert client.login(username=user.username, password="servq-test-pass")


def test_a_required_second_factor_is_set_up_before_anything_else(client, agency_tree, user_with_role):
    supervisor = user_with_role(agency_tree["root"], "supervisor")
    services.require_second_factor(by=supervisor, body=agency_tree["root"], required=True)
    sign_in(client, supervisor)
    assert client.get("/people/")["Location"] == reverse("second_factor")
    page = client.get(reverse("second_factor")).content.decode()
    assert "<svg" in page and re.search(r"<code>[A-Z2-7]{16,}</code>", page)
    device = TOTPDevice.objects.get(user=supervisor)
    wrong = client.post(
        reverse("second_factor"), {"code": "000000" if code_of(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 400 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    TOTPDevice.objects.get(pk=device.pk).throttle_reset()  # a wrong code holds the next try back a while
    done = client.post(reverse("second_factor"), {"code": code_of(device)})
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == 10 and TOTPDevice.objects.get(pk=device.pk).confirmed
    assert AuditEntry.objects.filter(action="person.second_factor").exists()
    assert client.get("/people/").status_code == 200  # verified for this session


def test_a_set_up_factor_is_asked_after_the_password_and_a_recovery_code_works_once(
    client, agency_tree, user_with_role
):
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    recovery = coordinator.staticdevice_set.create(name="recovery", confirmed=True)
    StaticToken.objects.create(device=recovery, token="abcd1234")
    sign_in(client, coordinator)
    asked = client.get("/people/")
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("second_factor_verify"))
    refused = client.post(reverse("second_factor_verify"), {"code": "12345", "next": "/people/"})
    assert refused.status_code == 400 and client.get("/people/").status_code == 302
    right_away = client.post(reverse("second_factor_verify"), {"code": code_of(device), "next": "/people/"})
    assert right_away.status_code == 400, "a guess right after a wrong one is throttled"
    waited(coordinator)
    ok = client.post(reverse("second_factor_verify"), {"code": code_of(device), "next": "/people/"})
    assert ok["Location"] == "/people/" and client.get("/people/").status_code == 200

    client.logout()
    sign_in(client, coordinator)
    client.post(reverse("second_factor_verify"), {"code": "abcd1234"})
    assert client.get("/people/").status_code == 200
    client.logout()
    sign_in(client, coordinator)
    client.post(reverse("second_factor_verify"), {"code": "abcd1234"})  # spent
    assert client.get("/people/").status_code == 302


def test_the_verify_page_never_sends_elsewhere(client, agency_tree, user_with_role):
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    sign_in(client, coordinator)
    away = client.post(
        reverse("second_factor_verify"), {"code": code_of(device), "next": "https://evil.example/"}
    )
    assert away["Location"] == reverse("portal:home")


def test_only_the_bodys_supervisor_sets_the_rule(client, agency_tree, user_with_role):
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    with pytest.raises(services.AgencyError, match="只有行政院的研考督導"):
        services.require_second_factor(by=coordinator, body=agency_tree["root"], required=True)
    client.force_login(coordinator)
    client.post(
        reverse("agencies:second_factor_rule"),
        {"body": agency_tree["root"].pk, "required": "yes", "confirm": "yes"},
    )
    agency_tree["root"].refresh_from_db()
    assert not agency_tree["root"].requires_second_factor
