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
