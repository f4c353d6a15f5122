"""Writes of inspections: criteria versions, plans, visits and panels, scores, records, findings,
the approval chain, replies through the tree, decisions and the notices, each refused cleanly."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.utils import timezone

from servq.core.models import AuditEntry
from servq.inspections import rules, services
from servq.inspections.models import (
    CriteriaSet,
    Finding,
    FindingNotice,
    InspectionPlan,
    RecordFile,
    Reply,
    Score,
    Visit,
)
from servq.inspections.rules import add_months
from servq.inspections.services import InspectionError

# --- criteria and plans --------------------------------------------------------------------------


def test_criteria_are_versioned_and_a_bad_line_is_named(agency_tree, inspector, criteria):
    again = services.save_criteria(
        by=inspector, body=agency_tree["root"], name="服務品質考核", lines="A1｜服務流程｜20"
    )
    assert (criteria.version, again.version) == (1, 2)
    assert [c.max_score for c in criteria.criteria.all()] == [10, 10], "a visit's version is kept as it was"
    with pytest.raises(InspectionError, match="第 2 列的滿分或權重不是數字"):
        services.save_criteria(by=inspector, body=agency_tree["root"], name="x", lines="A1｜甲\nA2｜乙｜十")
    with pytest.raises(InspectionError, match="代號「A1」重複"):
        services.save_criteria(by=inspector, body=agency_tree["root"], name="x", lines="A1｜甲\nA1｜乙")
    assert CriteriaSet.objects.count() == 2


def test_a_plan_keeps_its_order_reasons_and_seed(agency_tree, inspector):
    services.note_criticism(
        by=inspector,
        body=agency_tree["root"],
        agency=agency_tree["moea"],
        noted_on=timezone.localdate(),
        source="聯合報",
        note="櫃檯等候過久",
    )
    plan = services.make_plan(
        by=inspector,
        body=agency_tree["root"],
        year=2026,
        title="115年度實地考核",
        chosen_rules=["criticism", "no_award"],
        places=2,
        seed=7,
    )
    assert (
        plan.priority[0]["name"] == "經濟部" and "曾受媒體或民眾批評（1 則）" in plan.priority[0]["reasons"]
    )
    assert plan.seed == 7 and len(plan.priority) == 2
    again = services.make_plan(
        by=inspector,
        body=agency_tree["root"],
        year=2026,
        title="重抽",
        chosen_rules=["criticism", "no_award"],
        places=2,
        seed=7,
    )
    assert again.priority == plan.priority, "anyone drawing with the stored seed gets the same agencies"
    assert AuditEntry.objects.filter(action="inspection.plan").count() == 2


def test_a_draw_larger_than_the_eligible_set_stores_nothing(agency_tree, inspector):
    with pytest.raises(InspectionError, match="符合條件的只有"):
        services.make_plan(
            by=inspector, body=agency_tree["root"], year=2026, title="x", chosen_rules=["criticism"], places=3
        )
    assert not InspectionPlan.objects.exists()


def test_only_the_bodys_supervisors_plan_and_only_below_it(agency_tree, user_with_role, criteria):
    outsider = user_with_role(agency_tree["moea"], "supervisor")
    with pytest.raises(InspectionError, match="不是行政院的考核人員"):
        services.schedule_visit(
            by=outsider,
            body=agency_tree["root"],
            kind="regular",
            on=timezone.localdate(),
            agencies=[agency_tree["mof"]],
            criteria=criteria,
        )
    mof_supervisor = user_with_role(agency_tree["mof"], "supervisor")
    with pytest.raises(InspectionError, match="經濟部 不在財政部所屬範圍內"):
        services.schedule_visit(
            by=mof_supervisor,
            body=agency_tree["mof"],
            kind="coaching",
            on=timezone.localdate(),
            agencies=[agency_tree["moea"]],
        )
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"criteria": None}, "須選擇評核項目"),
        ({"reply_rule": "儘速"}, "回復期限「儘速」看不懂"),
        ({"kind": "thematic", "theme": ""}, "請寫明主題"),
        ({"agencies": []}, "請選擇受訪機關"),
    ],
)
def test_a_visit_with_bad_input_is_refused(agency_tree, inspector, criteria, changes, message):
    fields = {
        "kind": "regular",
        "on": timezone.localdate(),
        "agencies": [agency_tree["mof"]],
        "criteria": criteria,
        **changes,
    }
    with pytest.raises(InspectionError, match=message):
        services.schedule_visit(by=inspector, body=agency_tree["root"], **fields)
    assert not Visit.objects.exists()


# --- scoring and records --------------------------------------------------------------------------


def test_a_reviewer_scores_as_they_type_and_a_score_off_the_scale_stores_nothing(
    agency_tree, inspector, visit, user_with_role
):
    expert = user_with_role(agency_tree["root"], "reviewer", username="expert")
    services.add_panelist(by=inspector, visit=visit, user=expert, role="expert")
    a1, a2 = visit.criteria.criteria.all()
    services.save_score(by=expert, visit=visit, agency=agency_tree["ntbt"], criterion=a1, score="7")
    services.save_score(
        by=expert, visit=visit, agency=agency_tree["ntbt"], criterion=a1, score="8.5", comment="流程已簡化"
    )
    assert Score.objects.get().score == 8.5, "the same row, updated as they type"
    with pytest.raises(InspectionError, match="「A2」的分數須介於 0 與 10"):
        services.save_score(by=expert, visit=visit, agency=agency_tree["ntbt"], criterion=a2, score="11")
    assert Score.objects.count() == 1
    assert AuditEntry.objects.filter(action="inspection.score").count() == 2


def test_someone_not_on_the_panel_cannot_score(agency_tree, visit, user_with_role):
    stranger = user_with_role(agency_tree["root"], "reviewer")
    with pytest.raises(InspectionError, match="不是這次訪查的委員"):
        services.save_score(
            by=stranger,
            visit=visit,
            agency=agency_tree["ntbt"],
            criterion=visit.criteria.criteria.first(),
            score="5",
        )


def test_a_spot_check_keeps_who_when_what_was_seen_and_the_photos(agency_tree, inspector):
    from PIL import Image

    from servq.cases.services import Upload

    photo = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(photo, "PNG")

    spot = services.schedule_visit(
        by=inspector,
        body=agency_tree["root"],
        kind="spot",
        on=timezone.localdate(),
        agencies=[agency_tree["mof"]],
    )
    record = services.record_spot_check(
        by=inspector,
        visit=spot,
        agency=agency_tree["mof"],
        at=timezone.now(),
        seen="服務台無人值守 10 分鐘",
        files=[Upload("櫃台.png", photo.getvalue())],
    )
    assert record.by == inspector and RecordFile.objects.get(record=record).content_type == "image/png"
    with pytest.raises(InspectionError, match="請寫下查核情形"):
        services.record_spot_check(
            by=inspector, visit=spot, agency=agency_tree["mof"], at=timezone.now(), seen=" "
        )


def test_a_coaching_visit_advises_without_scores(agency_tree, inspector, criteria):
    coaching = services.schedule_visit(
        by=inspector,
        body=agency_tree["root"],
        kind="coaching",
        on=timezone.localdate(),
        agencies=[agency_tree["mof"]],
        criteria=criteria,
    )
    assert coaching.criteria is None and not coaching.scored
    advice = services.add_finding(
        by=inspector,
        visit=coaching,
        agency=agency_tree["mof"],
        text="建議參考他機關作法",
        recommendation=True,
    )
    with pytest.raises(InspectionError, match="不屬於這次訪查"):
        services.save_score(
            by=inspector,
            visit=coaching,
            agency=agency_tree["mof"],
            criterion=criteria.criteria.first(),
            score="5",
        )
    assert advice.recommendation


# --- approval and sending --------------------------------------------------------------------------


def test_an_approver_outside_the_chain_is_refused(agency_tree, inspector, visit, user_with_role):
    outside = user_with_role(agency_tree["moea"], "supervisor")
    with pytest.raises(InspectionError, match="不在行政院的核定層級內"):
        services.advance_visit(by=inspector, visit=visit, action="submit", approver=outside)
    visit.refresh_from_db()
    assert visit.state == rules.DRAFT


def test_only_the_named_approver_approves_and_sending_starts_the_clocks(
    agency_tree, inspector, visit, user_with_role
):
    head = user_with_role(agency_tree["root"], "head", username="minister")
    finding = services.add_finding(by=inspector, visit=visit, agency=agency_tree["ntbt"], text="缺失")
    services.advance_visit(by=inspector, visit=visit, action="submit", approver=head)
    with pytest.raises(InspectionError, match="只有指定的核定人可以核定"):
        services.advance_visit(by=inspector, visit=visit, action="approve")
    services.advance_visit(by=head, visit=visit, action="approve")
    with pytest.raises(InspectionError, match="已核定，不能「送陳核」"):
        services.advance_visit(by=inspector, visit=visit, action="submit", approver=head)
    services.advance_visit(by=inspector, visit=visit, action="send")
    finding.refresh_from_db()
    today = timezone.localdate()
    assert (finding.notified_on, finding.reply_due) == (today, add_months(today, 1))


# --- replies and decisions -----------------------------------------------------------------------


def test_the_agencys_parent_answers_for_it_and_the_body_returns_then_closes(
    agency_tree, inspector, sent_finding, user_with_role
):
    parent = user_with_role(agency_tree["mof"], "coordinator", username="mof")
    reply = services.answer(by=parent, finding=sent_finding, text="已請臺北國稅局指定專人每週更新")
    assert reply.on_behalf, "財政部 answered for 臺北國稅局"
    with pytest.raises(InspectionError, match="請寫明理由"):
        services.decide(by=inspector, finding=sent_finding, action="send_back")
    returned = services.decide(by=inspector, finding=sent_finding, action="send_back", note="請附更新紀錄")
    assert returned.state == rules.OPEN and Reply.objects.get().decision == "send_back"
    own = user_with_role(agency_tree["ntbt"], "coordinator")
    assert not services.answer(by=own, finding=returned, text="附上 10 月更新紀錄").on_behalf
    closed = services.decide(by=inspector, finding=returned, action="accept")
    assert closed.state == rules.CLOSED and closed.closed_on == timezone.localdate()
    with pytest.raises(InspectionError, match="已解除列管，不能「回復改善情形」"):
        services.answer(by=own, finding=closed, text="再補充")
    assert Reply.objects.count() == 2


def test_a_sibling_cannot_answer_and_keep_open_marks_it_tracked(
    agency_tree, inspector, sent_finding, user_with_role
):
    with pytest.raises(InspectionError, match="不能回復"):
        services.answer(by=user_with_role(agency_tree["moea"], "coordinator"), finding=sent_finding, text="x")
    services.answer(
        by=user_with_role(agency_tree["ntbt"], "coordinator"), finding=sent_finding, text="已改善一半"
    )
    kept = services.decide(by=inspector, finding=sent_finding, action="keep_open", note="持續追蹤至年底")
    assert kept.tracked and kept.state == rules.OPEN


def test_the_agency_assigns_a_finding_to_a_unit_whose_staff_then_answer(
    agency_tree, inspector, sent_finding, user_with_role
):
    from tests.factories import AgencyFactory

    unit = AgencyFactory(code="ntbt-it", name="資訊科", kind="unit", parent=agency_tree["ntbt"])
    services.assign_finding(
        by=user_with_role(agency_tree["ntbt"], "coordinator"), finding=sent_finding, unit=unit
    )
    staff = user_with_role(unit, "unit_staff")
    assert not services.answer(by=staff, finding=sent_finding, text="已更新").on_behalf


def test_a_finding_from_the_year_end_report_is_notified_at_once(agency_tree, inspector):
    finding = services.finding_from_year_end(
        by=inspector, body=agency_tree["root"], agency=agency_tree["mof"], text="滿意度調查樣本不足"
    )
    assert finding.source == "year_end" and finding.reply_due == add_months(timezone.localdate(), 1)


# --- notices -----------------------------------------------------------------------------------


def test_reminders_overdue_and_escalation_are_each_sent_once(
    agency_tree, inspector, sent_finding, user_with_role, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    own = user_with_role(agency_tree["ntbt"], "coordinator", email="ntbt@example.gov.tw")
    parent = user_with_role(agency_tree["mof"], "coordinator", email="mof@example.gov.tw")
    Finding.objects.filter(pk=sent_finding.pk).update(reply_due=timezone.localdate() - dt.timedelta(days=20))
    planned = services.plan_finding_notices(today=timezone.localdate())
    assert services.plan_finding_notices(today=timezone.localdate()) == 0, "a second run plans nothing new"
    kinds = set(FindingNotice.objects.values_list("kind", "recipient__username"))
    assert ("overdue", own.username) in kinds and ("escalation", parent.username) in kinds
    assert ("escalation", inspector.username) in kinds
    assert ("overdue", parent.username) not in kinds
    sent = services.send_finding_notices()
    assert sent == planned and services.send_finding_notices() == 0
    assert len(mail.outbox) == planned


def test_a_member_added_to_a_panel_is_told_and_sees_it_waiting(
    client, agency_tree, inspector, visit, user_with_role
):
    """Issue 33.10: a reviewer added to an inspection panel got no to-do and no notice."""
    from servq.core.models import Notification

    expert = user_with_role(agency_tree["root"], "reviewer", username="panel-expert")
    services.add_panelist(by=inspector, visit=visit, user=expert, role="expert")
    notice = Notification.objects.get(recipient=expert)
    assert notice.kind == "inspection.panelist" and "訪查委員" in notice.subject
    client.force_login(expert)
    home = client.get("/").content.decode()
    assert "受邀擔任委員的訪查" in home and "115年" in home
    services.add_panelist(by=inspector, visit=visit, user=expert, role="expert")  # again: no second notice
    assert Notification.objects.filter(recipient=expert).count() == 1


def test_the_body_spot_checks_its_own_units_and_the_unit_answers(agency_tree, user_with_role):
    """000: 綜合規劃處不定期抽查作成紀錄，並將考核結果送受查單位檢討改進."""
    mof = agency_tree["mof"]
    planner = user_with_role(mof, "supervisor", username="mof-planning")
    staff = user_with_role(agency_tree["mof_unit"], "unit_staff", username="mof-sec")
    with pytest.raises(services.InspectionError, match="只能以「抽查」"):
        services.schedule_visit(
            by=planner, body=mof, kind="coaching", on=timezone.localdate(), agencies=[mof], reply_rule="1個月"
        )
    visit = services.schedule_visit(
        by=planner, body=mof, kind="spot", on=timezone.localdate(), agencies=[mof], reply_rule="1個月"
    )
    finding = services.add_finding(
        by=planner, visit=visit, agency=mof, unit=agency_tree["mof_unit"], text="招標資訊專區連結失效"
    )
    services.advance_visit(by=planner, visit=visit, action="submit", approver=planner)
    services.advance_visit(by=planner, visit=visit, action="approve")
    services.advance_visit(by=planner, visit=visit, action="send")
    services.answer(by=staff, finding=finding, text="已修正連結並每月檢視")
    finding.refresh_from_db()
    assert finding.state == "replied"


def test_an_answered_finding_waits_on_the_inspectors_todo(
    agency_tree, inspector, sent_finding, user_with_role
):
    """Issue 33.10: the supervisor's home did not list finding replies waiting for review."""
    from servq.inspections.todos import replies_to_review

    answerer = user_with_role(agency_tree["ntbt"], "coordinator", username="ntbt-coordinator")
    assert replies_to_review(inspector, timezone.localdate()) == []
    services.answer(by=answerer, finding=sent_finding, text="已增設尖峰人力")
    waiting = replies_to_review(inspector, timezone.localdate())
    assert [t.url for t in waiting] == [f"/inspections/findings/{sent_finding.pk}/"]
    assert replies_to_review(answerer, timezone.localdate()) == []  # the agency does not judge itself


def test_an_answered_finding_is_announced_to_the_inspecting_bodys_supervisors(
    agency_tree, inspector, sent_finding, user_with_role
):
    """Issue 33.10: the supervisor was not told that a reply waited for review."""
    from servq.core.models import Notification

    own = user_with_role(agency_tree["ntbt"], "coordinator", username="ntbt")
    services.answer(by=own, finding=sent_finding, text="已指定專人每週更新")
    notice = Notification.objects.get(recipient=inspector, kind="inspection.answer")
    assert "臺北國稅局" in notice.subject and notice.url.endswith(f"/findings/{sent_finding.pk}/")
