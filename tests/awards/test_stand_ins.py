"""An award application the body nominated, that asked to stand in for the year-end report, does
(004: 經獲推薦參與「政府服務品質獎」機關，得以參獎申請書替代年度執行成果): the year-end page says so
and the on-time measure counts it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from servq.awards import services
from servq.awards.models import Entry
from servq.core import stand_ins
from servq.core.measures import Scope, get
from servq.reporting import services as reporting_services
from tests.factories import open_cycle


def _entry(edition, organizer, agency, *, year_end_report):
    overall = edition.categories.get(code="overall")
    return services.enter(
        by=organizer,
        edition=edition,
        agency=agency,
        category=overall,
        title="智慧稅務服務",
        answers={},
        people=[],
        year_end_report=year_end_report,
    )


def test_only_a_nominated_application_that_asked_stands_in(agency_tree, organizer, edition):
    asked = _entry(edition, organizer, agency_tree["mof"], year_end_report=True)
    _entry(edition, organizer, agency_tree["moea"], year_end_report=True)  # not nominated
    assert stand_ins.year_end(2026, [agency_tree["mof"].pk, agency_tree["moea"].pk]) == {}
    Entry.objects.filter(pk=asked.pk).update(nominated=True)
    found = stand_ins.year_end(2026, [agency_tree["mof"].pk, agency_tree["moea"].pk])
    assert list(found) == [agency_tree["mof"].pk] and "智慧稅務服務" in found[agency_tree["mof"].pk]


def test_the_year_end_page_and_the_measure_count_it(client, agency_tree, organizer, edition):
    cycle = open_cycle(agency_tree, organizer, year=2026)
    periods = reporting_services.set_up_periods(
        by=organizer, cycle=cycle, frequency="yearly", due_rule="次年1月20日前"
    )
    entry = _entry(edition, organizer, agency_tree["mof"], year_end_report=True)
    Entry.objects.filter(pk=entry.pk).update(nominated=True)
    client.force_login(organizer)
    page = client.get(reverse("reporting:year_end", args=[cycle.pk, agency_tree["mof"].pk])).content.decode()
    assert "本年度執行成果由參獎申請書替代" in page
    due = periods[-1].due_on
    scope = Scope(agency_tree["root"].path, dt.date(due.year, 1, 1), dt.date(due.year, 12, 31))
    assert get("reporting.year_end_on_time").value(scope) == Decimal("50.0")  # 財政部 of 財政部, 經濟部
