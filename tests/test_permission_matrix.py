"""Every registered permission × every role × inside and outside the agency subtree.

The objects belong to 財政部 (mof). "inside" users hold their role at 財政部 (unit staff at its
秘書處, the unit the item and the case are assigned to); "above" users at 行政院, its parent body;
"outside" users at 經濟部, its sibling. The table below is the rulebook in one place: a permission
registered without a row here fails the first test.
"""

from __future__ import annotations

import pytest
import rules as django_rules

from servq.agencies.rules import Role
from servq.core.permissions import has_perm
from tests.factories import PlanFactory, PlanItemFactory, open_cycle

S, C, U, R, H = Role.SUPERVISOR, Role.COORDINATOR, Role.UNIT_STAFF, Role.REVIEWER, Role.HEAD
EVERYONE = {S, C, U, R, H}

# permission → (the object it is asked about, roles allowed inside, roles allowed from above)
MATRIX: dict[str, tuple[str, set[Role], set[Role]]] = {
    "agencies.act_on_agency": ("agency", {S, C, R, H}, {S}),
    "agencies.read_audit": ("agency", {S}, {S}),
    "plans.author_plan": ("plan", {S, C}, set()),
    "plans.review_plan": ("plan", {S}, {S}),
    "plans.edit_unit_items": ("plan", {U}, set()),
    "reporting.supervise_cycle": ("cycle", set(), {S}),
    "reporting.report_on_item": ("item", {S, C, U}, set()),
    "reporting.compile_year_end": ("agency", {S, C}, {S}),
    "reporting.sign_year_end": ("agency", {H}, set()),
    "cases.handle_case": ("case", {S, C, U}, {S}),
    "cases.see_personal_data": ("case", {S, U}, {S}),
    "cases.configure_cases": ("body", set(), {S}),
    "webcheck.manage_sites": ("agency", {S, C}, {S}),
    "services.manage_catalogue": ("agency", {S, C}, {S}),
    "services.take_applications": ("agency", {S, C, U}, set()),
    "inspections.inspect": ("agency", {S}, {S}),
    # The finding's agency answers it; so does its 主管機關 (the agency above: here 行政院).
    "inspections.answer_finding": ("finding", {C}, {S, C}),
    "awards.organize": ("agency", {S}, {S}),
    "awards.enter": ("agency", {S, C}, {S}),
    "surveys.run_surveys": ("agency", {S, C}, {S}),
    # The agency's coordinator and its units' staff keep its FAQ (unit staff sit in its units).
    "faq.keep_faq": ("agency", {S, C, U}, {S}),
    "opendata.keep_datasets": ("agency", {S, C, U}, {S}),
    # Approval before publication: the agency's coordinator or a supervisor, never unit staff.
    "opendata.approve_datasets": ("agency", {S, C}, {S}),
}
SERVQ_APPS = (
    "agencies.",
    "plans.",
    "reporting.",
    "cases.",
    "webcheck.",
    "search.",
    "core.",
    "services.",
    "inspections.",
    "awards.",
    "surveys.",
    "faq.",
    "opendata.",
)


def test_every_registered_permission_is_in_the_matrix():
    registered = {name for name in django_rules.permissions.permissions if name.startswith(SERVQ_APPS)}
    assert registered == set(MATRIX)


@pytest.fixture
def objects(agency_tree, user_with_role):
    from servq.cases import services as case_services
    from servq.cases.models import CaseCategory
    from servq.cases.services import load_default_categories

    supervisor = user_with_role(agency_tree["root"], S)
    cycle = open_cycle(agency_tree, supervisor, year=2026)
    plan = PlanFactory(agency=agency_tree["mof"], cycle=cycle, status="approved")
    item = PlanItemFactory(plan=plan)
    item.units.create(name="秘書處", unit=agency_tree["mof_unit"], position=0)
    load_default_categories(by=None, body=agency_tree["root"])
    CaseCategory.objects.filter(body=agency_tree["root"]).update(agency=agency_tree["mof"])
    category = CaseCategory.objects.filter(body=agency_tree["root"]).first()
    case, _ = case_services.submit_case(
        channel="web", body=agency_tree["root"], category=category, description="路燈不亮"
    )
    case.unit = agency_tree["mof_unit"]
    case.save(update_fields=["unit"])
    from servq.inspections.models import Finding

    finding = Finding.objects.create(body=agency_tree["root"], agency=agency_tree["mof"], text="缺失")
    return {
        "finding": finding,
        "agency": agency_tree["mof"],
        "plan": plan,
        "cycle": cycle,
        "item": item,
        "case": case,
        # Case configuration belongs to the body that receives cases: here 行政院, so the
        # "inside" (財政部) users configure nothing and 行政院's supervisor does.
        "body": agency_tree["root"],
    }


@pytest.mark.parametrize("permission", sorted(MATRIX))
def test_permission_by_role_inside_above_and_outside(permission, objects, agency_tree, user_with_role):
    kind, inside, above = MATRIX[permission]
    obj = objects[kind]
    wrong = []
    for role in Role:
        where = {
            "inside": agency_tree["mof_unit"] if role == U else agency_tree["mof"],
            "above": agency_tree["root"],
            "outside": agency_tree["moea_unit"] if role == U else agency_tree["moea"],
        }
        if role == U:  # unit staff belong to a unit; 行政院 itself has none to grant them
            del where["above"]
        expected = {"inside": role in inside, "above": role in above, "outside": False}
        for place, agency in where.items():
            user = user_with_role(agency, role)
            if has_perm(user, permission, obj) != expected[place]:
                wrong.append(f"{role} {place}: expected {expected[place]}")
    assert wrong == []


def test_unit_staff_are_granted_only_in_units(agency_tree):
    from servq.agencies import services
    from tests.factories import UserFactory

    with pytest.raises(services.AgencyError, match="不是單位"):
        services.grant_role(by=None, user=UserFactory(), agency=agency_tree["mof"], role=U)


def test_the_system_actor_and_anonymous_users_hold_no_permission(objects):
    from django.contrib.auth.models import AnonymousUser

    for permission, (kind, _inside, _above) in MATRIX.items():
        assert not has_perm(None, permission, objects[kind])
        assert not has_perm(AnonymousUser(), permission, objects[kind])


def test_a_superuser_holds_every_permission(objects):
    from tests.factories import UserFactory

    admin = UserFactory(is_superuser=True)
    for permission, (kind, _inside, _above) in MATRIX.items():
        assert has_perm(admin, permission, objects[kind]), permission
