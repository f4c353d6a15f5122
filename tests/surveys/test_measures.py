"""Survey measures by hand: survey runs by kind in the range, courtesy tests done in the range."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from servq.core.measures import Scope, get
from servq.surveys import services
from servq.surveys.models import Audience, CourtesyTest, ScoreSheet, Survey


def _scope(agency_tree, start=None, end=None):
    today = timezone.localdate()
    return Scope(
        agency_tree["root"].path, start or today - dt.timedelta(days=60), end or today + dt.timedelta(days=60)
    )


def test_survey_runs_by_kind_closing_in_the_range(agency_tree, coordinator, survey):
    policy = services.save_questionnaire(
        by=coordinator,
        agency=agency_tree["mof"],
        name="施政滿意度調查",
        audience=Audience.POLICY,
        lines=services.TEMPLATES[Audience.CITIZENS],
    )
    services.open_survey(
        by=coordinator, questionnaire=policy, title="115年施政滿意度", year=2026, closes_on=survey.closes_on
    )
    scope = _scope(agency_tree)
    assert get("surveys.survey_runs").value(scope) == 2
    assert get("surveys.policy_survey_runs").value(scope) == 1
    assert get("surveys.staff_survey_runs").value(scope) == 0
    Survey.objects.update(closes_on=timezone.localdate() - dt.timedelta(days=400))
    assert get("surveys.survey_runs").value(scope) == 0


def test_courtesy_tests_done_in_the_range_and_their_pass_rate(agency_tree, coordinator):
    sheet = ScoreSheet.objects.create(
        body=agency_tree["root"], name="電話禮貌", items="a", bands="b", pass_mark=70
    )
    today = timezone.localdate()
    for on, total in [(today, 80), (today - dt.timedelta(days=5), 60), (None, None)]:
        CourtesyTest.objects.create(
            sheet=sheet, agency=agency_tree["mof"], tester=coordinator, on=on, due_on=today, total=total
        )
    scope = _scope(agency_tree)
    assert get("surveys.courtesy_tests").value(scope) == 2  # the one not yet done is not counted
    assert get("surveys.courtesy_pass_rate").value(scope) == Decimal("50.0")
    assert (
        get("surveys.courtesy_pass_rate").value(Scope(agency_tree["moea"].path, scope.start, scope.end))
        is None
    )
