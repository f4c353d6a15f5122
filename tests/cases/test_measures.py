"""The after-handling satisfaction measure by hand: cases closed in the range that the citizen rated."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from servq.cases.models import Case
from servq.core.measures import Scope, get


def test_after_satisfaction_is_the_share_rating_four_or_five(agency_tree, staff_with_a_case):
    _, case = staff_with_a_case
    now = timezone.now()
    scope = Scope(agency_tree["root"].path, now.date() - dt.timedelta(days=1), now.date())
    assert get("cases.after_satisfaction").value(scope) is None  # nobody rated: 無資料, not 0 %
    Case.objects.filter(pk=case.pk).update(state="closed", closed_at=now, satisfaction=4)
    assert get("cases.after_satisfaction").value(scope) == Decimal("100.0")
    Case.objects.filter(pk=case.pk).update(satisfaction=3)
    assert get("cases.after_satisfaction").value(scope) == Decimal("0.0")
    elsewhere = Scope(agency_tree["moea"].path, scope.start, scope.end)
    assert get("cases.after_satisfaction").value(elsewhere) is None
