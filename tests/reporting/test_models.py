"""The reporting invariants the database itself keeps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from servq.reporting.models import (
    Evidence,
    ItemProgress,
    Notice,
    ReportingPeriod,
    SelfEvaluation,
    YearEndReport,
)

pytestmark = pytest.mark.django_db
D = dt.date


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_period_ends_after_it_starts_and_opens_before_it_is_due(cycle):
    refused(
        lambda: ReportingPeriod.objects.create(
            cycle=cycle,
            frequency="yearly",
            label="x",
            start=D(2026, 12, 31),
            end=D(2026, 1, 1),
            opens_on=D(2026, 1, 1),
            due_on=D(2027, 1, 15),
        )
    )
    refused(
        lambda: ReportingPeriod.objects.create(
            cycle=cycle,
            frequency="yearly",
            label="x",
            start=D(2026, 1, 1),
            end=D(2026, 12, 31),
            opens_on=D(2027, 2, 1),
            due_on=D(2027, 1, 15),
        )
    )


def test_one_report_per_item_and_period(plan, quarters):
    item = plan.items.first()
    ItemProgress.objects.create(item=item, period=quarters[0], agency=plan.agency)
    refused(lambda: ItemProgress.objects.create(item=item, period=quarters[0], agency=plan.agency))


def test_evidence_is_a_file_or_a_link_never_both_or_neither(plan, quarters):
    progress = ItemProgress.objects.create(item=plan.items.first(), period=quarters[0], agency=plan.agency)
    refused(lambda: Evidence.objects.create(progress=progress))
    refused(lambda: Evidence.objects.create(progress=progress, url="https://a.gov.tw", file="x/y.pdf"))


def test_a_submitted_self_evaluation_has_an_overall_grade(plan):
    refused(lambda: SelfEvaluation.objects.create(plan=plan, year=2026, half=1, submitted_at=timezone.now()))
    refused(lambda: SelfEvaluation.objects.create(plan=plan, year=2026, half=3))


def test_a_year_end_report_is_signed_only_after_it_is_compiled(cycle, agency_tree):
    refused(
        lambda: YearEndReport.objects.create(cycle=cycle, agency=agency_tree["mof"], signed_at=timezone.now())
    )


def test_a_notice_exists_once_per_kind_period_agency_and_recipient(quarters, agency_tree, coordinator):
    fields = {
        "kind": "reminder",
        "period": quarters[0],
        "agency": agency_tree["mof"],
        "recipient": coordinator,
    }
    Notice.objects.create(**fields)
    refused(lambda: Notice.objects.create(**fields))
