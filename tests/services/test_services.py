"""Writes of the service catalogue: versions and audit, refusals, catalogue sheets, applications on
the case engine through any counter, and figures from agencies' own systems."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from servq.cases import services as case_services
from servq.cases.models import CaseCategory, CategoryKind
from servq.cases.selectors import categories_of
from servq.core.models import AuditEntry
from servq.core.tables import TableError
from servq.services import services
from servq.services.models import (
    ApplicationCount,
    ApplicationRecord,
    ProcessingDays,
    Service,
    ServiceVersion,
)
from servq.services.services import CatalogueError, MonthlyCount

# --- the catalogue -------------------------------------------------------------------------------


def test_a_saved_service_is_a_version_with_its_documents_steps_and_an_audit_entry(service, coordinator):
    assert service.version == 1
    assert [d.name for d in service.documents.all()] == ["身分證正本", "戶籍謄本"]
    assert [(s.role, s.limit_days) for s in service.steps.all()] == [
        ("櫃檯人員", 1),
        ("承辦人", 2),
        ("課長", None),
    ]
    version = ServiceVersion.objects.get(service=service)
    assert version.number == 1 and version.by == coordinator
    assert version.snapshot["documents"][1] == ["戶籍謄本", True, "內政部戶役政資訊系統"]
    entry = AuditEntry.objects.get(action="service.create")
    assert entry.actor == coordinator and entry.object_id == str(service.pk)


def test_a_change_is_the_next_version_and_the_audit_says_what_changed(
    service, coordinator, agency_tree, data
):
    changed = services.save_service(
        by=coordinator, agency=agency_tree["mof"], data=data(time_limit="5個工作天"), service=service
    )
    assert changed.version == 2 and changed.limit_days == 5
    entry = AuditEntry.objects.get(action="service.update")
    assert entry.changes["limit_days"] == [3, 5]
    assert ServiceVersion.objects.filter(service=service).count() == 2


def test_each_service_owns_a_case_category_of_kind_application_with_its_time_limit(service, agency_tree):
    category = service.category
    assert category.kind == CategoryKind.APPLICATION
    assert (category.limit_days, category.working_days) == (3, True)
    assert category.body == agency_tree["root"] and category.agency == agency_tree["mof"]
    assert category not in categories_of(agency_tree["root"]), "the petition form never lists applications"


def test_another_agency_cannot_keep_the_catalogue(agency_tree, user_with_role, data):
    outsider = user_with_role(agency_tree["moea"], "coordinator")
    with pytest.raises(CatalogueError, match="沒有維護財政部服務項目的權限"):
        services.save_service(by=outsider, agency=agency_tree["mof"], data=data())
    assert not Service.objects.exists() and not CaseCategory.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"time_limit": "儘速辦理"}, "time_limit"),
        ({"steps": "受理並審查"}, "steps"),
        ({"code": "納稅"}, "code"),
        ({"name": ""}, "name"),
        ({"channels": ["pigeon"]}, "channels"),
        ({"online_level": 7}, "online_level"),
        ({"apply_url": "javascript:alert(1)"}, "apply_url"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(agency_tree, coordinator, data, changes, field):
    with pytest.raises(CatalogueError) as refused:
        services.save_service(by=coordinator, agency=agency_tree["mof"], data=data(**changes))
    assert refused.value.field == field
    assert (
        not Service.objects.exists() and not AuditEntry.objects.filter(action__startswith="service").exists()
    )


def test_a_unit_of_another_agency_is_refused(agency_tree, coordinator, data):
    with pytest.raises(CatalogueError, match="不是 財政部 的單位"):
        services.save_service(
            by=coordinator, agency=agency_tree["mof"], data=data(unit=agency_tree["moea_unit"])
        )


# --- the catalogue sheet -------------------------------------------------------------------------

HEADER = "機關代碼,服務代碼,服務名稱,處理期限,申辦方式,應備文件,作業流程,線上服務程度,承辦單位,公開\n"


def _sheet(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode()


def test_a_catalogue_sheet_creates_and_updates_services(agency_tree, user_with_role, service):
    supervisor = user_with_role(agency_tree["root"], "supervisor")
    sheet = _sheet(
        "mof,tax-certificate,納稅證明書申請,5個工作天,臨櫃、網路,身分證正本,櫃檯人員：受理,3,,是",
        "ntbt,refund,退稅申請,30日,郵寄,申請書；存摺影本（可電子查驗：財金資訊公司）,承辦人：審核（20日）,2,,否",
    )
    saved = services.import_catalogue(
        by=supervisor, within=agency_tree["mof"], data=sheet, filename="目錄.csv"
    )
    assert [s.code for s in saved] == ["tax-certificate", "refund"]
    service.refresh_from_db()
    assert service.version == 2 and service.limit_days == 5
    refund = Service.objects.get(code="refund")
    assert refund.agency == agency_tree["ntbt"] and not refund.published and refund.channels == ["mail"]
    assert [(d.name, d.e_check, d.e_source) for d in refund.documents.all()] == [
        ("申請書", False, ""),
        ("存摺影本", True, "財金資訊公司"),
    ]


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        (_sheet("mof,a,甲,3日", header="機關代碼,服務代碼,服務名稱\n"), "第 1 列：缺少欄位「處理期限」"),
        (_sheet("mof,a,甲,3日,,,,,,", "mof,a,乙,3日,,,,,,"), "第 3 列「服務代碼」：「a」與第 2 列重複"),
        (_sheet("mof,a,甲,儘速,,,,,,"), "第 2 列：處理期限「儘速」看不懂"),
        (_sheet("mof,a,甲,3日,,,受理,,,"), "第 2 列：作業流程：第 1 步「受理」沒有角色"),
        (_sheet("moea,a,甲,3日,,,,,,"), "第 2 列「機關代碼」：財政部之下沒有機關「moea」"),
        (_sheet("mof,a,甲,3日,飛鴿,,,,,"), "第 2 列「申辦方式」：看不懂「飛鴿」"),
        (_sheet("mof,a,甲,3日,,,,9,,"), "第 2 列「線上服務程度」"),
        (_sheet("mof,a,甲,3日,,,,,資訊中心,"), "第 2 列「承辦單位」：財政部沒有「資訊中心」"),
        (_sheet("ntbt,a,甲,3日,,,,,,"), "第 2 列「機關代碼」：您沒有維護臺北國稅局服務項目的權限"),
        (b"\x80\x80," + HEADER.encode(), "不是 UTF-8 或 Big5"),
        (HEADER.encode("utf-16"), "不是 CSV"),
        (b"", "檔案是空的"),
        (_sheet('mof,a,"甲,3日'), "第 2 列"),
        (b"PK\x03\x04" + b"\x00" * 100, "不是 CSV"),
    ],
    ids=[
        "missing-column",
        "duplicate",
        "time-limit",
        "step-role",
        "outside",
        "channel",
        "level",
        "unit",
        "not-yours",
        "encoding",
        "utf-16",
        "empty",
        "truncated-quote",
        "binary",
    ],
)
def test_a_bad_sheet_is_refused_naming_row_and_column_and_nothing_is_stored(
    agency_tree, coordinator, sheet, message
):
    with pytest.raises((CatalogueError, TableError), match=message):
        services.import_catalogue(by=coordinator, within=agency_tree["mof"], data=sheet, filename="目錄.csv")
    assert not Service.objects.exists()


def test_a_sheet_with_one_bad_row_stores_none_of_the_good_ones(agency_tree, coordinator):
    sheet = _sheet("mof,a,甲,3日,,,,,,", "mof,b,乙,儘速,,,,,,")
    with pytest.raises(CatalogueError, match="第 3 列"):
        services.import_catalogue(by=coordinator, within=agency_tree["mof"], data=sheet, filename="目錄.csv")
    assert not Service.objects.exists() and not CaseCategory.objects.exists()


def test_an_oversized_sheet_is_refused_before_it_is_read(agency_tree, coordinator):
    huge = _sheet(*["mof,a,甲,3日,,,,,,"]) + b"x" * services.MAX_CATALOGUE_BYTES
    with pytest.raises(TableError, match="檔案超過 5 MB"):
        services.import_catalogue(by=coordinator, within=agency_tree["mof"], data=huge, filename="目錄.csv")


def test_a_big5_sheet_reads_like_utf8(agency_tree, coordinator):
    sheet = _sheet("mof,a,戶籍謄本申請,即時,臨櫃,,,,,是").decode().encode("cp950")
    [saved] = services.import_catalogue(
        by=coordinator, within=agency_tree["mof"], data=sheet, filename="目錄.csv"
    )
    assert saved.name == "戶籍謄本申請"


def test_hostile_cells_stay_text_and_export_neutralized(agency_tree, coordinator):
    from servq.core.downloads import neutralize
    from servq.services.documents import catalogue_row

    sheet = _sheet(
        'mof,a,"=HYPERLINK(""http://evil"")",3日,,,,,,', "mof,b,<script>alert(1)</script>,3日,,,,,,"
    )
    first, second = services.import_catalogue(
        by=coordinator, within=agency_tree["mof"], data=sheet, filename="x.csv"
    )
    assert first.name == '=HYPERLINK("http://evil")' and second.name == "<script>alert(1)</script>"
    assert neutralize(catalogue_row(first)[2]).startswith("'=")


def test_an_exported_ods_imports_back_to_the_same_services(agency_tree, coordinator, service):
    from servq.core.sheets import to_ods
    from servq.services.documents import catalogue_row

    sheet = to_ods("服務項目", list(services.CATALOGUE_SHEET), [catalogue_row(service)])
    [again] = services.import_catalogue(
        by=coordinator, within=agency_tree["mof"], data=sheet, filename="目錄.ods"
    )
    assert again.pk == service.pk and again.version == 2
    assert services.snapshot(again) | {"published": True} == ServiceVersion.objects.get(
        service=service, number=1
    ).snapshot | {"published": True}


# --- applications: any counter, the owning agency's clock -----------------------------------------


def test_a_counter_of_another_agency_takes_the_application_and_hands_it_over(
    agency_tree, user_with_role, service
):
    clerk = user_with_role(agency_tree["moea_unit"], "unit_staff")
    case, token = services.take_application(
        by=clerk,
        counter=agency_tree["moea"],
        service=service,
        description="申請113年度納稅證明",
        name="王小明",
    )
    assert (
        case.agency == agency_tree["mof"] and case.category == service.category and case.channel == "walk_in"
    )
    handed = case.events.get()
    assert handed.kind == "handed_over"
    assert (handed.from_agency, handed.to_agency) == (agency_tree["moea"], agency_tree["mof"])
    assert "經濟部收件，轉送財政部辦理" in handed.note
    assert case_services.token_matches(case, token), "the public progress query works for applications"
    received = timezone.localdate(case.received_at)
    assert case.due_on > received, "the clock runs from the counter's receipt by the service's limit"


def test_a_counter_takes_only_its_own_bodys_published_services(
    agency_tree, user_with_role, service, coordinator, data
):
    from tests.factories import AgencyFactory

    other_body = AgencyFactory(code="ly", name="立法院", kind="parent_body", parent=None)
    stranger = user_with_role(other_body, "supervisor")
    with pytest.raises(CatalogueError, match="立法院沒有「納稅證明書申請」這項服務"):
        services.take_application(by=stranger, counter=other_body, service=service, description="申請")
    hidden = services.save_service(
        by=coordinator, agency=agency_tree["mof"], data=data(code="hidden", published=False)
    )
    clerk = user_with_role(agency_tree["mof_unit"], "unit_staff")
    with pytest.raises(CatalogueError, match="無法收件"):
        services.take_application(by=clerk, counter=agency_tree["mof"], service=hidden, description="申請")
    with pytest.raises(CatalogueError, match="不是經濟部的櫃檯人員"):
        services.take_application(by=clerk, counter=agency_tree["moea"], service=service, description="申請")


def test_an_application_pauses_for_documents_and_keeps_the_extended_clock(
    agency_tree, user_with_role, service
):
    """補正: the engine's pause moves the due date by the days waited (not forked for applications)."""
    clerk = user_with_role(agency_tree["mof_unit"], "unit_staff")
    case, _ = services.take_application(
        by=clerk, counter=agency_tree["mof"], service=service, description="申請"
    )
    handler = user_with_role(agency_tree["mof"], "coordinator")
    case = case_services.assign(by=handler, case=case, unit=agency_tree["mof_unit"])
    case = case_services.start(by=clerk, case=case)
    case = case_services.ask_citizen(by=clerk, case=case, question="請補附委託書")
    assert case.state == "waiting" and case.paused_since is not None
    due = case.due_on
    case.paused_since -= dt.timedelta(days=7)  # the applicant took a week to bring the document
    case.save(update_fields=["paused_since"])
    case = case_services.resume(by=clerk, case=case)
    assert case.due_on > due, "the days waited for 補正 do not count against the time limit"


