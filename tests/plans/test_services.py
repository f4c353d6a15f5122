from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from servq.core.models import AuditEntry
from servq.plans import rules, services
from servq.plans.models import PlanStatus
from tests.factories import FrameworkNodeFactory, PlanFactory, PlanItemFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(agency_tree):
    return PlanFactory(agency=agency_tree["mof"], status="draft", first_year=2026, last_year=2028)


@pytest.fixture
def coordinator(agency_tree, user_with_role):
    return user_with_role(agency_tree["mof"], "coordinator", username="lin")


def test_second_save_of_the_same_item_is_refused_and_shows_the_first(
    draft, coordinator, agency_tree, user_with_role
):
    colleague = user_with_role(agency_tree["mof"], "coordinator", username="chen")
    item = services.add_item(by=coordinator, plan=draft, text="建置常見問題集", deadline_raw="經常辦理")
    seen_by_both = item.lock_version
    services.update_item(by=colleague, item=item, expected_lock=seen_by_both, text="建置並每季更新常見問題集")
    stale = type(item).objects.get(pk=item.pk)
    with pytest.raises(services.EditConflict) as conflict:
        services.update_item(by=coordinator, item=stale, expected_lock=seen_by_both, text="我的版本")
    assert conflict.value.latest.actor_name == "chen"
    assert conflict.value.latest.changes["text"] == ["建置常見問題集", "建置並每季更新常見問題集"]
    assert "chen" in str(conflict.value)
    stale.refresh_from_db()
    assert stale.text == "建置並每季更新常見問題集"


def test_stale_plan_header_is_refused(draft, coordinator):
    services.update_plan(by=coordinator, plan=draft, expected_lock=0, goals="提升便民服務")
    with pytest.raises(services.EditConflict):
        services.update_plan(by=coordinator, plan=draft, expected_lock=0, goals="覆蓋別人的修改")
    draft.refresh_from_db()
    assert draft.goals == "提升便民服務"


def test_unit_staff_edit_only_their_units_items(draft, coordinator, agency_tree, user_with_role):
    staff = user_with_role(agency_tree["mof_unit"], "unit_staff")
    mine = services.add_item(by=coordinator, plan=draft, text="秘書處項目", unit_names=["秘書處"])
    theirs = services.add_item(by=coordinator, plan=draft, text="他單位項目", unit_names=["資訊處"])
    services.update_item(
        by=staff, item=mine, expected_lock=mine.lock_version, text="秘書處項目（修）", unit_names=["秘書處"]
    )
    with pytest.raises(services.PlanError):
        services.update_item(by=staff, item=theirs, expected_lock=theirs.lock_version, text="越權")
    with pytest.raises(services.PlanError):
        services.add_item(by=staff, plan=draft, text="新增")


def test_units_link_to_the_agencys_units_where_names_match(draft, coordinator, agency_tree):
    item = services.add_item(by=coordinator, plan=draft, text="x", unit_names=["秘書處", "不存在的科"])
    units = {u.name: u.unit for u in item.units.all()}
    assert units == {"秘書處": agency_tree["mof_unit"], "不存在的科": None}


def test_item_cannot_move_under_another_plans_framework(draft, coordinator, agency_tree):
    foreign = FrameworkNodeFactory(plan=PlanFactory(agency=agency_tree["moea"]), position=0)
    with pytest.raises(services.PlanError, match="架構"):
        services.add_item(by=coordinator, plan=draft, text="x", node=foreign)
    assert draft.items.count() == 0


def test_indicator_target_outside_the_plan_years_is_refused(draft, coordinator):
    with pytest.raises(services.PlanError, match="119年"):
        services.save_indicator(
            by=coordinator,
            plan=draft,
            name="開放資料集累計數",
            unit="項",
            direction="higher",
            cumulative=True,
            baseline=None,
            targets={2026: Decimal(10), 2030: Decimal(40)},
        )
    assert draft.indicators.count() == 0
    indicator = services.save_indicator(
        by=coordinator,
        plan=draft,
        name="開放資料集累計數",
        unit="項",
        direction="higher",
        cumulative=True,
        baseline=Decimal(5),
        targets={2026: Decimal(10), 2027: Decimal(20)},
    )
    assert [(t.year, t.value) for t in indicator.targets.all()] == [(2026, 10), (2027, 20)]


