"""The measures indicators read from the catalogue, over an agency subtree and a date range."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from servq.core.measures import Scope, get
from servq.services import services


def _scope(agency_tree, days=365):
    today = timezone.localdate()
    return Scope(agency_tree["root"].path, today - dt.timedelta(days=days), today)


def test_online_services_count_published_services_at_apply_or_full(agency_tree, coordinator, data):
    services.save_service(by=coordinator, agency=agency_tree["mof"], data=data(code="a", online_level=3))
    services.save_service(by=coordinator, agency=agency_tree["mof"], data=data(code="b", online_level=4))
    services.save_service(by=coordinator, agency=agency_tree["mof"], data=data(code="c", online_level=2))
    services.save_service(
        by=coordinator, agency=agency_tree["mof"], data=data(code="d", online_level=4, published=False)
    )
    assert get("services.online_services").value(_scope(agency_tree)) == 2
    assert get("services.fully_online_services").value(_scope(agency_tree)) == 1


def test_services_with_a_published_sop(agency_tree, coordinator, data):
    services.save_service(by=coordinator, agency=agency_tree["mof"], data=data(code="a"))
    services.save_service(by=coordinator, agency=agency_tree["mof"], data=data(code="b", steps=""))
    assert get("services.with_sop").value(_scope(agency_tree)) == Decimal("50.0")


def test_documents_and_stamps_removed_within_the_range(agency_tree, coordinator, service):
    today = timezone.localdate()
    for kind, before, after, on in [
        ("documents", 5, 3, today),
        ("stamps", 4, 1, today),
        ("steps", 6, 2, today),
        ("documents", 3, 2, today - dt.timedelta(days=800)),
    ]:
        services.record_simplification(
            by=coordinator, service=service, kind=kind, before=before, after=after, on=on, reason="電子查驗"
        )
    assert get("services.documents_removed").value(_scope(agency_tree)) == 5


def test_online_share_and_on_time_rate_of_applications(agency_tree, coordinator, service):
    from servq.cases import services as case_services

    services.apply_online(service=service, description="線上")
    at_counter, _ = services.take_application(
        by=coordinator, counter=agency_tree["mof"], service=service, description="臨櫃"
    )
    case_services.reply(by=coordinator, case=at_counter, outcome="approved", text="已核發")
    scope = Scope(
        agency_tree["root"].path, timezone.localdate().replace(month=1, day=1), timezone.localdate()
    )
    assert get("services.online_share").value(scope) == Decimal("50.0")
    assert get("services.on_time_rate").value(scope) == Decimal("100.0")


def test_e_check_share_of_the_published_services_documents(agency_tree, coordinator, data):
    services.save_service(by=coordinator, agency=agency_tree["mof"], data=data(code="a"))  # 1 of 2
    services.save_service(
        by=coordinator,
        agency=agency_tree["mof"],
        data=data(code="b", documents=[services.Document("申請書"), services.Document("印鑑證明")]),
    )  # 0 of 2
    services.save_service(by=coordinator, agency=agency_tree["mof"], data=data(code="c", published=False))
    assert get("services.e_check_share").value(_scope(agency_tree)) == Decimal("25.0")
    assert get("services.e_check_share").value(Scope(agency_tree["moea"].path, *_range())) is None


def _range():
    today = timezone.localdate()
    return today - dt.timedelta(days=365), today


def test_outreach_visits_in_the_range(agency_tree, coordinator, service):
    today = timezone.localdate()
    for on in (today, today - dt.timedelta(days=10), today - dt.timedelta(days=800)):
        services.record_visit(
            by=coordinator, service=service, kind="home", on=on, place="長照個案住家", served=1
        )
    assert get("services.outreach_visits").value(_scope(agency_tree)) == 2