def test_online_applications_only_where_servq_takes_them(agency_tree, coordinator, service, data):
    case, _ = services.apply_online(service=service, description="線上申請納稅證明", email="ming@example.tw")
    assert case.channel == "web" and case.agency == agency_tree["mof"]
    elsewhere = services.save_service(
        by=coordinator,
        agency=agency_tree["mof"],
        data=data(code="etax", apply_url="https://etax.nat.gov.tw/"),
    )
    with pytest.raises(CatalogueError, match="不受理線上申辦"):
        services.apply_online(service=elsewhere, description="申請")


# --- figures from agencies' own systems -----------------------------------------------------------

RECORDS = "服務代碼,案號,申辦方式,收件日期,結案日期\n"


def _records(*rows: str) -> bytes:
    return (RECORDS + "\n".join(rows) + "\n").encode()


def test_records_fill_the_monthly_counts_and_the_days_histogram(agency_tree, coordinator, service):
    year = timezone.localdate().year - 1
    data = _records(
        f"tax-certificate,A1,counter,{year}-03-02,{year}-03-03",
        f"tax-certificate,A2,online,{year}-03-02,{year}-03-31",
        f"tax-certificate,A3,網路,{year}0305,",
    )
    assert (
        services.import_records(by=coordinator, agency=agency_tree["mof"], data=data, filename="匯出.csv")
        == 3
    )
    counts = {c.channel: (c.received, c.closed, c.closed_on_time) for c in ApplicationCount.objects.all()}
    assert counts == {"counter": (1, 1, 1), "online": (2, 1, 0)}
    assert sorted(ProcessingDays.objects.values_list("days", "applications")) == [(1, 1), (29, 1)]
    assert AuditEntry.objects.get(action="service.import_records").changes["_"]["records"] == 3


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            ("tax-certificate,A1,counter,2025-03-02,", "tax-certificate,A1,counter,2025-03-04,"),
            "第 3 列的案號「A1」在檔案中重複",
        ),
        (("tax-certificate,A1,counter,2999-01-01,",), "第 2 列「收件日期」：2999-01-01 在未來"),
        (("tax-certificate,A1,counter,2025-03-02,2025-03-01",), "第 2 列「結案日期」"),
        (("tax-certificate,A1,counter,115/3/2,",), "第 2 列：日期須寫成"),
        (("no-such,A1,counter,2025-03-02,",), "第 2 列「服務代碼」：財政部沒有服務「no-such」"),
        (("tax-certificate,A1,飛鴿,2025-03-02,",), "第 2 列「申辦方式」"),
        (("tax-certificate,A1",), "第 2 列：只有 2 欄"),
    ],
    ids=["repeat", "future", "closed-before", "roc-date", "service", "channel", "short-row"],
)
def test_bad_records_are_refused_naming_the_line_and_nothing_is_stored(
    agency_tree, coordinator, service, rows, message
):
    with pytest.raises(CatalogueError, match=message):
        services.import_records(
            by=coordinator, agency=agency_tree["mof"], data=_records(*rows), filename="匯出.csv"
        )
    assert not ApplicationRecord.objects.exists() and not ApplicationCount.objects.exists()


