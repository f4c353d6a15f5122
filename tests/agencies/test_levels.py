"""Agency levels are the body's data (issue 24.5): any names, any depth, shown where kinds were."""

from __future__ import annotations

import pytest

from servq.agencies import services
from servq.agencies.models import AgencyLevel
from servq.agencies.services import AgencyError

pytestmark = pytest.mark.django_db


def test_levels_are_named_by_the_body_at_any_depth(agency_tree):
    ntbt = agency_tree["ntbt"]
    branch = services.create_agency(
        by=None, code="ntbt-zz", name="中正分局", kind="agency", parent=ntbt, level="分局"
    )
    office = services.create_agency(
        by=None, code="ntbt-zz-x", name="某稽徵所", kind="agency", parent=branch, level="稽徵所"
    )
    enterprise = services.create_agency(
        by=None, code="ttl", name="臺灣菸酒公司", kind="agency", parent=agency_tree["mof"], level="事業機構"
    )
    levels = {level.name: level.rank for level in AgencyLevel.objects.filter(body=agency_tree["root"])}
    assert levels == {"分局": 3, "稽徵所": 4, "事業機構": 2}
    assert (branch.level_label, office.level_label, enterprise.level_label) == ("分局", "稽徵所", "事業機構")


def test_an_agency_without_a_level_shows_its_kind(agency_tree):
    assert agency_tree["mof"].level_label == "機關"


def test_a_level_is_defined_once_per_body_and_ranked_by_a_supervisor(agency_tree):
    root = agency_tree["root"]
    level = services.define_level(by=None, body=root, name="三級機關", rank=3)
    again = services.define_level(by=None, body=root, name="三級機關", rank=2)
    assert again.pk == level.pk and AgencyLevel.objects.get(pk=level.pk).rank == 2
    with pytest.raises(AgencyError, match="不是上級機關"):
        services.define_level(by=None, body=agency_tree["mof"], name="一級機關", rank=1)
    with pytest.raises(AgencyError, match="1 到 40"):
        services.define_level(by=None, body=root, name=" ", rank=1)


def test_the_directory_shows_the_level_the_body_named(client, agency_tree, user_with_role):
    services.create_agency(
        by=None, code="ntbt-zz", name="中正分局", kind="agency", parent=agency_tree["ntbt"], level="分局"
    )
    client.force_login(user_with_role(agency_tree["root"], "supervisor"))
    page = client.get("/agencies/").content.decode()
    assert "中正分局" in page and "分局</td>" in page