def test_reorder_swaps_neighbours(draft, coordinator):
    first = services.add_item(by=coordinator, plan=draft, text="第一")
    second = services.add_item(by=coordinator, plan=draft, text="第二")
    services.move_item(by=coordinator, item=second, offset=-1)
    assert list(draft.items.order_by("position").values_list("text", flat=True)) == ["第二", "第一"]
    services.move_item(by=coordinator, item=first, offset=-5)  # past the top: nothing moves
    assert list(draft.items.order_by("position").values_list("text", flat=True)) == ["第二", "第一"]


def test_every_edit_is_audited_in_its_transaction(draft, coordinator):
    item = services.add_item(by=coordinator, plan=draft, text="項目", deadline_raw="115年6月30日")
    services.update_item(by=coordinator, item=item, expected_lock=item.lock_version, text="項目（修）")
    services.delete_item(by=coordinator, item=item, expected_lock=item.lock_version)
    actions = list(AuditEntry.objects.filter(object_type="plans.planitem").values_list("action", flat=True))
    assert sorted(actions) == ["item.add", "item.delete", "item.edit"]


def test_publishing_a_revision_supersedes_the_old_version_and_keeps_history(
    agency_tree, coordinator, user_with_role
):
    boss = user_with_role(agency_tree["root"], "supervisor")
    plan = PlanFactory(agency=agency_tree["mof"], status="draft")
    PlanItemFactory(plan=plan, text="原項目", unit="秘書處")
    for actor, action in [(coordinator, "submit"), (boss, "approve"), (coordinator, "publish")]:
        services.transition(by=actor, plan=plan, action=action)
    v2 = services.transition(by=coordinator, plan=plan, action="revise", revision_note="配合行政院新方案")
    assert v2.version == 2 and v2.first_version_id == plan.pk
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED  # the public keeps seeing v1 while v2 is drafted
    for actor, action in [(coordinator, "submit"), (boss, "approve"), (coordinator, "publish")]:
        services.transition(by=actor, plan=v2, action=action)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUPERSEDED
    labels = list(v2.revisions.values_list("label", flat=True))
    assert labels[0].endswith("訂定") and "修訂（配合行政院新方案）" in labels[1]


def test_returning_needs_a_comment_and_keeps_item_comments(agency_tree, coordinator, user_with_role):
    boss = user_with_role(agency_tree["root"], "supervisor")
    plan = PlanFactory(agency=agency_tree["mof"], status="submitted")
    item = PlanItemFactory(plan=plan)
    with pytest.raises(services.PlanError):
        services.transition(by=boss, plan=plan, action="return")
    services.transition(by=boss, plan=plan, action="return", item_comments={item.pk: "期限請具體化"})
    assert item.comments.get().body == "期限請具體化"


def test_open_cycle_and_start_from_last_years_plan(agency_tree, coordinator, user_with_role):
    boss = user_with_role(agency_tree["root"], "supervisor")
    program = ProgramFactory()
    cycle = services.open_cycle(
        by=boss,
        program=program,
        agency=agency_tree["root"],
        year=2026,
        title="115年度提升服務品質",
        submit_by=dt.date(2026, 1, 31),
        review_by=dt.date(2026, 2, 27),
        approve_by=dt.date(2026, 3, 31),
        participants=[agency_tree["mof"], agency_tree["moea"]],
    )
    last_year = PlanFactory(agency=agency_tree["mof"], first_year=2025, last_year=2025)
    PlanItemFactory(plan=last_year, text="去年的項目", deadline_raw="114年12月", deadline_kind="date")
    plan = services.start_plan(by=coordinator, cycle=cycle, agency=agency_tree["mof"], copy_from=last_year)
    assert plan.title == "財政部115年度提升服務品質執行計畫"
    assert list(plan.items.values_list("text", flat=True)) == ["去年的項目"]
    # Issue 33.14: a deadline is carried forward a year, not left in the past.
    copied = plan.items.get()
    assert copied.deadline_raw == "115年12月" and copied.deadline_due == dt.date(2026, 12, 31)
    with pytest.raises(services.PlanError, match="已經有計畫"):
        services.start_plan(by=coordinator, cycle=cycle, agency=agency_tree["mof"])
    with pytest.raises(services.PlanError, match="參與機關"):
        services.start_plan(by=coordinator, cycle=cycle, agency=agency_tree["ntbt"])


def test_cycle_participants_must_be_below_the_supervising_body(agency_tree, user_with_role):
    boss = user_with_role(agency_tree["mof"], "supervisor")
    with pytest.raises(services.PlanError, match="經濟部"):
        services.open_cycle(
            by=boss,
            program=ProgramFactory(),
            agency=agency_tree["mof"],
            year=2026,
            title="x",
            submit_by=dt.date(2026, 1, 31),
            review_by=dt.date(2026, 2, 27),
            approve_by=dt.date(2026, 3, 31),
            participants=[agency_tree["moea"]],
        )