def test_records_imported_before_refuse_the_whole_file(agency_tree, coordinator, service, monkeypatch):
    monkeypatch.setattr(services, "BATCH", 2)  # the repeat sits in the second batch: the first rolls back
    services.import_records(
        by=coordinator,
        agency=agency_tree["mof"],
        data=_records("tax-certificate,A1,counter,2025-03-02,"),
        filename="a.csv",
    )
    again = _records(
        *(f"tax-certificate,B{n},counter,2025-03-02," for n in range(3)),
        "tax-certificate,A1,counter,2025-03-02,",
    )
    with pytest.raises(CatalogueError, match="第 5 列的案號「A1」已經匯入過"):
        services.import_records(by=coordinator, agency=agency_tree["mof"], data=again, filename="b.csv")
    assert ApplicationRecord.objects.count() == 1
    assert ApplicationCount.objects.get().received == 1


def test_monthly_counts_replace_a_month_sent_again_and_refuse_the_future(agency_tree, coordinator, service):
    month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    sent = [MonthlyCount("tax-certificate", month, "online", 120, 100, 95)]
    services.record_counts(by=coordinator, agency=agency_tree["mof"], counts=sent, source_name="API")
    services.record_counts(
        by=coordinator,
        agency=agency_tree["mof"],
        counts=[MonthlyCount("tax-certificate", month, "online", 130, 110, 99)],
        source_name="API",
    )
    assert ApplicationCount.objects.values_list("received", "closed_on_time").get() == (130, 99)
    future = timezone.localdate() + dt.timedelta(days=40)
    with pytest.raises(CatalogueError, match="是未來的月份"):
        services.record_counts(
            by=coordinator,
            agency=agency_tree["mof"],
            counts=[MonthlyCount("tax-certificate", future, "online", 1, 0, 0)],
            source_name="API",
        )
    with pytest.raises(CatalogueError, match="如期結案數 ≤ 結案數 ≤ 收件數"):
        services.record_counts(
            by=coordinator,
            agency=agency_tree["mof"],
            counts=[MonthlyCount("tax-certificate", month, "online", 1, 1, 2)],
            source_name="API",
        )


