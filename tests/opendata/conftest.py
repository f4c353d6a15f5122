from __future__ import annotations

import io

import pytest

from servq.opendata import services

POPULATION = "區別,戶數,人口數\n鹽埕區,11234,22156\n鼓山區,58321,141203\n"


@pytest.fixture
def staff(agency_tree, user_with_role):
    """The unit's staff who keep the dataset and submit it."""
    return user_with_role(agency_tree["mof_unit"], "unit_staff", username="mof-data")


@pytest.fixture
def approver(agency_tree, user_with_role):
    return user_with_role(agency_tree["mof"], "coordinator", username="mof-coord")


@pytest.fixture
def dataset(agency_tree, staff):
    made = services.save_dataset(
        by=staff,
        agency=agency_tree["mof"],
        unit=agency_tree["mof_unit"],
        title="各區戶數及人口數",
        description="各行政區每月底的戶數與人口數。",
        frequency="monthly",
        keywords="人口,戶數",
    )
    services.add_upload(
        by=staff,
        dataset=made,
        name="人口",
        fmt="CSV",
        upload=io.BytesIO(POPULATION.encode("cp950")),
        filename="population.csv",
    )
    return made


@pytest.fixture
def published(dataset, staff, approver):
    services.move(by=staff, dataset=dataset, to="submit")
    services.move(by=approver, dataset=dataset, to="approve")
    return services.move(by=approver, dataset=dataset, to="publish")
