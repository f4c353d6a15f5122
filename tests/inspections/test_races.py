"""Two people deciding on one finding at once: the first decision stands, the second is refused."""

from __future__ import annotations

import pytest

from servq.inspections import services
from servq.inspections.models import Finding
from tests.races import collide, needs_postgresql, refused_in_words

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_decisions_on_one_reply_at_once(agency_tree, inspector, sent_finding, user_with_role):
    needs_postgresql()
    coordinator = user_with_role(agency_tree["ntbt"], "coordinator")
    services.answer(by=coordinator, finding=sent_finding, text="已於首頁更新最新消息")
    closed, kept = collide(
        lambda: services.decide(by=inspector, finding=sent_finding, action="accept"),
        lambda: services.decide(by=inspector, finding=sent_finding, action="keep_open", note="再觀察一個月"),
    )
    assert isinstance(closed, Finding)
    refused_in_words(kept, "不能")
    assert Finding.objects.get(pk=sent_finding.pk).closed_on is not None
