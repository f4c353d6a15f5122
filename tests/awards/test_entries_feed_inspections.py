"""An application in the award module is the agency's entry that year for the inspection plan's
「連續3年未參選」 rule (003), without anyone typing it again."""

from __future__ import annotations

from servq.inspections.models import AwardEntry


def test_entering_records_the_years_entry(agency_tree, edition, entries):
    years = set(AwardEntry.objects.filter(agency=agency_tree["mof"]).values_list("year", flat=True))
    assert years == {edition.year}
    assert AwardEntry.objects.filter(year=edition.year).count() == 3
