"""The demo loader only ever touches what it made: run again after real work, nothing changes; on a
database holding a body the demo did not make, it refuses and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from servq.agencies.models import Agency
from servq.plans import services as plan_services
from servq.plans.models import PlanCycle, Program
from servq.reporting.models import ReportingPeriod, SelfEvaluation

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_loading_again_after_real_work_changes_nothing():
    call_command("load_demo", verbosity=0)
    users = get_user_model().objects.in_bulk(["supervisor", "coordinator"], field_name="username")
    demo_body = Agency.objects.get(code="demo")
    latest = PlanCycle.objects.filter(agency=demo_body).order_by("-year").first()
    year = latest.year + 1
    cycle = plan_services.open_cycle(
        by=users["supervisor"],
        program=Program.objects.filter(pk=latest.program_id).get(),
        agency=demo_body,
        year=year,
        title=f"{year - 1911}年度提升服務品質",
        submit_by=dt.date(year, 1, 30),
        review_by=dt.date(year, 2, 27),
        approve_by=dt.date(year, 3, 31),
        participants=[Agency.objects.get(code="demo-civil")],
    )
    draft = plan_services.start_plan(
        by=users["coordinator"], cycle=cycle, agency=Agency.objects.get(code="demo-civil")
    )
    before = counts()

    call_command("load_demo", verbosity=0)

    assert counts() == before
    assert not ReportingPeriod.objects.filter(cycle=cycle).exists()
    assert not SelfEvaluation.objects.filter(plan=draft).exists()


def test_a_database_holding_a_body_the_demo_did_not_make_is_refused():
    Agency.objects.create(code="376580000A", name="新竹縣政府", kind="parent_body", parent=None)
    before = counts()
    with pytest.raises(CommandError, match="新竹縣政府"):
        call_command("load_demo", verbosity=0)
    assert counts() == before


def test_an_empty_installation_opens_on_the_first_run_page(client, db):
    """No body and no demo: the front page says how to start (the command), and never offers to
    create the first administrator on the web."""
    page = client.get("/")
    html = page.content.decode()
    assert page.status_code == 200 and "manage.py start_body" in html
    assert "<form" not in html.split("<main", 1)[-1].split("</main>", 1)[0]
