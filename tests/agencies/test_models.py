"""Each database invariant of the agency tree, proved by the database refusing a bad row."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from servq.agencies.models import Agency, Membership

pytestmark = pytest.mark.django_db


def test_only_a_parent_body_may_be_a_root(agency_tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.create(code="orphan", name="孤兒單位", kind="unit", path="/orphan/")


def test_an_agency_is_not_its_own_parent(agency_tree):
    mof = agency_tree["mof"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.filter(pk=mof.pk).update(parent=mof)


def test_names_are_unique_under_one_parent(agency_tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.create(
            code="mof2", name="財政部", kind="agency", parent=agency_tree["root"], path="/ey/mof2/"
        )


def test_kind_must_be_known(agency_tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.filter(pk=agency_tree["mof"].pk).update(kind="ministry_of_magic")


def test_a_role_is_held_once_per_agency(agency_tree, user_with_role):
    user = user_with_role(agency_tree["mof"], "coordinator")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, agency=agency_tree["mof"], role="coordinator")


def test_role_must_be_known(agency_tree, user_with_role):
    user = user_with_role(agency_tree["mof"], "coordinator")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(user=user).update(role="emperor")


def test_path_follows_the_tree(agency_tree):
    assert agency_tree["ntbt"].path == "/ey/mof/ntbt/"
    assert agency_tree["ntbt"].depth == 2
