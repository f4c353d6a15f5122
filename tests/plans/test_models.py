"""Each invariant of plans held by the database itself."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from servq.plans.models import IndicatorTarget, ItemUnit, Plan, PlanItem, Program
from tests.factories import FrameworkNodeFactory, PlanFactory, PlanItemFactory

pytestmark = pytest.mark.django_db


def refused(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


def test_program_years_are_ordered():
    refused(lambda: Program.objects.create(slug="x", name="方案", first_year=2020, last_year=2017))


def test_plan_years_are_ordered(agency_tree):
    plan = PlanFactory(agency=agency_tree["mof"])
    refused(lambda: Plan.objects.filter(pk=plan.pk).update(first_year=2030))


def test_plan_kind_and_status_are_known(agency_tree):
    plan = PlanFactory(agency=agency_tree["mof"])
    refused(lambda: Plan.objects.filter(pk=plan.pk).update(kind="wish_list"))
    refused(lambda: Plan.objects.filter(pk=plan.pk).update(status="lost"))


def test_plan_is_not_its_own_parent(agency_tree):
    plan = PlanFactory(agency=agency_tree["mof"])
    refused(lambda: Plan.objects.filter(pk=plan.pk).update(parent=plan))


def test_one_plan_per_program_agency_title_and_year(agency_tree):
    plan = PlanFactory(agency=agency_tree["mof"], title="同名計畫")
    refused(lambda: PlanFactory(agency=agency_tree["mof"], title="同名計畫", program=plan.program))


def test_item_positions_are_unique_within_a_plan(agency_tree):
    plan = PlanFactory(agency=agency_tree["mof"])
    PlanItemFactory(plan=plan, position=1)
    refused(lambda: PlanItemFactory(plan=plan, position=1))


def test_framework_positions_are_unique_and_not_self_parented(agency_tree):
    plan = PlanFactory(agency=agency_tree["mof"])
    node = FrameworkNodeFactory(plan=plan, position=1)
    refused(lambda: FrameworkNodeFactory(plan=plan, position=1))
    from servq.plans.models import FrameworkNode

    refused(lambda: FrameworkNode.objects.filter(pk=node.pk).update(parent=node))


def test_deadline_kind_is_known_and_open_deadlines_have_no_due_date(agency_tree):
    item = PlanItemFactory(plan=PlanFactory(agency=agency_tree["mof"]))
    refused(lambda: PlanItem.objects.filter(pk=item.pk).update(deadline_kind="someday"))
    refused(
        lambda: PlanItem.objects.filter(pk=item.pk).update(
            deadline_kind="continuous", deadline_due="2017-12-31"
        )
    )


def test_a_unit_is_listed_once_per_item(agency_tree):
    item = PlanItemFactory(plan=PlanFactory(agency=agency_tree["mof"]))
    ItemUnit.objects.create(item=item, name="秘書處", position=0)
    refused(lambda: ItemUnit.objects.create(item=item, name="秘書處", position=1))


def test_one_target_per_indicator_and_year_and_plausible_years(agency_tree):
    plan = PlanFactory(agency=agency_tree["mof"])
    indicator = plan.indicators.create(name="開放資料集累計數", unit="項", cumulative=True)
    IndicatorTarget.objects.create(indicator=indicator, year=2015, value=720)
    refused(lambda: IndicatorTarget.objects.create(indicator=indicator, year=2015, value=960))
    refused(lambda: IndicatorTarget.objects.create(indicator=indicator, year=104, value=960))
    refused(lambda: plan.indicators.create(name="開放資料集累計數"))
    refused(lambda: plan.indicators.filter(pk=indicator.pk).update(direction="sideways"))
