"""Issue 33.13: dates in 民國 on the Chinese pages, in the Gregorian calendar on the English pages
(「115年 year-end report」 and ROC dates stood on English pages)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

DAY = dt.date(2026, 3, 5)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hant", "115年3月5日｜115年3月｜115年"),
        ("en", "5 March 2026｜March 2026｜2026"),
    ],
)
def test_a_date_is_written_in_the_calendar_of_the_pages_language(language, expected):
    page = Template("{% load roc %}{{ day|roc }}｜{{ day|roc_month }}｜{{ year|roc_year }}")
    with translation.override(language):
        assert page.render(Context({"day": DAY, "year": 2026})) == expected


def test_the_year_end_heading_in_english_names_the_gregorian_year(client, agency_tree, user_with_role, db):
    from django.urls import reverse

    from tests.factories import open_cycle

    supervisor = user_with_role(agency_tree["root"], "supervisor")
    cycle = open_cycle(agency_tree, supervisor, year=2026)
    client.force_login(supervisor)
    url = reverse("reporting:year_end", args=[cycle.pk, agency_tree["root"].pk])
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "2026 year-end report" in english and "115年 year-end" not in english  # the title is data
