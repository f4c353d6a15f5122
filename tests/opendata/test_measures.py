"""Open-data measures by hand: datasets published by the end, and the agencies that publish any."""

from __future__ import annotations

import datetime as dt

from servq.core.measures import Scope, get
from servq.opendata.models import Dataset


def test_publishing_agencies_and_datasets_by_the_end_of_the_range(agency_tree):
    def dataset(agency, state="published", on=dt.date(2026, 3, 1)):
        Dataset.objects.create(
            agency=agency, title="預算", description="年度預算", state=state, published_on=on
        )

    dataset(agency_tree["mof"])
    dataset(agency_tree["mof"])
    dataset(agency_tree["ntbt"])
    dataset(agency_tree["moea"], state="planned", on=None)
    dataset(agency_tree["moea"], on=dt.date(2027, 1, 5))  # published after the range
    scope = Scope(agency_tree["root"].path, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert get("opendata.published").value(scope) == 3
    assert get("opendata.publishing_agencies").value(scope) == 2
