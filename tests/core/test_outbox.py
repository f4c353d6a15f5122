"""Every outbox isolates failures per message: a poisoned message first in line stops nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from servq.cases import services as case_services
from servq.cases.models import CitizenMail
from servq.core import outbox
from servq.core.rules import retry_delay, valid_email


@pytest.fixture(autouse=True)
def strict_smtp(settings):
    settings.EMAIL_BACKEND = "tests.strict_mail.StrictBackend"
    settings.SERVQ_OUTBOX_MAX_ATTEMPTS = 3


def queue(*addresses: str) -> list[CitizenMail]:
    # Written straight to the table: rows left by an older release or by an address rule since tightened.
    return [CitizenMail.objects.create(to=a, subject="案件受理通知", body="查詢密碼 XYZ") for a in addresses]


def test_a_poisoned_message_first_in_line_does_not_stop_the_others(db):
    poisoned, *_good = queue("a,b@example.com", "ming@example.tw", "hua@example.tw")
    assert case_services.send_pending_mail() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["hua@example.tw", "ming@example.tw"]
    poisoned.refresh_from_db()
    assert poisoned.sent_at is None and poisoned.attempts == 1
    assert "SMTPRecipientsRefused" in poisoned.last_error
    assert poisoned.next_attempt_at > timezone.now()
    assert poisoned.delivery_state == "pending"


def test_a_failing_message_waits_its_back_off_then_dies_after_the_last_attempt(db):
    (poisoned,) = queue("a,b@example.com")
    for attempt in range(1, 4):
        assert case_services.send_pending_mail() == 0
        poisoned.refresh_from_db()
        assert poisoned.attempts == attempt
        assert case_services.send_pending_mail() == 0  # still backing off: not tried again
        assert CitizenMail.objects.get(pk=poisoned.pk).attempts == attempt
        CitizenMail.objects.filter(pk=poisoned.pk).update(
            next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
        )
    poisoned.refresh_from_db()
    assert poisoned.delivery_state == "dead" and poisoned.failed_at is not None
    assert case_services.send_pending_mail() == 0
    assert CitizenMail.objects.get(pk=poisoned.pk).attempts == 3


def test_the_operator_sees_dead_messages_and_can_retry_them(db, capsys):
    (poisoned,) = queue("a,b@example.com")
    CitizenMail.objects.filter(pk=poisoned.pk).update(
        failed_at=timezone.now(), attempts=3, last_error="refused"
    )
    call_command("outbox")
    out = capsys.readouterr().out
    assert "cases.CitizenMail: 0 pending, 0 sent, 1 dead" in out
    assert f"dead #{poisoned.pk} after 3 attempts: refused" in out
    call_command("outbox", "--retry-dead")
    poisoned.refresh_from_db()
    assert poisoned.delivery_state == "pending" and poisoned.attempts == 0


def test_one_transaction_per_message_so_a_failure_rolls_back_nothing_else(db):
    queue("ming@example.tw", "a,b@example.com", "hua@example.tw")
    result = outbox.deliver(CitizenMail.objects.all(), case_services._send_citizen_mail)
    assert (result.sent, result.failed, result.dead) == (2, 1, 0)
    assert CitizenMail.objects.filter(sent_at__isnull=False).count() == 2


def test_back_off_grows_and_is_capped():
    delays = [retry_delay(n) for n in range(1, 9)]
    assert delays[0] == dt.timedelta(minutes=1) and delays[1] == dt.timedelta(minutes=4)
    assert delays == sorted(delays)
    assert delays[-1] == dt.timedelta(hours=6)


@pytest.mark.parametrize(
    "address",
    ["lin@mof.gov.tw", "first.last+tag@example.com.tw", "o'brien@example.ie", "x@xn--kpry57d.tw"],
)
def test_plain_addresses_pass_the_one_rule(address):
    assert valid_email(address)


@pytest.mark.parametrize(
    "address",
    [
        "a,b@example.com",
        "a@b.tw, c@d.tw",
        "a@b.tw;c@d.tw",
        "王小明 <ming@example.tw>",
        '"a,b"@example.com',
        "ming@example",
        "ming@-example.tw",
        "ming@example..tw",
        ".ming@example.tw",
        "ming.@example.tw",
        "ming@@example.tw",
        "ming@example.tw\r\nBcc: x@y.tw",
        "<script>@x.tw",
        "a" * 65 + "@example.tw",
        "ming@" + "a" * 250 + ".tw",
        "",
    ],
)
def test_lists_display_names_and_odd_forms_are_refused(address):
    assert not valid_email(address)
