"""The whole review matrix: every action × every state × every kind of user, allowed and refused."""

from __future__ import annotations

import itertools

import pytest

from servq.plans import rules, services
from servq.plans.models import Plan, PlanStatus
from tests.factories import PlanFactory, PlanItemFactory

pytestmark = pytest.mark.django_db

STATES = [s for s in PlanStatus.values if s != PlanStatus.SUPERSEDED]
# Who acts, relative to a plan of 財政部 (mof): the key names the role and where it is held.
ACTORS = {
    "coordinator_own": ("mof", "coordinator"),
    "coordinator_other": ("moea", "coordinator"),
    "supervisor_parent": ("root", "supervisor"),
    "supervisor_other": ("moea", "supervisor"),
    "unit_staff_own": ("mof_unit", "unit_staff"),
    "head_own": ("mof", "head"),
    "reviewer_parent": ("root", "reviewer"),
}
# The expected outcome, written out by hand from the workflow the seeds describe.
ALLOWED = {
    ("submit", "draft", "coordinator_own"),
    ("submit", "returned", "coordinator_own"),
    ("withdraw", "submitted", "coordinator_own"),
    ("return", "submitted", "supervisor_parent"),
    ("approve", "submitted", "supervisor_parent"),
    ("publish", "approved", "coordinator_own"),
    ("publish", "approved", "supervisor_parent"),
    ("revise", "published", "coordinator_own"),
}


@pytest.mark.parametrize(
    ("action", "state", "actor"), list(itertools.product(rules.TRANSITIONS, STATES, ACTORS))
)
def test_transition_matrix(action, state, actor, agency_tree, user_with_role):
    place, role = ACTORS[actor]
    user = user_with_role(agency_tree[place], role)
    plan = PlanFactory(agency=agency_tree["mof"], status=state)
    PlanItemFactory(plan=plan, unit="秘書處")
    expected = (action, state, actor) in ALLOWED
    if expected:
        result = services.transition(
            by=user, plan=plan, action=action, comment="請補充指標", revision_note="配合新方案修正"
        )
        if action == "revise":
            assert result.version == 2 and result.status == "draft" and result.items.count() == 1
        else:
            assert result.status == rules.TRANSITIONS[action].target
    else:
        with pytest.raises(rules.TransitionRefused):
            services.transition(by=user, plan=plan, action=action, comment="意見", revision_note="理由")
        plan.refresh_from_db()
        assert plan.status == state
        assert Plan.objects.count() == 1