# --- simplifications and visits ------------------------------------------------------------------


def test_a_simplification_must_reduce_and_is_audited(service, coordinator):
    change = services.record_simplification(
        by=coordinator,
        service=service,
        kind="documents",
        before=3,
        after=2,
        on=timezone.localdate(),
        reason="戶籍謄本改由電子查驗",
        data_source="內政部戶役政資訊系統",
    )
    assert AuditEntry.objects.filter(action="service.simplify", object_id=str(change.pk)).exists()
    with pytest.raises(CatalogueError, match="簡化後的數目須少於簡化前"):
        services.record_simplification(
            by=coordinator,
            service=service,
            kind="stamps",
            before=2,
            after=2,
            on=timezone.localdate(),
            reason="x",
        )


def test_an_outreach_visit_is_recorded_and_cannot_be_in_the_future(service, coordinator):
    services.record_visit(
        by=coordinator, service=service, kind="home", on=timezone.localdate(), place="某里", served=2
    )
    with pytest.raises(CatalogueError, match="不能在未來"):
        services.record_visit(
            by=coordinator,
            service=service,
            kind="home",
            on=timezone.localdate() + dt.timedelta(days=1),
            place="某里",
            served=1,
        )


def test_bundled_services_are_symmetrical_audited_and_within_the_body(
    agency_tree, coordinator, service, data, user_with_role
):
    from tests.factories import AgencyFactory

    other = services.save_service(
        by=coordinator, agency=agency_tree["mof"], data=data(code="refund", name="退稅")
    )
    services.bundle(by=coordinator, service=service, with_services=[other])
    assert list(other.bundled_with.all()) == [service]
    assert AuditEntry.objects.get(action="service.bundle").changes["bundled_with"] == [[], ["refund"]]
    elsewhere_body = AgencyFactory(code="ly", name="立法院", kind="parent_body", parent=None)
    foreign = services.save_service(
        by=user_with_role(elsewhere_body, "supervisor"), agency=elsewhere_body, data=data(code="x")
    )
    with pytest.raises(CatalogueError, match="只能併同同一機關體系內的服務"):
        services.bundle(by=coordinator, service=service, with_services=[foreign])


