"""The pages that explain a value: the records behind a measure (in reach only), an indicator's
years with the override form, and the year-end report drafted from the figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from servq.opendata.models import Dataset
from servq.plans import services as plan_services
from servq.plans.models import IndicatorOverride
from servq.reporting import services
from servq.reporting.models import YearEndReport


def _published(agency, title):
    Dataset.objects.create(
        agency=agency, title=title, description="-", state="published", published_on=dt.date(2026, 2, 1)
    )


def _indicator(plan, coordinator, **changes):
    from servq.plans.models import Plan

    Plan.objects.filter(pk=plan.pk).update(status="draft")
    plan.refresh_from_db()
    fields = {
        "name": "開放資料集累計數",
        "unit": "項",
        "direction": "higher",
        "cumulative": False,
        "baseline": None,
        "targets": {2026: Decimal(2)},
        "measure_key": "opendata.published",
    }
    return plan_services.save_indicator(by=coordinator, plan=plan, **(fields | changes))


def test_the_records_behind_a_value_are_listed_for_the_agencys_own(client, agency_tree, coordinator):
    _published(agency_tree["mof"], "財政部預算書")
    _published(agency_tree["moea"], "經濟部統計")
    client.force_login(coordinator)
    url = reverse("reporting:measure", args=["opendata.published"])
    page = client.get(url, {"agency": agency_tree["mof"].pk, "start": "2026-01-01", "end": "2026-12-31"})
    body = page.content.decode()
    assert "財政部預算書" in body and "經濟部統計" not in body and "共 1 筆" in body
    assert client.get(url, {"agency": agency_tree["moea"].pk}).status_code == 404
    assert (
        client.get(
            reverse("reporting:measure", args=["no.such"]), {"agency": agency_tree["mof"].pk}
        ).status_code
        == 404
    )


def test_the_catalogue_defines_every_measure(client, coordinator):
    client.force_login(coordinator)
    body = client.get(reverse("reporting:measures")).content.decode()
    assert "累計上架的開放資料集數" in body and "主計總處「開放資料集累計分別達720" in body
    assert "opendata.published" not in body  # officials read names and definitions, not keys


def test_the_indicator_page_shows_the_measure_and_takes_an_override(client, plan, coordinator):
    _published(plan.agency, "財政部預算書")
    indicator = _indicator(plan, coordinator)
    client.force_login(coordinator)
    url = reverse("reporting:indicator", args=[indicator.pk])
    body = client.get(url).content.decode()
    assert "累計上架的開放資料集數" in body and "未達成" in body
    refused = client.post(url, {"year": "2026", "value": "3", "reason": ""})
    assert refused.status_code == 400 and "請說明更正的理由" in refused.content.decode()
    assert 'value="3"' in refused.content.decode()  # what was typed stays
    client.post(url, {"year": "2026", "value": "3", "reason": "另有 2 項在縣市平臺上架"})
    assert IndicatorOverride.objects.get(indicator=indicator).value == 3
    body = client.get(url).content.decode()
    assert "另有 2 項在縣市平臺上架" in body and "達成" in body


def test_another_agencys_indicator_is_not_found(client, plan, coordinator, agency_tree, user_with_role):
    indicator = _indicator(plan, coordinator)
    client.force_login(user_with_role(agency_tree["moea"], "coordinator"))
    assert client.get(reverse("reporting:indicator", args=[indicator.pk])).status_code == 404


def test_the_year_end_draft_is_written_from_the_figures(
    client, cycle, plan, coordinator, quarters, agency_tree
):
    _published(plan.agency, "財政部預算書")
    _indicator(plan, coordinator)
    client.force_login(coordinator)
    body = client.get(reverse("reporting:year_end", args=[cycle.pk, agency_tree["mof"].pk])).content.decode()
    assert "115年度計畫項目共 3 項" in body
    assert "未達目標：「開放資料集累計數」1 項，目標 2 項" in body
    report = services.compile_year_end(by=coordinator, cycle=cycle, agency=agency_tree["mof"])
    assert "未達目標" in report.summary
    frozen = YearEndReport.objects.get(pk=report.pk).totals["indicators"]
    assert frozen == [
        {
            "name": "開放資料集累計數",
            "unit": "項",
            "target": "2.00",
            "value": "1",
            "met": False,
            "source": "measured",
        }
    ]


def test_who_has_not_filed_a_half_years_self_evaluation(client, cycle, plan, coordinator, supervisor):
    import datetime as dt

    from django.utils import timezone

    from servq.reporting.models import SelfEvaluation

    SelfEvaluation.objects.create(
        plan=plan,
        year=2026,
        half=1,
        overall="good",
        submitted_at=timezone.make_aware(dt.datetime(2026, 8, 3, 9)),
    )
    client.force_login(supervisor)
    body = client.get(reverse("reporting:self_evaluation_compliance", args=[cycle.pk])).content.decode()
    assert "115年7月31日" in body and "115年8月3日" in body and "逾期送出" in body


def test_a_self_evaluation_owed_is_on_the_coordinators_todo(plan, coordinator):
    import datetime as dt

    from servq.plans.models import Plan
    from servq.reporting.todos import self_evaluations_due

    Plan.objects.filter(pk=plan.pk).update(kind="execution")
    owed = self_evaluations_due(coordinator, dt.date(2026, 7, 10))
    assert [t.due for t in owed] == [dt.date(2026, 7, 31)]
    assert "115年上半年自行考核" in owed[0].title
    assert self_evaluations_due(coordinator, dt.date(2026, 5, 10)) == []  # the half's last month not begun
