"""Keeping records: who may, what is refused (naming the field), and the audit written with each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from servq.activities import services
from servq.activities.models import DocumentExchangeMonth, TrainingSession
from servq.core.models import AuditEntry

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def _training(**values):
    return {
        "title": "電話禮貌研習",
        "held_on": dt.date(2026, 5, 1),
        "hours": Decimal(3),
        "attendees": 40,
        "note": "",
    } | values


def test_a_kept_record_is_audited_in_the_same_write(agency_tree, coordinator):
    session = services.add_record(
        by=coordinator, kind="training", agency=agency_tree["mof"], values=_training()
    )
    entry = AuditEntry.objects.get(action="activities.training.add")
    assert entry.object_id == str(session.pk)
    assert entry.agency_path == agency_tree["mof"].path


def test_another_agencys_coordinator_is_refused(agency_tree, outsider):
    with pytest.raises(services.RecordError):
        services.add_record(by=outsider, kind="training", agency=agency_tree["mof"], values=_training())
    assert not TrainingSession.objects.exists()


def test_a_session_in_the_future_is_refused_naming_the_field(agency_tree, coordinator):
    with pytest.raises(services.RecordError) as refused:
        services.add_record(
            by=coordinator,
            kind="training",
            agency=agency_tree["mof"],
            values=_training(held_on=dt.date(2026, 7, 1)),
        )
    assert refused.value.field == "held_on"
    assert not TrainingSession.objects.exists()


def test_a_month_of_figures_is_kept_once(agency_tree, coordinator):
    values = {"month": dt.date(2026, 3, 1), "electronic": 80, "total": 100}
    services.add_record(by=coordinator, kind="exchange", agency=agency_tree["mof"], values=values)
    with pytest.raises(services.RecordError) as refused:
        services.add_record(by=coordinator, kind="exchange", agency=agency_tree["mof"], values=values)
    assert refused.value.field == "month"
    assert DocumentExchangeMonth.objects.count() == 1


def test_a_review_of_another_agencys_section_is_refused(agency_tree, coordinator, user_with_role):
    other = user_with_role(agency_tree["moea"], "coordinator")
    section = services.add_record(
        by=other,
        kind="sections",
        agency=agency_tree["moea"],
        values={"name": "便民服務", "unit": None, "reviewer": other, "since": dt.date(2026, 1, 1)},
    )
    with pytest.raises(services.RecordError) as refused:
        services.add_record(
            by=coordinator,
            kind="reviews",
            agency=agency_tree["mof"],
            values={"section": section, "reviewed_on": TODAY, "all_correct": True, "note": ""},
        )
    assert refused.value.field == "section"


def test_removal_is_audited_and_a_reviewed_section_stays(agency_tree, coordinator):
    session = services.add_record(
        by=coordinator, kind="training", agency=agency_tree["mof"], values=_training()
    )
    services.remove_record(by=coordinator, kind="training", record=session)
    assert not TrainingSession.objects.exists()
    assert AuditEntry.objects.filter(action="activities.training.remove").exists()
    section = services.add_record(
        by=coordinator,
        kind="sections",
        agency=agency_tree["mof"],
        values={"name": "便民服務", "unit": None, "reviewer": coordinator, "since": dt.date(2026, 1, 1)},
    )
    services.add_record(
        by=coordinator,
        kind="reviews",
        agency=agency_tree["mof"],
        values={"section": section, "reviewed_on": TODAY, "all_correct": True, "note": ""},
    )
    with pytest.raises(services.RecordError):
        services.remove_record(by=coordinator, kind="sections", record=section)
