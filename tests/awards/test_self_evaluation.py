"""A half-year self-evaluation graded on the award's 構面 (003: 依「政府服務獎評獎實施計畫」評核項目
及標準自行實施考核): the category the agency entered, every 構面 graded, then submitted without item
grades; published with its 構面 grades."""

from __future__ import annotations

import pytest
from django.urls import reverse

from servq.awards import services
from servq.awards.models import CriterionGrade
from servq.reporting import services as reporting_services
from servq.reporting.models import SelfEvaluation
from tests.factories import PlanFactory, PlanItemFactory


@pytest.fixture
def plan(agency_tree):
    plan = PlanFactory(
        agency=agency_tree["mof"], kind="execution", status="approved", first_year=2026, last_year=2026
    )
    PlanItemFactory(plan=plan, position=0)
    return plan


@pytest.fixture
def coordinator(agency_tree, user_with_role):
    return user_with_role(agency_tree["mof"], "coordinator", username="lin")


def _criteria(edition, code="overall"):
    return list(edition.categories.get(code=code).criteria.order_by("position"))


def test_every_criterion_graded_lets_it_be_submitted_without_item_grades(edition, plan, coordinator):
    basic, delivery = _criteria(edition)
    services.grade_self_evaluation(
        by=coordinator, plan=plan, year=2026, half=1, grades={basic.pk: ("good", "")}
    )
    evaluation = SelfEvaluation.objects.get()
    assert not evaluation.on_award_criteria  # one 構面 still ungraded
    services.grade_self_evaluation(
        by=coordinator, plan=plan, year=2026, half=1, grades={delivery.pk: ("excellent", "線上申辦全面上線")}
    )
    evaluation.refresh_from_db()
    assert evaluation.on_award_criteria
    evaluation = reporting_services.save_self_evaluation(
        by=coordinator, plan=plan, year=2026, half=1, overall="good", summary="", grades={}
    )
    reporting_services.submit_self_evaluation(by=coordinator, evaluation=evaluation)
    assert SelfEvaluation.objects.get().submitted_at is not None


def test_a_criterion_of_another_category_is_refused_and_nothing_kept(edition, plan, coordinator):
    (problem,) = _criteria(edition, "project")
    with pytest.raises(services.AwardError):
        services.grade_self_evaluation(
            by=coordinator, plan=plan, year=2026, half=1, grades={problem.pk: ("good", "")}
        )
    assert not CriterionGrade.objects.exists()


def test_without_an_award_that_year_it_says_so(agency_tree, plan, coordinator):
    with pytest.raises(services.AwardError, match="沒有可依循的政府服務獎評獎項目"):
        services.grade_self_evaluation(by=coordinator, plan=plan, year=2026, half=1, grades={})


def test_another_agency_cannot_grade(edition, plan, agency_tree, user_with_role):
    outsider = user_with_role(agency_tree["moea"], "coordinator")
    (basic, _) = _criteria(edition)
    with pytest.raises(Exception, match="聯絡人"):
        services.grade_self_evaluation(
            by=outsider, plan=plan, year=2026, half=1, grades={basic.pk: ("good", "")}
        )


def test_the_page_keeps_what_was_typed_on_a_refusal_and_publishes_the_grades(
    client, edition, plan, coordinator
):
    basic, delivery = _criteria(edition)
    client.force_login(coordinator)
    url = reverse("awards:self_evaluation", args=[plan.pk, 2026, 1])
    page = client.get(url).content.decode()
    assert "基礎服務" in page and "服務遞送" in page
    refused = client.post(url, {f"grade_{basic.pk}": "bogus", f"remark_{basic.pk}": "<b>說明</b>"})
    assert refused.status_code == 400 and "&lt;b&gt;說明&lt;/b&gt;" in refused.content.decode()
    client.post(
        url, {f"grade_{basic.pk}": "good", f"grade_{delivery.pk}": "fair", f"remark_{delivery.pk}": "待加強"}
    )
    evaluation = SelfEvaluation.objects.get()
    evaluation = reporting_services.save_self_evaluation(
        by=coordinator, plan=plan, year=2026, half=1, overall="good", summary="", grades={}
    )
    reporting_services.submit_self_evaluation(by=coordinator, evaluation=evaluation)
    public = client.get(reverse("reporting:public_self_evaluation", args=[evaluation.pk])).content.decode()
    assert "各評獎構面評等" in public and "待加強" in public


def test_rewards_are_proposed_from_the_self_evaluations_grade_where_the_rulebook_says_so(
    edition, plan, coordinator, organizer, agency_tree
):
    from servq.awards.rulebooks import SEED_003
    from servq.reporting.models import SelfEvaluation

    coordinator.first_name = "林聯絡"
    coordinator.save()
    evaluation = reporting_services.save_self_evaluation(
        by=coordinator, plan=plan, year=2026, half=1, overall="excellent", summary="", grades={}
    )
    SelfEvaluation.objects.filter(pk=evaluation.pk).update(on_award_criteria=True)
    evaluation.refresh_from_db()
    reporting_services.submit_self_evaluation(by=coordinator, evaluation=evaluation)
    services.propose_rewards(by=organizer, edition=edition)
    assert not edition.rewards.filter(person="林聯絡").exists()  # 003's lines alone say nothing of it
    services.save_rulebook(
        by=organizer,
        body=agency_tree["root"],
        name="經濟部敘獎原則（含自行考核）",
        text=SEED_003 + "selfeval=優 | 主要承辦人員 | 嘉獎1次 | 柒、一\n",
    )
    services.propose_rewards(by=organizer, edition=edition)
    reward = edition.rewards.get(person="林聯絡")
    assert reward.proposed == "嘉獎1次" and "柒、一" in reward.basis


def test_a_self_evaluation_condition_must_name_a_grade():
    from servq.awards import rules

    with pytest.raises(rules.BadRulebook, match="看不懂"):
        rules.parse_rulebook("selfeval=特優 | 主要承辦人員 | 嘉獎1次")