def test_an_incomplete_plan_cannot_be_submitted_and_the_gaps_are_named(agency_tree, coordinator):
    """The probe submitted a plan with no items and no 依據."""
    from servq.plans.models import Plan

    empty = PlanFactory(
        agency=agency_tree["mof"],
        status="draft",
        basis="",
        goals="",
        scope="",
        steps="",
        oversight="",
        rewards="",
    )
    with pytest.raises(services.PlanError) as refused:
        services.transition(by=coordinator, plan=empty, action="submit")
    message = str(refused.value)
    # The contents 003 (伍、一) requires of a plan, 實施步驟 and 獎勵方式 included (issue 24.7).
    for gap in ("計畫依據", "計畫目標", "實施對象", "實施步驟", "管制考核", "獎勵方式", "沒有任何計畫項目"):
        assert gap in message
    assert Plan.objects.get(pk=empty.pk).status == "draft"
    plan = PlanFactory(agency=agency_tree["mof"], status="draft")
    PlanItemFactory(plan=plan, position=0, unit="秘書處")
    PlanItemFactory(plan=plan, position=1, deadline_raw="")
    with pytest.raises(services.PlanError, match="第2項沒有完成期限；第2項沒有承辦單位"):
        services.transition(by=coordinator, plan=plan, action="submit")


def test_gaps_beyond_ten_are_counted_not_listed():
    from servq.plans.rules import ItemFacts, completeness_gaps

    sections = {"basis": "x", "goals": "x", "scope": "x", "steps": "x", "oversight": "x", "rewards": "x"}
    gaps = completeness_gaps(sections, [ItemFacts(n, "項目", "", 0) for n in range(8)])
    assert len(gaps) == 11 and gaps[-1] == "另有 6 處"
    assert completeness_gaps(sections, [ItemFacts(0, "項目", "經常辦理", 1)]) == []


def test_nobody_decides_on_a_plan_they_sent_for_review(agency_tree, user_with_role):
    """Issue 33.7: a supervisor could submit and approve their own plan."""
    from servq.core.errors import ServiceError

    supervisor = user_with_role(agency_tree["root"], "supervisor")
    plan = PlanFactory(agency=agency_tree["root"], status="draft")
    PlanItemFactory(plan=plan, text="研考會自己的項目", unit="綜合規劃處")
    services.transition(by=supervisor, plan=plan, action="submit")
    for action, comment in (("approve", ""), ("return", "請補充")):
        with pytest.raises(ServiceError, match="送審人"):
            services.transition(by=supervisor, plan=plan, action=action, comment=comment)
    colleague = user_with_role(agency_tree["root"], "supervisor")
    assert services.transition(by=colleague, plan=plan, action="approve").status == PlanStatus.APPROVED


def test_a_plan_sent_for_review_is_announced_to_the_supervisors_who_review_it(
    agency_tree, coordinator, user_with_role
):
    """Issue 33.10: every workflow event someone must act on gives a notice."""
    from servq.core.models import Notification
    from tests.factories import open_cycle

    reviewer = user_with_role(agency_tree["root"], "supervisor", username="reviewer-of-plans")
    cycle = open_cycle(agency_tree, reviewer)
    plan = PlanFactory(agency=agency_tree["mof"], cycle=cycle, program=cycle.program, status="draft")
    PlanItemFactory(plan=plan, text="項目", unit="秘書處")
    services.transition(by=coordinator, plan=plan, action="submit")
    notice = Notification.objects.get(recipient=reviewer, kind="plan.submit")
    assert "送審" in notice.subject and notice.url.endswith(f"/plans/{plan.pk}/")


# --- each body's own completeness list (issue 37.9) ----------------------------------------------------


