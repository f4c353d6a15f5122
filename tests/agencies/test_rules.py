import pytest

from servq.agencies import rules
from servq.agencies.rules import Grant, may_act_on, reach_prefixes


def test_user_acts_on_own_agency_only():
    grants = [Grant("/ey/mof/", "coordinator")]
    assert may_act_on(grants, "/ey/mof/")
    assert not may_act_on(grants, "/ey/mof/ntbt/")
    assert not may_act_on(grants, "/ey/moea/")


def test_supervisor_acts_on_subtree():
    grants = [Grant("/ey/mof/", "supervisor")]
    assert may_act_on(grants, "/ey/mof/ntbt/")
    assert not may_act_on(grants, "/ey/moea/")


def test_reach_prefixes_drops_paths_inside_a_supervised_subtree():
    grants = [Grant("/ey/", "supervisor"), Grant("/ey/mof/", "supervisor"), Grant("/ey/mof/", "coordinator")]
    exact, subtrees = reach_prefixes(grants)
    assert subtrees == {"/ey/"}
    assert exact == set()


def test_a_path_and_its_ancestors_root_first():
    from servq.agencies.rules import path_and_ancestors

    assert path_and_ancestors("/ey/mof/ntbt/") == ["/ey/", "/ey/mof/", "/ey/mof/ntbt/"]
    assert path_and_ancestors("/ey/") == ["/ey/"]


def test_the_coordinator_here_or_a_supervisor_above_runs_an_agency():
    from servq.agencies.rules import Grant, Role, coordinates_or_supervises

    ministry, unit, sibling = "/ey/mof/", "/ey/mof/sec/", "/ey/moea/"
    assert coordinates_or_supervises([Grant(ministry, Role.COORDINATOR)], ministry)
    assert coordinates_or_supervises([Grant("/ey/", Role.SUPERVISOR)], ministry)
    assert not coordinates_or_supervises([Grant("/ey/", Role.COORDINATOR)], ministry)  # not above
    assert not coordinates_or_supervises([Grant(sibling, Role.COORDINATOR)], ministry)
    assert not coordinates_or_supervises([Grant(unit, Role.UNIT_STAFF)], ministry)
    assert not coordinates_or_supervises([Grant(unit, Role.SUPERVISOR)], ministry)  # below


# Who may grant what (issue 34.3): the permission matrix of the one rule.
MOF, NTBT, MOF_UNIT, MOEA = "/ey/mof/", "/ey/mof/ntbt/", "/ey/mof/sec/", "/ey/moea/"


@pytest.mark.parametrize(
    ("grants", "role", "target", "is_unit", "allowed"),
    [
        # a supervisor of the body grants anything in the subtree, at the right kind of place
        ([Grant("/ey/", "supervisor")], "coordinator", MOF, False, True),
        ([Grant("/ey/", "supervisor")], "head", NTBT, False, True),
        ([Grant("/ey/", "supervisor")], "supervisor", MOF, False, True),
        ([Grant("/ey/", "supervisor")], "unit_staff", MOF_UNIT, True, True),
        ([Grant("/ey/", "supervisor")], "unit_staff", MOF, False, False),  # unit staff sit in a unit
        ([Grant("/ey/", "supervisor")], "coordinator", MOF_UNIT, True, False),
        # a ministry's supervisor does not reach a sibling ministry
        ([Grant(MOF, "supervisor")], "coordinator", MOEA, False, False),
        # a coordinator grants unit staff in their own agency's units, nothing else
        ([Grant(MOF, "coordinator")], "unit_staff", MOF_UNIT, True, True),
        ([Grant(MOF, "coordinator")], "coordinator", MOF, False, False),
        ([Grant(MOF, "coordinator")], "head", MOF, False, False),
        ([Grant(MOF, "coordinator")], "supervisor", NTBT, False, False),
        ([Grant(MOF, "coordinator")], "unit_staff", "/ey/mof/ntbt/it/", True, False),  # a 分局's unit
        ([Grant(MOF, "coordinator")], "unit_staff", "/ey/moea/it/", True, False),
        # heads, unit staff and reviewers grant nothing
        ([Grant(MOF, "head")], "unit_staff", MOF_UNIT, True, False),
        ([Grant(MOF_UNIT, "unit_staff")], "unit_staff", MOF_UNIT, True, False),
        ([Grant(MOF, "reviewer")], "reviewer", MOF, False, False),
        ([], "unit_staff", MOF_UNIT, True, False),
    ],
)
def test_who_may_grant_what(grants, role, target, is_unit, allowed):
    assert rules.may_grant(grants, rules.Role(role), target, is_unit) is allowed


@pytest.mark.parametrize(
    ("ties", "entry", "conflicted"),
    [
        ({MOF}, MOF, True),  # their own agency
        ({MOF}, NTBT, True),  # below it
        ({NTBT}, MOF, True),  # above it
        ({MOF_UNIT}, MOF, True),  # a unit of it
        ({MOF}, MOEA, False),  # a sibling
        ({"/ey/"}, MOF, False),  # the organising body's own staff (003's 初評小組)
        (set(), MOF, False),
    ],
)
def test_who_is_conflicted_in_reviewing_an_agency(ties, entry, conflicted):
    assert rules.in_conflict(ties, entry, "/ey/") is conflicted
