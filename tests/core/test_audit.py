from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from servq.agencies import services as agency_services
from servq.core import audit
from servq.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_service_write_records_who_what_and_before_after(agency_tree, user_with_role):
    boss = user_with_role(agency_tree["root"], "supervisor")
    agency_services.rename_agency(by=boss, agency=agency_tree["mof"], name="財政部（新）")
    entry = AuditEntry.objects.filter(action="agency.rename").get()
    assert entry.actor == boss
    assert entry.agency == agency_tree["mof"]
    assert entry.object_type == "agencies.agency"
    assert entry.changes == {"name": ["財政部", "財政部（新）"]}


def test_the_record_rolls_back_with_the_change(agency_tree):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        agency_services.rename_agency(by=None, agency=agency_tree["mof"], name="不會留下")
        raise RuntimeError("the service's caller failed")
    assert AuditEntry.objects.count() == before
    agency_tree["mof"].refresh_from_db()
    assert agency_tree["mof"].name == "財政部"


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_a_bug(agency_tree):
    with pytest.raises(RuntimeError, match="transaction"):
        audit.record(by=None, action="x", obj=agency_tree["mof"])


def test_supervisor_reads_the_log_of_their_subtree_only(client, agency_tree, user_with_role):
    agency_services.rename_agency(by=None, agency=agency_tree["ntbt"], name="臺北國稅局（改）")
    agency_services.rename_agency(by=None, agency=agency_tree["moea"], name="經濟部（改）")
    client.force_login(user_with_role(agency_tree["mof"], "supervisor"))
    page = client.get(reverse("portal:audit")).content.decode()
    assert "臺北國稅局（改）" in page
    assert "經濟部（改）" not in page
    own = client.get(reverse("portal:audit_object", args=["agencies.agency", agency_tree["ntbt"].pk]))
    assert own.status_code == 200
    other = client.get(reverse("portal:audit_object", args=["agencies.agency", agency_tree["moea"].pk]))
    assert other.status_code == 404


def test_coordinators_cannot_read_the_audit_log(client, agency_tree, user_with_role):
    client.force_login(user_with_role(agency_tree["mof"], "coordinator"))
    assert client.get(reverse("portal:audit")).status_code == 403


def test_change_sets_saves_and_records_before_and_after_in_one_call(agency_tree):
    from django.db import transaction

    from servq.core import audit
    from servq.core.models import AuditEntry

    agency = agency_tree["mof"]
    with transaction.atomic():
        audit.change(
            by=None, action="agency.rename", obj=agency, agency=agency, values={"name": "財政部（新）"}
        )
    agency.refresh_from_db()
    entry = AuditEntry.objects.get(action="agency.rename")
    assert agency.name == "財政部（新）"
    assert entry.changes == {"name": ["財政部", "財政部（新）"]}


def test_an_entry_about_something_that_is_not_one_row_names_it_without_a_fake_instance(db):
    from django.db import transaction

    from servq.core import audit
    from servq.core.models import AuditEntry

    with transaction.atomic():
        audit.record(
            by=None, action="calendar.load", obj=audit.Subject("core.officeday", "2026-2027", "辦公日曆")
        )
    entry = AuditEntry.objects.get()
    assert (entry.object_type, entry.object_id, entry.object_repr) == (
        "core.officeday",
        "2026-2027",
        "辦公日曆",
    )


def test_the_audit_view_reads_like_a_record_not_like_a_database(client, agency_tree, user_with_role):
    """It showed `program_id: ∅ → 2`, UTC timestamps and `_: {'copied_from': None}`."""
    from django.urls import reverse

    from servq.plans import services
    from tests.factories import open_cycle

    boss = user_with_role(agency_tree["root"], "supervisor")
    cycle = open_cycle(agency_tree, boss)
    plan = services.start_plan(by=boss, cycle=cycle, agency=agency_tree["mof"])
    client.force_login(boss)
    page = client.get(reverse("portal:audit_object", args=["plans.plan", plan.pk])).content.decode()
    assert "計畫建立" in page and "計畫名稱：" in page and "方案：" in page
    assert "program_id" not in page and "copied_from" not in page and "+00:00" not in page
    assert "115年" in page  # dates in 民國, local time
