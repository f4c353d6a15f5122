"""Publication by the cycle's date, and the links an agency puts on its own website (issue 24.6);
correcting the program an imported plan was filed under (issue 24.4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from servq.core.models import AuditEntry
from servq.plans import rules, selectors, services
from servq.plans.models import PlanCycle
from tests.factories import PlanFactory, PlanItemFactory, ProgramFactory, open_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(agency_tree, user_with_role):
    return user_with_role(agency_tree["root"], "supervisor", username="rdec")


@pytest.fixture
def cycle(agency_tree, supervisor):
    cycle = open_cycle(agency_tree, supervisor)
    PlanCycle.objects.filter(pk=cycle.pk).update(publish_by=dt.date(2026, 4, 30))
    cycle.refresh_from_db()
    return cycle


@pytest.mark.parametrize(
    ("published", "today", "state"),
    [
        (dt.date(2026, 4, 30), dt.date(2026, 5, 5), rules.ON_TIME),
        (dt.date(2026, 5, 1), dt.date(2026, 5, 5), rules.LATE),
        (None, dt.date(2026, 5, 1), rules.OVERDUE),
        (None, dt.date(2026, 4, 30), rules.PENDING),
    ],
)
def test_publication_state_counts_the_day_itself_as_on_time(published, today, state):
    assert rules.publication_state(published, dt.date(2026, 4, 30), today) == state
    assert rules.publication_state(published, None, today) == ""


def test_the_board_counts_who_published_by_the_date(client, cycle, agency_tree, supervisor):
    PlanFactory(
        agency=agency_tree["mof"],
        program=cycle.program,
        cycle=cycle,
        first_year=2026,
        last_year=2026,
        status="published",
        published_at=timezone.make_aware(dt.datetime(2026, 4, 20, 10)),
    )
    rows = selectors.board_rows(cycle, today=dt.date(2026, 5, 4), user=supervisor, supervising=True)
    assert {r.agency.code: r.publication for r in rows} == {"mof": rules.ON_TIME, "moea": rules.OVERDUE}
    client.force_login(supervisor)
    page = client.get(reverse("plans:cycle", args=[cycle.pk])).content.decode()
    assert "公告期限" in page and "如期公告 1" in page


def test_a_publish_date_before_approval_is_refused(agency_tree, supervisor):
    with pytest.raises(services.PlanError, match="公告期限不能早於核定期限"):
        services.open_cycle(
            by=supervisor,
            program=ProgramFactory(),
            agency=agency_tree["root"],
            year=2027,
            title="116年度",
            submit_by=dt.date(2027, 1, 30),
            review_by=dt.date(2027, 2, 27),
            approve_by=dt.date(2027, 3, 31),
            publish_by=dt.date(2027, 1, 31),
            participants=[agency_tree["mof"]],
        )


@pytest.fixture
def published(agency_tree):
    first = PlanFactory(agency=agency_tree["mof"], first_year=2026, last_year=2026, status="superseded")
    newest = PlanFactory(
        agency=agency_tree["mof"],
        first_year=2026,
        last_year=2026,
        status="published",
        version=2,
        first_version=first,
        published_at=timezone.now(),
    )
    PlanItemFactory(plan=newest, position=0, text="臨櫃服務一次辦好")
    return newest


def test_the_stable_link_finds_the_newest_published_version_by_roc_or_western_year(client, published):
    for year in (115, 2026):
        response = client.get(reverse("plans:agency_plan", args=["mof", year]))
        assert response.status_code == 302 and response.url == reverse("plans:detail", args=[published.pk])
    assert client.get(reverse("plans:agency_plan", args=["mof", 116])).status_code == 404
    assert client.get(reverse("plans:agency_plan", args=["moea", 115])).status_code == 404


def test_the_embed_page_may_be_framed_by_the_agencys_site_and_nothing_else_may(client, published):
    embed = client.get(reverse("plans:agency_plan_embed", args=["mof", 115]))
    assert embed.status_code == 200 and "臨櫃服務一次辦好" in embed.content.decode()
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed
    page = client.get(reverse("plans:detail", args=[published.pk]))
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_the_author_is_shown_the_links_to_paste(client, published, agency_tree, user_with_role):
    client.force_login(user_with_role(agency_tree["mof"], "coordinator"))
    page = client.get(reverse("plans:detail", args=[published.pk])).content.decode()
    assert "/plans/agency/mof/115/" in page and "/plans/agency/mof/115/embed/" in page


def test_an_imported_plan_can_be_refiled_under_another_program(client, agency_tree, user_with_role):
    draft = PlanFactory(agency=agency_tree["mof"], status="draft")
    other = ProgramFactory(name="政府服務躍升方案", slug="service-leap")
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    client.force_login(coordinator)
    client.post(reverse("plans:refile", args=[draft.pk]), {"program": other.pk})
    draft.refresh_from_db()
    assert draft.program == other
    assert AuditEntry.objects.filter(action="plan.refile", object_id=str(draft.pk)).exists()


def test_a_plan_in_a_cycle_follows_its_cycles_program(cycle, agency_tree, user_with_role):
    plan = PlanFactory(agency=agency_tree["mof"], program=cycle.program, cycle=cycle, status="draft")
    with pytest.raises(services.PlanError, match="方案依年度作業而定"):
        services.refile_plan(
            by=user_with_role(agency_tree["mof"], "coordinator"), plan=plan, program=ProgramFactory()
        )


# --- issue 24.8: each participant's category, and the dimensions it sets -------------------------


def test_a_participant_chooses_its_category_and_the_board_shows_it(
    client, cycle, agency_tree, user_with_role
):
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    client.force_login(coordinator)
    client.post(
        reverse("plans:cycle_category", args=[cycle.pk]),
        {"agency": agency_tree["mof"].pk, "category": "project"},
    )
    assert selectors.categories_of(cycle) == {agency_tree["mof"].pk: ["project"]}
    assert rules.dimensions_of("project") == ("問題分析", "規劃內容", "推動成效", "開放創新")
    page = client.get(reverse("plans:cycle", args=[cycle.pk])).content.decode()
    assert "專案規劃類" in page and "問題分析、規劃內容、推動成效、開放創新" in page
    client.post(
        reverse("plans:cycle_category", args=[cycle.pk]),
        {"agency": agency_tree["mof"].pk, "category": ["overall", "project"]},
    )
    # Issue 37.10: 001 lists 各地區國稅局 and 各事業機構 under both categories.
    assert selectors.categories_of(cycle) == {agency_tree["mof"].pk: ["overall", "project"]}
    page = client.get(reverse("plans:cycle", args=[cycle.pk])).content.decode()
    assert "整體服務類、專案規劃類" in page
    client.post(reverse("plans:cycle_category", args=[cycle.pk]), {"agency": agency_tree["mof"].pk})
    assert selectors.categories_of(cycle) == {agency_tree["mof"].pk: ["overall", "project"]}, (
        "none is refused"
    )
    assert AuditEntry.objects.filter(action="cycle.category").count() == 2


def test_another_agencys_coordinator_cannot_choose_for_it(cycle, agency_tree, user_with_role):
    outsider = user_with_role(agency_tree["moea"], "coordinator")
    with pytest.raises(services.PlanError, match="聯絡人或上級研考人員"):
        services.choose_categories(
            by=outsider, cycle=cycle, agency=agency_tree["mof"], categories=["overall"]
        )
    with pytest.raises(services.PlanError, match="沒有「award」這個類別"):
        services.choose_categories(by=None, cycle=cycle, agency=agency_tree["mof"], categories=["award"])
    with pytest.raises(services.PlanError, match="不是本年度的參與機關"):
        services.choose_categories(by=None, cycle=cycle, agency=agency_tree["ntbt"], categories=["overall"])
