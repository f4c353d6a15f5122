"""A ``next`` parameter never sends a user off the site (open redirect)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from servq.plans.models import Plan
from tests.factories import PlanFactory

SERVQ = Path(__file__).resolve().parents[2] / "servq"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/login",
        "//evil.example/",
        "javascript:alert(1)",
        "http://testserver@evil.example/",
    ],
)
def test_a_refused_transition_does_not_follow_an_external_next(client, agency_tree, user_with_role, target):
    plan = PlanFactory(agency=agency_tree["mof"], status="draft")
    client.force_login(user_with_role(agency_tree["mof"], "coordinator"))
    response = client.post(reverse("plans:transition", args=[plan.pk, "approve"]), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert Plan.objects.get(pk=plan.pk).status == "draft"


def test_a_next_on_this_site_is_followed(client, agency_tree, user_with_role):
    plan = PlanFactory(agency=agency_tree["mof"], status="draft")
    client.force_login(user_with_role(agency_tree["mof"], "coordinator"))
    here = reverse("plans:edit", args=[plan.pk])
    response = client.post(reverse("plans:transition", args=[plan.pk, "approve"]), {"next": here})
    assert response["Location"] == here


def test_no_view_reads_next_but_the_one_helper():
    """The class of fault: a view that follows ``next`` itself. Only servq/core/http.py may."""
    reading_next = re.compile(r"""\.get\(\s*["']next["']""")
    offenders = [
        str(path.relative_to(SERVQ))
        for path in SERVQ.rglob("*.py")
        if path.name != "http.py" and reading_next.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
