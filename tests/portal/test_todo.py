"""Every role's home is what waits for it (issue 14.9): each app's 待辦 source, and the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from servq.core.rules import format_roc_date
from servq.core.todos import todos_for
from servq.plans import services as plan_services
from servq.plans.models import PlanCycle
from tests.factories import PlanFactory, PlanItemFactory, open_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(agency_tree, user_with_role):
    return user_with_role(agency_tree["root"], "supervisor", username="rdec")


@pytest.fixture
def coordinator(agency_tree, user_with_role):
    return user_with_role(agency_tree["mof"], "coordinator", username="lin")


@pytest.fixture
def cycle(agency_tree, supervisor):
    return open_cycle(agency_tree, supervisor, year=2026)


def headings(user, today):
    return {heading: todos for heading, todos in todos_for(user, today)}


def test_a_supervisor_is_shown_the_plans_waiting_for_review_with_their_due_date(
    cycle, agency_tree, supervisor, coordinator
):
    plan = PlanFactory(agency=agency_tree["mof"], program=cycle.program, cycle=cycle, status="draft")
    PlanItemFactory(plan=plan, position=0, unit="秘書處")
    plan_services.transition(by=coordinator, plan=plan, action="submit")
    (todo,) = headings(supervisor, dt.date(2026, 2, 20))["待審查的計畫"]
    assert todo.due == cycle.review_by and todo.url == reverse("plans:review", args=[plan.pk])
    # The coordinator who sent it has nothing to review.
    assert "待審查的計畫" not in headings(coordinator, dt.date(2026, 2, 20))


def test_a_coordinator_is_shown_the_plan_to_write_and_the_one_not_started(
    cycle, agency_tree, coordinator, user_with_role
):
    draft = PlanFactory(agency=agency_tree["mof"], program=cycle.program, cycle=cycle, status="returned")
    (todo,) = headings(coordinator, dt.date(2026, 1, 10))["待撰寫、修正或公告的計畫"]
    assert (todo.url, todo.due, todo.note) == (
        reverse("plans:edit", args=[draft.pk]),
        cycle.submit_by,
        "退回修正",
    )
    moea = user_with_role(agency_tree["moea"], "coordinator", username="wang")
    (start,) = headings(moea, dt.date(2026, 1, 10))["待撰寫、修正或公告的計畫"]
    assert start.title.startswith("建立經濟部的計畫") and start.due == cycle.submit_by
    # After the approval date the cycle no longer asks for a new plan.
    assert headings(moea, dt.date(2026, 4, 1)) == {}


def test_unit_staff_are_shown_the_periods_report_until_it_is_sent(
    cycle, agency_tree, supervisor, coordinator, user_with_role
):
    from servq.reporting import services as reporting

    plan = PlanFactory(agency=agency_tree["mof"], program=cycle.program, cycle=cycle, status="approved")
    item = PlanItemFactory(plan=plan, position=0)
    q1 = reporting.set_up_periods(
        by=supervisor, cycle=cycle, frequency="quarterly", due_rule="結束後10個工作日內"
    )[0]
    staff = user_with_role(agency_tree["mof_unit"], "unit_staff", username="chen")
    day = q1.due_on - dt.timedelta(days=3)
    q1_url = reverse("reporting:progress", args=[plan.pk, q1.pk])
    # Every period open for reporting now: Q1 until its due date, and Q2 that has begun.
    todos = headings(staff, day)["本期待填報的辦理情形"]
    assert [t.due for t in todos if t.url == q1_url] == [q1.due_on] and len(todos) == 2
    reporting.save_progress(by=coordinator, item=item, period=q1, status="done", narrative="完成")
    reporting.submit_report(by=coordinator, plan=plan, period=q1)
    assert q1_url not in [t.url for t in headings(staff, day)["本期待填報的辦理情形"]]


def test_a_handler_is_shown_cases_near_or_past_their_limit(agency_tree, user_with_role):
    from servq.cases import services as cases
    from servq.cases.models import CaseCategory

    cases.load_default_categories(by=None, body=agency_tree["root"])
    CaseCategory.objects.filter(body=agency_tree["root"]).update(agency=agency_tree["mof"])
    handler = user_with_role(agency_tree["mof"], "coordinator", username="handler2")
    case, _ = cases.submit_case(
        channel="web",
        body=agency_tree["root"],
        category=CaseCategory.objects.get(code="inquiry"),
        description="路燈不亮",
    )
    far_before = case.due_on - dt.timedelta(days=20)
    assert "即將到期或逾期的案件" not in headings(handler, far_before)
    (todo,) = headings(handler, case.due_on + dt.timedelta(days=7))["即將到期或逾期的案件"]
    assert todo.title.startswith(case.number) and "逾期" in todo.note


def test_a_site_with_new_broken_links_waits_for_its_agency(agency_tree, coordinator):
    from servq.webcheck.models import BrokenLink, Site, SiteCheck

    site = Site.objects.create(
        agency=agency_tree["mof"], name="財政部網站", start_url="https://www.mof.gov.tw/"
    )
    run = SiteCheck.objects.create(site=site, status="done", finished_at=timezone.now())
    BrokenLink.objects.create(check_run=run, url="https://www.mof.gov.tw/gone", status=404, is_new=True)
    (todo,) = headings(coordinator, timezone.localdate())["網站新增的失效連結"]
    assert todo.title == "財政部網站：新增 1 個失效連結"


def test_the_home_page_is_the_todo_list_for_staff_and_the_front_page_for_citizens(
    client, cycle, agency_tree, coordinator
):
    today = timezone.localdate()
    PlanCycle.objects.filter(pk=cycle.pk).update(
        submit_by=today + dt.timedelta(days=14),
        review_by=today + dt.timedelta(days=30),
        approve_by=today + dt.timedelta(days=60),
    )
    PlanFactory(agency=agency_tree["mof"], program=cycle.program, cycle=cycle, status="draft")
    public = client.get(reverse("portal:home")).content.decode()
    assert "最新公告的計畫" in public and "待辦" not in public
    client.force_login(coordinator)
    page = client.get(reverse("portal:home")).content.decode()
    assert "待撰寫、修正或公告的計畫" in page and "尚有" in page and "個工作日" in page
    assert format_roc_date(today + dt.timedelta(days=14)) in page


def test_the_reports_due_take_the_same_few_queries_however_many_plans(
    cycle, agency_tree, supervisor, coordinator, django_assert_max_num_queries
):
    from servq.reporting import services as reporting
    from servq.reporting.todos import reports_due

    periods = reporting.set_up_periods(
        by=supervisor, cycle=cycle, frequency="quarterly", due_rule="結束後10個工作日內"
    )
    day = periods[0].due_on - dt.timedelta(days=3)
    for n in range(12):
        PlanFactory(
            agency=agency_tree["mof"], program=cycle.program, cycle=cycle, status="approved", title=f"計畫{n}"
        )
    with django_assert_max_num_queries(5):
        due = reports_due(coordinator, day)
    assert len(due) == 12 * 2  # each plan: Q1 until its due date, and Q2 that has begun


def test_the_heads_home_lists_the_years_report_waiting_for_sign_off(client, agency_tree, user_with_role):
    """Issue 33.6: the head's 待辦 never listed a report compiled and waiting for them."""
    from django.utils import timezone

    from servq.reporting.models import YearEndReport
    from tests.factories import open_cycle

    cycle = open_cycle(agency_tree, None)
    head = user_with_role(agency_tree["mof"], "head")
    YearEndReport.objects.create(
        cycle=cycle, agency=agency_tree["mof"], compiled_at=timezone.now(), totals={"items": 3}
    )
    client.force_login(head)
    page = client.get("/").content.decode()
    assert "待首長核定的年度執行成果" in page and f"財政部：{cycle.title}" in page
    YearEndReport.objects.update(signed_at=timezone.now())
    assert "待首長核定的年度執行成果" not in client.get("/").content.decode()
