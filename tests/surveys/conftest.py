from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from servq.surveys import services
from servq.surveys.models import Audience


@pytest.fixture
def coordinator(agency_tree, user_with_role):
    return user_with_role(agency_tree["mof"], "coordinator", username="mof-coordinator")


@pytest.fixture
def questionnaire(agency_tree, coordinator):
    return services.save_questionnaire(
        by=coordinator,
        agency=agency_tree["mof"],
        name="財政部洽公民眾滿意度調查",
        audience=Audience.CITIZENS,
        lines=services.TEMPLATES[Audience.CITIZENS],
    )


@pytest.fixture
def survey(coordinator, questionnaire):
    return services.open_survey(
        by=coordinator,
        questionnaire=questionnaire,
        title="115年度洽公民眾滿意度調查",
        year=2026,
        closes_on=timezone.localdate() + dt.timedelta(days=30),
    )


@pytest.fixture
def invited(coordinator, survey):
    """Ten invitations drawn from a frame of fifty; their tokens."""
    frame = {f"P{n:03d}": (f"p{n}@example.tw", "", "北區" if n < 30 else "南區") for n in range(50)}
    return [token for _, token in services.sample(by=coordinator, survey=survey, frame=frame, n=10, seed=5)]
