from __future__ import annotations

import pytest
from django.urls import reverse

from servq.cases import services
from servq.cases.models import RoutingRule
from servq.core.models import AuditEntry
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(agency_tree, user_with_role):
    return user_with_role(agency_tree["root"], "supervisor", username="rdec")


def test_a_new_limit_applies_to_new_cases_only(client, supervisor, categories, file_case):
    before, _ = file_case("inquiry")
    client.force_login(supervisor)
    client.post(
        reverse("cases:configure_category", args=[categories["inquiry"].pk]),
        {"name": "諮詢", "limit_days": "10", "working_days": "on", "active": "on"},
    )
    categories["inquiry"].refresh_from_db()
    after, _ = file_case("inquiry")
    before.refresh_from_db()
    assert after.due_on > before.due_on
    assert AuditEntry.objects.filter(action="category.update").exists()


@pytest.mark.parametrize(("limit", "message"), [("0", "1 到 365"), ("abc", "整數"), ("400", "1 到 365")])
def test_a_limit_out_of_range_is_refused(client, supervisor, categories, limit, message):
    client.force_login(supervisor)
    response = client.post(
        reverse("cases:configure_category", args=[categories["inquiry"].pk]),
        {"name": "諮詢", "limit_days": limit, "active": "on"},
        follow=True,
    )
    assert message in response.content.decode()
    categories["inquiry"].refresh_from_db()
    assert categories["inquiry"].limit_days == 3


def test_only_the_bodys_supervisors_configure(client, categories, handler, agency_tree):
    client.force_login(handler)
    assert client.get(reverse("cases:configuration")).status_code == 403
    with pytest.raises(services.CaseError, match="研考人員"):
        services.add_routing_rule(
            by=handler,
            body=agency_tree["root"],
            category=None,
            area="北區",
            agency=agency_tree["mof"],
            unit=None,
        )


def test_routing_rules_send_cases_by_area_and_refuse_agencies_outside(
    supervisor, body, categories, file_case, agency_tree
):
    outsider = AgencyFactory(code="other-city", name="他市政府", kind="parent_body", parent=None)
    with pytest.raises(services.CaseError, match="不在受理範圍"):
        services.add_routing_rule(
            by=supervisor, body=body, category=None, area="他市", agency=outsider, unit=None
        )
    with pytest.raises(services.CaseError, match="類別或地區"):
        services.add_routing_rule(
            by=supervisor, body=body, category=None, area=" ", agency=agency_tree["moea"], unit=None
        )
    RoutingRule.objects.all().delete()
    services.add_routing_rule(
        by=supervisor,
        body=body,
        category=categories["repair"],
        area="信義區",
        agency=agency_tree["moea"],
        unit=agency_tree["moea_unit"],
    )
    case, _ = file_case("repair", address="臺北市信義區市府路1號")
    assert (case.agency, case.unit) == (agency_tree["moea"], agency_tree["moea_unit"])
    other, _ = file_case("petition", address="臺北市信義區市府路1號")
    assert other.agency == agency_tree["mof"]  # the rule is for 報修 only


def test_the_configuration_page_lists_categories_and_rules(client, supervisor, categories):
    client.force_login(supervisor)
    page = client.get(reverse("cases:configuration")).content.decode()
    assert "報修" in page and "臺北" in page


def test_a_rule_added_or_deleted_applies_to_the_next_case_at_once(supervisor, body, file_case, agency_tree):
    before, _ = file_case("repair", address="高雄市前鎮區")  # reads, and caches, the body's rules
    assert before.agency == agency_tree["mof"]
    rule = services.add_routing_rule(
        by=supervisor, body=body, category=None, area="前鎮區", agency=agency_tree["moea"], unit=None
    )
    added, _ = file_case("repair", address="高雄市前鎮區")
    assert added.agency == agency_tree["moea"]
    services.delete_routing_rule(by=supervisor, rule=rule)
    deleted, _ = file_case("repair", address="高雄市前鎮區")
    assert deleted.agency == agency_tree["mof"]


