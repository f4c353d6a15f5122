"""The search shows a reader exactly what each object's own page lets them open: every role, inside
the agency, in one of its units, above it and beside it, against every kind's documents (published
and not). A hit whose page refuses the reader, or a page they may open that the search hides, fails.
"""

from __future__ import annotations

import pytest

from servq.agencies.rules import Role
from servq.cases import services as cases
from servq.cases.models import CaseCategory
from servq.search import selectors
from servq.services import services as catalogue
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db
WORD = "納稅證明"


@pytest.fixture
def documents(world, agency_tree):
    """Beside the world's service, FAQ entries and draft dataset: an unpublished service, and two
    answered cases about 納稅證明, one handled by 秘書處 and one by the ministry itself."""
    coordinator = world["coordinator"]
    catalogue.save_service(
        by=coordinator,
        agency=agency_tree["mof"],
        data=catalogue.ServiceData(code="tax-draft", name="納稅證明英文版（籌備中）", time_limit="5個工作天"),
    )
    root = agency_tree["root"]
    cases.load_default_categories(by=None, body=root)
    CaseCategory.objects.filter(body=root).update(agency=agency_tree["mof"])
    category = CaseCategory.objects.filter(body=root).first()
    for unit, reply in (
        (agency_tree["mof_unit"], "納稅證明已補寄（秘書處）"),
        (None, "納稅證明可線上申請（本部）"),
    ):
        case, _ = cases.submit_case(channel="web", body=root, category=category, description="請問納稅證明")
        if unit is not None:
            case = cases.assign(by=coordinator, case=case, unit=unit)
        cases.reply(by=coordinator, case=case, outcome="resolved", text=reply)


def readers(agency_tree, user_with_role):
    where = {"inside": agency_tree["mof"], "above": agency_tree["root"], "beside": agency_tree["moea"]}
    people = {
        f"{role} {place}": user_with_role(agency, role)
        for role in Role
        for place, agency in where.items()
        if role != Role.UNIT_STAFF  # unit staff belong to units: below
    }
    people["unit_staff of 秘書處"] = user_with_role(agency_tree["mof_unit"], Role.UNIT_STAFF)
    people["unit_staff of another unit"] = user_with_role(
        AgencyFactory(code="mof-acc", name="會計處", kind="unit", parent=agency_tree["mof"]),
        Role.UNIT_STAFF,
    )
    return people


def opens(client, user, url: str) -> bool:
    client.force_login(user)
    status = client.get(url).status_code
    assert status in (200, 403, 404), (url, status)
    return status == 200


def test_every_role_finds_exactly_what_it_may_open(client, documents, agency_tree, user_with_role):
    every_document = selectors.find(_superuser(), WORD, limit=100).entries
    assert len(every_document) == 7  # 2 services, 2 FAQ entries, a dataset, 2 case replies
    for who, reader in readers(agency_tree, user_with_role).items():
        found = {entry.url for entry in selectors.find(reader, WORD, limit=100).entries}
        for entry in every_document:
            may_open = opens(client, reader, entry.url)
            assert (entry.url in found) == may_open, (
                f"{who}: {entry.kind} {entry.title} (page {'opens' if may_open else 'refuses'})"
            )


def _superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root-reader", "r@example.org", "x")