@pytest.mark.parametrize(
    ("requirements", "refused"),
    [
        # 004's 附件2/3 format: no 實施步驟, no deadlines, no units.
        ({"sections": ["basis", "goals"], "item_fields": [], "targets": False}, None),
        # 003's full list (also what holds where the body wrote none).
        (None, "第1項沒有完成期限"),
        # 001: quantified targets for every year of the plan.
        ({"sections": ["basis"], "item_fields": [], "targets": True}, "沒有115年、116年的量化目標"),
    ],
)
def test_an_execution_plan_is_checked_against_its_bodys_own_list(
    agency_tree, coordinator, user_with_role, requirements, refused
):
    from tests.factories import open_cycle

    boss = user_with_role(agency_tree["root"], "supervisor")
    cycle = open_cycle(agency_tree, boss)
    framework = PlanFactory(agency=agency_tree["root"], kind="implementation", program=cycle.program)
    if requirements:
        services.set_requirements(
            by=boss, plan=framework, requirements=rules.Requirements.from_data(requirements)
        )
    cycle.framework = framework
    cycle.save()
    plan = PlanFactory(
        agency=agency_tree["mof"],
        cycle=cycle,
        program=cycle.program,
        status="draft",
        steps="",
        first_year=2026,
        last_year=2027,
    )
    item = PlanItemFactory(plan=plan, position=0, deadline_raw="")
    item.units.all().delete()
    if refused:
        with pytest.raises(services.PlanError, match=refused):
            services.transition(by=coordinator, plan=plan, action="submit")
    else:
        assert services.transition(by=coordinator, plan=plan, action="submit").status == "submitted"


def test_only_the_body_writing_the_implementation_plan_sets_the_list(
    agency_tree, coordinator, user_with_role
):
    framework = PlanFactory(agency=agency_tree["root"], kind="implementation")
    with pytest.raises(services.PlanError, match="只有訂定實施計畫的機關"):
        services.set_requirements(by=coordinator, plan=framework, requirements=rules.Requirements())
    execution = PlanFactory(agency=agency_tree["mof"])
    with pytest.raises(services.PlanError, match="只有實施計畫"):
        services.set_requirements(by=coordinator, plan=execution, requirements=rules.Requirements())


# --- work plans of 二級機關 under a 一級機關's execution plan (issue 37.11: 004) ---------------------------


def test_a_first_level_agency_frames_its_second_level_bodies_work_plans(agency_tree, user_with_role):
    from tests.factories import ProgramFactory

    mof_supervisor = user_with_role(agency_tree["mof"], "supervisor")
    ntbt_coordinator = user_with_role(agency_tree["ntbt"], "coordinator")
    execution = PlanFactory(
        agency=agency_tree["mof"], kind="execution", status="approved", first_year=2026, last_year=2026
    )
    cycle = services.open_cycle(
        by=mof_supervisor,
        program=ProgramFactory(),
        agency=agency_tree["mof"],
        year=2026,
        title="財政部115年度工作計畫",
        submit_by=dt.date(2026, 2, 27),
        review_by=dt.date(2026, 3, 13),
        approve_by=dt.date(2026, 3, 31),
        participants=[agency_tree["ntbt"]],
        framework=execution,
    )
    work = services.start_plan(by=ntbt_coordinator, cycle=cycle, agency=agency_tree["ntbt"])
    assert (work.kind, work.parent) == ("work", execution)
    assert work.title == "臺北國稅局115年度提升服務品質工作計畫" and execution.title in work.basis
    PlanItemFactory(plan=work, position=0, unit="秘書處")
    sections = ("goals", "scope", "steps", "oversight", "rewards")
    type(work).objects.filter(pk=work.pk).update(**{field: "依執行計畫辦理" for field in sections})
    work.refresh_from_db()
    services.transition(by=ntbt_coordinator, plan=work, action="submit")
    approved = services.transition(by=mof_supervisor, plan=work, action="approve")
    assert approved.status == "approved", "reviewed by the agency whose execution plan frames it"


def test_only_an_agencys_own_execution_plan_frames_a_cycle(agency_tree, user_with_role):
    from tests.factories import ProgramFactory

    boss = user_with_role(agency_tree["root"], "supervisor")
    dates = {
        "submit_by": dt.date(2026, 2, 27),
        "review_by": dt.date(2026, 3, 13),
        "approve_by": dt.date(2026, 3, 31),
    }
    others = PlanFactory(agency=agency_tree["mof"], kind="execution")
    with pytest.raises(services.PlanError, match="須由訂定該執行計畫的機關開辦"):
        services.open_cycle(
            by=boss,
            program=ProgramFactory(),
            agency=agency_tree["root"],
            year=2026,
            title="x",
            participants=[agency_tree["ntbt"]],
            framework=others,
            **dates,
        )
    work = PlanFactory(agency=agency_tree["mof"], kind="work")
    with pytest.raises(services.PlanError, match="必須是一份實施計畫，或一級機關的執行計畫"):
        services.open_cycle(
            by=boss,
            program=ProgramFactory(),
            agency=agency_tree["mof"],
            year=2026,
            title="x",
            participants=[agency_tree["ntbt"]],
            framework=work,
            **dates,
        )
