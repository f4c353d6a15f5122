"""Sign-in stops for a while after repeated failures: a password is not guessed by trying."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "servq-test-pass"


def sign_in(client, username, password, address="192.0.2.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_ten_failures_stop_the_account_even_with_the_right_password(client):
    UserFactory(username="officer")
    UserFactory(username="colleague")
    for _ in range(10):
        assert sign_in(client, "officer", "wrong").status_code == 200
    stopped = sign_in(client, "Officer", PASSWORD)  # the account, however it is typed
    assert stopped.status_code == 429
    assert "登入失敗次數過多" in stopped.text
    assert 'value="Officer"' in stopped.text  # what was typed is kept
    assert "_auth_user_id" not in client.session
    assert sign_in(client, "colleague", PASSWORD).status_code == 302  # another account signs in


def test_unicode_variants_of_a_name_count_against_the_same_account(client):
    UserFactory(username="nobody")
    # Each variant signs in to 「nobody」 (Django reads the name in NFKC), so each counts against it.
    variants = ["ｎｏｂｏｄｙ", "nobodｙ", "ＮＯＢＯＤＹ", " nobody", "nobody"]
    for attempt in range(10):
        assert sign_in(client, variants[attempt % len(variants)], "wrong").status_code == 200
    for variant in variants:
        assert sign_in(client, variant, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_successful_sign_ins_are_not_counted(client):
    UserFactory(username="officer")
    for _ in range(12):
        assert sign_in(client, "officer", PASSWORD).status_code == 302
        client.logout()


def test_many_accounts_from_one_address_are_stopped(client, settings):
    from servq.portal import views

    settings.RATELIMIT_ENABLE = True
    views.FAILED_LOGINS_PER_ADDRESS = "5/h"
    try:
        for n in range(5):
            sign_in(client, f"guess{n}", "wrong")
        assert sign_in(client, "guess-next", "wrong").status_code == 429
        assert sign_in(client, "guess-next", "wrong", address="198.51.100.7").status_code == 200
    finally:
        views.FAILED_LOGINS_PER_ADDRESS = "100/h"
