"""Two supervisors reviewing one plan at once: one decision stands, the other is refused in words."""

from __future__ import annotations

import pytest

from servq.plans import services
from servq.plans.models import Plan, PlanStatus
from tests.factories import PlanFactory, PlanItemFactory
from tests.races import collide, needs_postgresql, refused_in_words

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_approval_and_a_return_at_once(agency_tree, user_with_role):
    needs_postgresql()
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    first, second = (user_with_role(agency_tree["root"], "supervisor") for _ in range(2))
    plan = PlanFactory(agency=agency_tree["mof"], status="draft")
    PlanItemFactory(plan=plan, text="簡化申辦流程", unit="秘書處")
    services.transition(by=coordinator, plan=plan, action="submit")
    approved, returned = collide(
        lambda: services.transition(by=first, plan=plan, action="approve"),
        lambda: services.transition(by=second, plan=plan, action="return", comment="請補上指標"),
    )
    assert isinstance(approved, Plan)
    refused_in_words(returned, "退回")
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.APPROVED
