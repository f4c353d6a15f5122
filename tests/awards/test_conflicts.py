"""Conflicts come from a person's roles and declared affiliations, never from a typed field
(issue 34.4): their own agency's entries (and those above or below it) are never assigned; a tie
declared later withdraws the review; scoring checks again."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from servq.agencies import services as agency_services
from servq.agencies.models import Affiliation
from servq.awards import services
from servq.awards.models import Assignment
from servq.awards.services import AwardError
from servq.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_reviewer_working_at_an_agency_never_reviews_it_or_its_own(
    agency_tree, edition, entries, organizer, user_with_role
):
    """The organiser typed nothing: the ministry staffer's role at 財政部 says it all."""
    staffer = user_with_role(agency_tree["mof_unit"], "unit_staff", username="mof-staffer")
    agency_services.grant_role(by=None, user=staffer, agency=edition.body, role="reviewer")
    reviewer = services.add_reviewer(by=organizer, edition=edition, user=staffer)
    first = edition.stages.first()
    for code, name in (("mof", "財政部"), ("ntbt", "臺北國稅局")):
        with pytest.raises(AwardError, match=f"與{name}有利益衝突"):
            services.assign(by=organizer, stage=first, entry=entries[code], reviewer=reviewer)
    assert services.assign(by=organizer, stage=first, entry=entries["moea"], reviewer=reviewer)


def test_the_bodys_own_staff_review_its_agencies(agency_tree, edition, entries, organizer):
    """003's 初評小組 is the ministry's own staff: a role at the organising body is no tie."""
    reviewer = services.add_reviewer(by=organizer, edition=edition, user=organizer)
    assert services.assign(
        by=organizer, stage=edition.stages.first(), entry=entries["mof"], reviewer=reviewer
    )


def test_a_tie_declared_after_assignment_withdraws_the_review(
    agency_tree, edition, entries, organizer, panel
):
    first = edition.stages.first()
    expert = panel[0]
    assignment = services.assign(by=organizer, stage=first, entry=entries["moea"], reviewer=expert)
    agency_services.declare_affiliation(
        by=expert.user, user=expert.user, agency=agency_tree["moea"], note="經濟部顧問"
    )
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEntry.objects.filter(action="award.withdraw", object_id=str(assignment.pk)).exists()
    with pytest.raises(AwardError, match="與經濟部有利益衝突"):
        services.assign(by=organizer, stage=first, entry=entries["moea"], reviewer=expert)


def test_scoring_checks_the_conflict_again(agency_tree, edition, entries, organizer, panel):
    """A tie that reached the database without the announcement (an import, a race): the score is
    refused and the review withdrawn, the withdrawal kept."""
    first = edition.stages.first()
    expert = panel[1]
    assignment = services.assign(by=organizer, stage=first, entry=entries["moea"], reviewer=expert)
    Affiliation.objects.create(user=expert.user, agency=agency_tree["moea_unit"])
    criterion = entries["moea"].category.criteria.first()
    with pytest.raises(AwardError, match="有利益衝突，這份評審已撤回"):
        services.save_scores(by=expert.user, assignment=assignment, scores={criterion.pk: "8"})
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_only_the_person_or_a_supervisor_declares_a_tie(agency_tree, panel, user_with_role):
    stranger = user_with_role(agency_tree["moea"], "coordinator")
    with pytest.raises(agency_services.AgencyError, match="只有本人或上級機關的研考督導"):
        agency_services.declare_affiliation(by=stranger, user=panel[0].user, agency=agency_tree["mof"])
    assert not Affiliation.objects.exists()


def test_reviewers_are_picked_by_name_from_the_panel_list(
    client, agency_tree, edition, organizer, user_with_role
):
    expert = user_with_role(agency_tree["root"], "reviewer", username="outside", first_name="外聘委員甲")
    nobody = get_user_model().objects.create_user("typed-name")
    client.force_login(organizer)
    page = client.get(reverse("awards:edition", args=[edition.pk])).content.decode()
    assert "外聘委員甲（行政院評審委員）" in page and "typed-name" not in page
    refused = client.post(reverse("awards:add_reviewer", args=[edition.pk]), {"user": nobody.pk}, follow=True)
    assert "請從名單中選擇委員" in refused.content.decode()
    client.post(reverse("awards:add_reviewer", args=[edition.pk]), {"user": expert.pk})
    assert list(edition.reviewers.values_list("user__username", flat=True)) == ["outside"]
