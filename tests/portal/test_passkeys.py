"""The passkey endpoints refuse what is not a real answer to their own challenge (issue 34.6); the
whole ceremony runs in Chromium (tests/browser/test_passkeys.py)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from servq.agencies.models import Passkey

pytestmark = pytest.mark.django_db


def post_json(client, name, body):
    return client.post(reverse(name), data=body, content_type="application/json")


def test_a_forged_or_oversized_answer_adds_no_passkey(client, agency_tree, user_with_role):
    client.force_login(user_with_role(agency_tree["mof"], "coordinator"))
    options = json.loads(post_json(client, "passkey_register_options", "").content)
    assert options["rp"]["id"] == "testserver" and options["challenge"]
    forged = {
        "id": "AAAA",
        "rawId": "AAAA",
        "type": "public-key",
        "response": {"clientDataJSON": "e30", "attestationObject": "oA"},
    }
    refused = post_json(client, "passkey_register", json.dumps(forged))
    assert refused.status_code == 400 and "無法驗證" in refused.json()["message"]
    replay = post_json(client, "passkey_register", json.dumps(forged))  # the challenge was spent
    assert "已失效" in replay.json()["message"]
    post_json(client, "passkey_register_options", "")
    huge = post_json(client, "passkey_register", json.dumps({"id": "x" * 70_000}))
    assert huge.status_code == 400
    assert not Passkey.objects.exists()


def test_no_passkey_is_added_past_a_second_factor_not_yet_given(client, agency_tree, user_with_role):
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    client.force_login(coordinator)
    refused = post_json(client, "passkey_register_options", "")
    assert refused.status_code == 403 and "請先以現有的雙重驗證登入" in refused.json()["message"]
