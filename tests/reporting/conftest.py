from __future__ import annotations

import pytest

from servq.plans.models import ItemUnit
from tests.factories import PlanFactory, PlanItemFactory, open_cycle


@pytest.fixture
def supervisor(agency_tree, user_with_role):
    return user_with_role(agency_tree["root"], "supervisor", username="rdec", email="rdec@example.gov.tw")


@pytest.fixture
def coordinator(agency_tree, user_with_role):
    return user_with_role(agency_tree["mof"], "coordinator", username="lin", email="lin@example.gov.tw")


@pytest.fixture
def cycle(agency_tree, supervisor):
    return open_cycle(agency_tree, supervisor, year=2026)


@pytest.fixture
def plan(cycle, agency_tree):
    """財政部's approved 115年 plan: three items, the first assigned to its 秘書處."""
    plan = PlanFactory(
        program=cycle.program,
        agency=agency_tree["mof"],
        cycle=cycle,
        status="approved",
        first_year=2026,
        last_year=2026,
    )
    items = [PlanItemFactory(plan=plan, position=n) for n in range(3)]
    ItemUnit.objects.create(item=items[0], name="秘書處", unit=agency_tree["mof_unit"])
    return plan


@pytest.fixture
def quarters(cycle, supervisor):
    from servq.reporting import services

    return services.set_up_periods(
        by=supervisor, cycle=cycle, frequency="quarterly", due_rule="結束後10個工作日內"
    )