# --- issue 24.1: limits with their sources; the body chooses at first run -----------------------


def test_first_run_offers_the_suggestions_with_their_sources(client, agency_tree, user_with_role):
    client.force_login(user_with_role(agency_tree["root"], "supervisor", username="first"))
    page = client.get(reverse("cases:configuration")).content.decode()
    assert "尚未設定案件類別" in page
    assert "處理人民陳情案件要點》第十五點" in page
    # No seed sets a case time limit: the repair suggestion must not claim one does.
    assert "全時段公共設施維護通報及管制" in page and "計畫範本未訂報修期限" in page


def test_the_body_adopts_what_it_ticks_and_its_own_limits_are_marked_as_its_own(
    client, agency_tree, user_with_role
):
    from servq.cases.models import CaseCategory

    client.force_login(user_with_role(agency_tree["root"], "supervisor", username="first"))
    client.post(
        reverse("cases:adopt_categories"),
        {
            "adopt_petition": "on",
            "limit_petition": "10",
            "working_petition": "on",
            "adopt_report": "on",
            "limit_report": "30",
            # report's calendar days kept: working_report left unticked, as suggested
        },
    )
    made = {c.code: c for c in CaseCategory.objects.filter(body=agency_tree["root"])}
    assert set(made) == {"petition", "report"}
    assert made["petition"].limit_days == 10 and made["petition"].limit_source == "本機關自訂"
    assert made["report"].limit_source.startswith("《行政院及所屬各機關處理人民陳情案件要點》")
    assert AuditEntry.objects.filter(action="category.create").count() == 2


def test_adopting_nothing_or_a_bad_limit_changes_nothing(client, agency_tree, user_with_role):
    from servq.cases.models import CaseCategory

    client.force_login(user_with_role(agency_tree["root"], "supervisor", username="first"))
    empty = client.post(reverse("cases:adopt_categories"), {}, follow=True).content.decode()
    bad = client.post(
        reverse("cases:adopt_categories"),
        {"adopt_petition": "on", "limit_petition": "6", "adopt_inquiry": "on", "limit_inquiry": "0"},
        follow=True,
    ).content.decode()
    assert "請至少勾選一個案件類別" in empty
    assert "諮詢：處理期限須介於 1 到 365 日" in bad
    assert not CaseCategory.objects.filter(body=agency_tree["root"]).exists()


def test_changing_a_limit_makes_it_the_bodys_own_and_over_thirty_days_is_flagged(
    client, supervisor, categories
):
    client.force_login(supervisor)
    petition = categories["petition"]
    client.post(
        reverse("cases:configure_category", args=[petition.pk]),
        {
            "name": "陳情",
            "limit_days": "45",
            "working_days": "on",
            "active": "on",
            "limit_source": petition.limit_source,
        },
    )
    petition.refresh_from_db()
    assert petition.limit_source == "本機關自訂"
    page = client.get(reverse("cases:configuration")).content.decode()
    assert "超過陳情案件要點所定 30 日上限" in page


def test_a_source_the_body_writes_is_kept(client, supervisor, categories):
    client.force_login(supervisor)
    inquiry = categories["inquiry"]
    client.post(
        reverse("cases:configure_category", args=[inquiry.pk]),
        {
            "name": "諮詢",
            "limit_days": "2",
            "working_days": "on",
            "active": "on",
            "limit_source": "本府人民陳情案件處理要點第5點",
        },
    )
    inquiry.refresh_from_db()
    assert inquiry.limit_source == "本府人民陳情案件處理要點第5點"


def test_a_counts_key_without_its_agency_cannot_be_stored(agency_tree):
    from django.db import IntegrityError, transaction

    from servq.cases.models import ApiClient

    with pytest.raises(IntegrityError), transaction.atomic():
        ApiClient.objects.create(name="x", body=agency_tree["root"], key_hash="0" * 64, pushes_counts=True)