def test_the_sop_and_forms_are_reviewed_on_time_and_reminded(agency_tree, coordinator, service):
    """002, 003, 004: 定期檢視作業流程及申請表單 — a review date per service, a reminder when past it."""
    import datetime as dt

    from servq.core.models import AuditEntry
    from servq.services import selectors
    from servq.services.models import Service
    from servq.services.todos import services_to_review

    today = timezone.localdate()
    assert service.reviewed_on == today  # saving a version is a review
    Service.objects.filter(pk=service.pk).update(reviewed_on=dt.date(2025, 1, 31), review_months=12)
    due = selectors.due_for_review(Service.objects.filter(pk=service.pk), dt.date(2026, 2, 1))
    assert due == [(Service.objects.get(pk=service.pk), dt.date(2026, 1, 31))]
    todo = services_to_review(coordinator, max(today, dt.date(2026, 2, 1)))
    assert [t.due for t in todo] == [dt.date(2026, 1, 31)] and service.name in todo[0].title
    services.confirm_review(by=coordinator, service=Service.objects.get(pk=service.pk), note="表單無變動")
    assert Service.objects.get(pk=service.pk).reviewed_on == today
    assert AuditEntry.objects.filter(action="service.review").exists()
    assert services_to_review(coordinator, today) == []


def test_an_application_under_a_one_month_limit_is_due_the_same_day_next_month(
    agency_tree, coordinator, data
):
    """Issue 37.6: one civil month (民法第121條) through the case engine: 31 January is due on the
    month's last day, 28 February; 30 days would have said 2 March."""
    import datetime as dt
    from unittest import mock

    from django.utils import timezone

    found = services.save_service(by=coordinator, agency=agency_tree["mof"], data=data(time_limit="1個月"))
    assert found.category.limit_months == 1 and found.time_limit.describe() == "1 個月"
    moment = timezone.make_aware(dt.datetime(2026, 1, 31, 10, 0))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        case, _ = services.take_application(
            by=coordinator, counter=agency_tree["mof"], service=found, description="申請"
        )
    assert case.due_on == dt.date(2026, 2, 28)
