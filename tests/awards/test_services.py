"""Writes of the award: set-up and copies, the survey, entries, the panel and conflicts, scores,
closing stages, national results and prizes, rulebooks and rewards; each refusal stores nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from servq.agencies.services import grant_role
from servq.awards import services
from servq.awards.models import Assignment, Entry, Reward, Score
from servq.awards.services import AwardError
from servq.core.models import AuditEntry


def test_set_up_and_copy_to_next_year(edition, organizer):
    assert [c.code for c in edition.categories.all()] == ["overall", "project"]
    assert [(s.name, s.advance, s.method) for s in edition.stages.all()] == [
        ("初審", 2, "zscore"),
        ("推薦", 1, "mean"),
    ]
    copy = services.copy_edition(by=organizer, edition=edition, name="116年度政府服務獎", year=2027)
    assert copy.copied_from == edition and copy.categories.get(code="overall").criteria.count() == 2
    assert copy.stages.count() == 2 and copy.thresholds == edition.thresholds


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("categories", "", "請至少列一個類別"),
        ("criteria", "nowhere｜A｜構面", "類別代碼不在類別中"),
        ("criteria", "overall｜A｜構面｜重要", "權重或滿分不是數字"),
        ("stages", "初審｜口試", "方式「口試」看不懂"),
        ("stages", "初審｜書面審查｜2｜median", "計分方式「median」看不懂"),
    ],
)
def test_a_bad_set_up_is_refused_naming_the_line(edition, organizer, field, text, message):
    from tests.awards.conftest import CATEGORIES, CRITERIA, STAGES

    texts = {"categories": CATEGORIES, "criteria": CRITERIA, "stages": STAGES, field: text}
    with pytest.raises(AwardError, match=message):
        services.set_up(by=organizer, edition=edition, **texts)
    assert edition.stages.count() == 2, "the old set-up stands"


def test_the_survey_and_a_designation(agency_tree, edition, organizer, user_with_role):
    overall = edition.categories.get(code="overall")
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    intention = services.answer_survey(
        by=coordinator, edition=edition, agency=agency_tree["mof"], will_enter=True, category=overall
    )
    assert intention.will_enter and not intention.designated
    with pytest.raises(AwardError, match="不能代表經濟部填報"):
        services.answer_survey(by=coordinator, edition=edition, agency=agency_tree["moea"], will_enter=False)
    designated = services.designate(
        by=organizer, edition=edition, agency=agency_tree["moea"], category=overall
    )
    assert designated.designated


def test_an_agency_enters_both_categories_or_neither(agency_tree, edition, user_with_role):
    """Issue 37.10: 001 lists 各地區國稅局 and 各事業機構 under both categories; one was allowed."""
    from servq.awards.models import Intention

    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    for code in ("overall", "project"):
        services.answer_survey(
            by=coordinator,
            edition=edition,
            agency=agency_tree["mof"],
            will_enter=True,
            category=edition.categories.get(code=code),
        )
    entered = Intention.objects.filter(agency=agency_tree["mof"])
    assert sorted(entered.values_list("category__code", flat=True)) == ["overall", "project"]
    services.answer_survey(by=coordinator, edition=edition, agency=agency_tree["mof"], will_enter=False)
    assert list(entered.values_list("will_enter", "category")) == [(False, None)]


def test_an_entry_in_a_closed_stage_is_refused(agency_tree, edition, entries, organizer, panel):
    services.assign_evenly(by=organizer, stage=edition.stages.first(), per_entry=2)
    _score_all(edition.stages.first())
    services.close_stage(by=organizer, stage=edition.stages.first())
    with pytest.raises(AwardError, match="「初審」已結束，不再受理報名"):
        services.enter(
            by=organizer,
            edition=edition,
            agency=agency_tree["moea"],
            category=edition.categories.get(code="project"),
            title="晚到的報名",
            answers={},
            people=[],
        )
    assert Entry.objects.count() == 3


def test_a_reviewer_with_a_conflict_is_never_assigned(edition, entries, organizer, panel):
    first = edition.stages.first()
    with pytest.raises(AwardError, match="與財政部有利益衝突"):
        services.assign(by=organizer, stage=first, entry=entries["mof"], reviewer=panel[2])
    with pytest.raises(AwardError, match="與臺北國稅局有利益衝突"):
        services.assign(by=organizer, stage=first, entry=entries["ntbt"], reviewer=panel[2])
    services.assign_evenly(by=organizer, stage=first, per_entry=2)
    assert not Assignment.objects.filter(reviewer=panel[2], entry__agency__code__in=["mof", "ntbt"]).exists()
    with pytest.raises(AwardError, match="只有 2 位無利益衝突的委員"):
        services.assign_evenly(by=organizer, stage=first, per_entry=3)


def test_a_score_outside_the_scale_stores_nothing(edition, entries, organizer, panel):
    first = edition.stages.first()
    assignment = services.assign(by=organizer, stage=first, entry=entries["moea"], reviewer=panel[0])
    a, b = entries["moea"].category.criteria.all()
    with pytest.raises(AwardError, match="「B」的分數須介於 0 與 10"):
        services.save_scores(by=panel[0].user, assignment=assignment, scores={a.pk: "8", b.pk: "11"})
    assert not Score.objects.exists()
    with pytest.raises(AwardError, match="不是分派給您的"):
        services.save_scores(by=panel[1].user, assignment=assignment, scores={a.pk: "8"})


def _score_all(stage, by_agency=None):
    marks = by_agency or {"mof": "9", "moea": "7", "ntbt": "8"}
    for assignment in stage.assignments.select_related("reviewer__user", "entry__agency", "entry__category"):
        services.save_scores(
            by=assignment.reviewer.user,
            assignment=assignment,
            scores={
                c.pk: marks[assignment.entry.agency.code] for c in assignment.entry.category.criteria.all()
            },
        )


def test_two_stages_to_a_nominee_its_national_result_prizes_and_rewards(
    agency_tree, edition, entries, organizer, panel
):
    first, second = edition.stages.all()
    services.assign_evenly(by=organizer, stage=first, per_entry=2)
    _score_all(first)
    results = services.close_stage(by=organizer, stage=first)
    assert [(r.entry.agency.code, r.moved_on) for r in results] == [
        ("mof", True),
        ("ntbt", True),
        ("moea", False),
    ]
    entries["mof"].refresh_from_db()
    assert entries["mof"].reached == second and entries["mof"].grade == "優等"
    services.assign_evenly(by=organizer, stage=second, per_entry=2)
    _score_all(second, {"mof": "9", "ntbt": "8", "moea": "0"})
    services.close_stage(by=organizer, stage=second)
    nominee = Entry.objects.get(nominated=True)
    assert nominee.agency.code == "mof"
    services.record_national(by=organizer, entry=nominee, national="finalist", practice="跨機關單一窗口")
    nominee.refresh_from_db()
    assert nominee.prizes == ["獎狀1幀"]
    staff = get_user_model().objects.create_user("研考科員", first_name="研考科員")
    grant_role(by=None, user=staff, agency=edition.body, role="supervisor")
    services.add_reviewer(by=organizer, edition=edition, user=staff)
    rewards = {r.person: r for r in services.propose_rewards(by=organizer, edition=edition)}
    assert rewards["mof承辦"].proposed == "記功1次" and rewards["mof首長"].proposed == "嘉獎2次"
    assert rewards["研考科員"].proposed == "嘉獎1次", "(四) the ministry's own panel staff"
    assert "expert0" not in rewards, "an outside expert is not 敘獎 by the ministry (issue 37.4)"
    assert "moea承辦" not in rewards, "not nominated: no line of 003 applies"
    with pytest.raises(AwardError, match="上限為嘉獎2次"):
        services.choose_reward(by=organizer, reward=Reward.objects.get(person="mof首長"), chosen="記功1次")
    assert Reward.objects.get(person="mof首長").chosen == ""
    chosen = services.choose_reward(
        by=organizer, reward=Reward.objects.get(person="mof首長"), chosen="嘉獎1次"
    )
    assert chosen.chosen == "嘉獎1次"
    services.propose_rewards(by=organizer, edition=edition)
    assert Reward.objects.get(person="mof首長").chosen == "嘉獎1次", "proposing again keeps the choices made"
    assert Reward.objects.filter(person="mof承辦").count() == 1, "one reward per person"
    assert AuditEntry.objects.filter(action="award.close_stage").count() == 2


def test_a_rulebook_line_that_does_not_parse_stores_nothing(agency_tree, organizer):
    from servq.awards.models import Rulebook

    before = Rulebook.objects.count()
    with pytest.raises(AwardError, match="第 1 列的角色「局長」看不懂"):
        services.save_rulebook(by=organizer, body=agency_tree["root"], name="x", text="any | 局長 | 記功1次")
    assert Rulebook.objects.count() == before


def test_evidence_is_read_live_from_servq_and_kept(agency_tree, organizer, entries):
    evidence = services.link_evidence(by=organizer, entry=entries["mof"], measure="cases.on_time_rate")
    assert evidence.label == "案件如期結案率" and evidence.unit == "%"
    with pytest.raises(AwardError, match="沒有「nothing」這項量測"):
        services.link_evidence(by=organizer, entry=entries["mof"], measure="nothing")


def test_a_reviewer_added_to_the_panel_is_told(agency_tree, organizer, edition, user_with_role):
    """Issue 33.10: a reviewer learned of the panel only from their 待辦."""
    from servq.core.models import Notification

    expert = user_with_role(agency_tree["root"], "reviewer", username="outside-expert")
    services.add_reviewer(by=organizer, edition=edition, user=expert)
    notice = Notification.objects.get(recipient=expert, kind="award.reviewer")
    assert "評審委員" in notice.subject
