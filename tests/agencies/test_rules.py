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
