"""Two staff acting on one case at once: the first wins, the second is told what changed."""

from __future__ import annotations

import pytest

from servq.cases import services
from servq.cases.models import Case
from tests.races import collide, needs_postgresql, refused_in_words

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    needs_postgresql()


def test_a_transfer_and_a_reply_at_once(agency_tree, handler, file_case):
    case, _ = file_case()
    moved, replied = collide(
        lambda: services.transfer(by=handler, case=case, to=agency_tree["moea"], reason="屬經濟部權責"),
        lambda: services.reply(by=handler, case=case, outcome="resolved", text="已處理"),
    )
    assert isinstance(moved, Case)
    refused_in_words(replied, "移文至經濟部")
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.agency == agency_tree["moea"] and fresh.reply == ""


def test_two_replies_at_once(handler, file_case):
    case, _ = file_case()
    first, second = collide(
        lambda: services.reply(by=handler, case=case, outcome="resolved", text="第一位的回覆"),
        lambda: services.reply(by=handler, case=case, outcome="resolved", text="第二位的回覆"),
    )
    assert isinstance(first, Case)
    refused_in_words(second, "已回覆結案")
    assert Case.objects.get(pk=case.pk).reply == "第一位的回覆"


def test_a_reply_and_a_transfer_at_once(agency_tree, handler, file_case):
    case, _ = file_case()
    replied, moved = collide(
        lambda: services.reply(by=handler, case=case, outcome="resolved", text="已處理"),
        lambda: services.transfer(by=handler, case=case, to=agency_tree["moea"], reason="屬經濟部權責"),
    )
    assert isinstance(replied, Case)
    refused_in_words(moved, "已回覆結案")
    assert Case.objects.get(pk=case.pk).agency == agency_tree["mof"]
