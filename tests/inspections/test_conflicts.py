"""An inspection panel member never scores an agency they are tied to (issue 34.4): a role there
(or above, or below) or a declared affiliation keeps them off the panel, and a tie declared later
stops their scoring."""

from __future__ import annotations

import pytest

from servq.agencies import services as agency_services
from servq.inspections import services
from servq.inspections.models import Panelist, Score
from servq.inspections.services import InspectionError

pytestmark = pytest.mark.django_db


def test_someone_working_above_the_visited_agency_is_kept_off_the_panel(
    agency_tree, inspector, visit, user_with_role
):
    ministry_staff = user_with_role(agency_tree["mof"], "coordinator", first_name="財政部聯絡人")
    with pytest.raises(InspectionError, match="與受訪的臺北國稅局有關係"):
        services.add_panelist(by=inspector, visit=visit, user=ministry_staff, role="expert")
    assert not Panelist.objects.filter(user=ministry_staff).exists()


def test_a_tie_declared_after_joining_stops_the_scoring(agency_tree, inspector, visit, user_with_role):
    expert = user_with_role(agency_tree["root"], "reviewer")
    services.add_panelist(by=inspector, visit=visit, user=expert, role="expert")
    agency_services.declare_affiliation(by=expert, user=expert, agency=agency_tree["ntbt"], note="前任職")
    criterion = visit.criteria.criteria.first()
    with pytest.raises(InspectionError, match="您與臺北國稅局有關係"):
        services.save_score(
            by=expert, visit=visit, agency=agency_tree["ntbt"], criterion=criterion, score="7"
        )
    assert not Score.objects.exists()
