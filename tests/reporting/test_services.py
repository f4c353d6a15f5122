from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from servq.core.models import AuditEntry
from servq.plans.models import Indicator
from servq.reporting import services
from servq.reporting.models import Evidence, IndicatorActual, ItemProgress, Notice, ReportingPeriod

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def report_all(by, plan, period, status="on_track"):
    for item in plan.items.all():
        services.save_progress(
            by=by, item=item, period=period, status=status, narrative=f"辦理{item.position}"
        )


# --- periods ------------------------------------------------------------------------------------


def test_supervisor_sets_up_quarters_due_in_working_days(quarters, cycle):
    assert [p.label for p in quarters] == ["115年第1季", "115年第2季", "115年第3季", "115年第4季"]
    # 3/31 (Tue) + 10 working days, with 4/3 and 4/6 (兒童節、清明節) off in the office calendar.
    assert quarters[0].due_on == dt.date(2026, 4, 16)
    assert AuditEntry.objects.filter(action="period.set_up", object_id=str(cycle.pk)).exists()


def test_only_the_cycles_supervisor_sets_up_periods(cycle, coordinator):
    with pytest.raises(services.ReportingError, match="研考人員"):
        services.set_up_periods(by=coordinator, cycle=cycle, frequency="yearly", due_rule="次年1月15日前")
    assert not ReportingPeriod.objects.exists()


def test_an_unreadable_due_rule_creates_nothing(cycle, supervisor):
    with pytest.raises(services.ReportingError, match="「盡快」"):
        services.set_up_periods(by=supervisor, cycle=cycle, frequency="yearly", due_rule="盡快")
    assert not ReportingPeriod.objects.exists()


# --- progress -----------------------------------------------------------------------------------


def test_progress_is_saved_with_typed_actuals_and_audited(plan, quarters, coordinator):
    indicator = Indicator.objects.create(plan=plan, item=plan.items.first(), name="網站有效連結率", unit="%")
    progress = services.save_progress(
        by=coordinator,
        item=plan.items.first(),
        period=quarters[0],
        status="on_track",
        narrative="每月檢測網站連結",
        actuals={indicator.pk: "98.5 %"},
    )
    assert progress.agency == plan.agency
    assert IndicatorActual.objects.get(indicator=indicator, period=quarters[0]).value == Decimal("98.5")
    entry = AuditEntry.objects.get(action="progress.save")
    assert entry.changes["_"] == {"actuals": {"網站有效連結率": "98.5"}}


@pytest.mark.parametrize(
    ("raw", "message"), [("九成", "不是數字"), ("120", "0 到 100"), ("NaN", "不是數字"), ("1e20", "0 到 100")]
)
def test_an_actual_of_the_wrong_type_or_range_stores_nothing(plan, quarters, coordinator, raw, message):
    indicator = Indicator.objects.create(plan=plan, name="網站有效連結率", unit="%")
    with pytest.raises(services.ReportingError, match=message):
        services.save_progress(
            by=coordinator,
            item=plan.items.first(),
            period=quarters[0],
            status="done",
            narrative="x",
            actuals={indicator.pk: raw},
        )
    assert not ItemProgress.objects.exists()
    assert not IndicatorActual.objects.exists()


def test_a_measured_indicator_cannot_be_typed_in(plan, quarters, coordinator):
    indicator = Indicator.objects.create(
        plan=plan, name="計畫如期送審率", unit="%", measure_key="plans.submitted_on_time"
    )
    with pytest.raises(services.ReportingError, match="自動量測"):
        services.save_progress(
            by=coordinator,
            item=plan.items.first(),
            period=quarters[0],
            status="done",
            narrative="x",
            actuals={indicator.pk: "100"},
        )


def test_a_closed_period_refuses_reports_until_a_supervisor_reopens_it(
    plan, quarters, coordinator, supervisor
):
    period = services.close_period(by=supervisor, period=quarters[0])
    with pytest.raises(services.ReportingError, match="已關閉"):
        services.save_progress(
            by=coordinator, item=plan.items.first(), period=period, status="done", narrative="x"
        )
    with pytest.raises(services.ReportingError, match="研考人員"):
        services.reopen_period(by=coordinator, period=period, reason="補報")
    services.reopen_period(by=supervisor, period=period, reason="財政部申請補報")
    services.save_progress(
        by=coordinator, item=plan.items.first(), period=period, status="done", narrative="x"
    )
    assert ItemProgress.objects.count() == 1


def test_unit_staff_report_only_their_units_items(plan, quarters, agency_tree, user_with_role):
    staff = user_with_role(agency_tree["mof_unit"], "unit_staff")
    first, second = plan.items.order_by("position")[:2]
    services.save_progress(
        by=staff, item=first, period=quarters[0], status="on_track", narrative="秘書處辦理中"
    )
    with pytest.raises(services.ReportingError, match="權限"):
        services.save_progress(by=staff, item=second, period=quarters[0], status="on_track", narrative="x")


def test_another_agencys_coordinator_cannot_report(plan, quarters, agency_tree, user_with_role):
    outsider = user_with_role(agency_tree["moea"], "coordinator")
    with pytest.raises(services.ReportingError, match="權限"):
        services.save_progress(
            by=outsider, item=plan.items.first(), period=quarters[0], status="done", narrative="x"
        )


def test_a_stale_form_does_not_overwrite_a_newer_report(plan, quarters, coordinator):
    item = plan.items.first()
    first = services.save_progress(
        by=coordinator, item=item, period=quarters[0], status="on_track", narrative="一"
    )
    services.save_progress(
        by=coordinator,
        item=item,
        period=quarters[0],
        status="done",
        narrative="二",
        expected_lock=first.lock_version,
    )
    with pytest.raises(services.ReportingError, match="修改"):
        services.save_progress(
            by=coordinator,
            item=item,
            period=quarters[0],
            status="late",
            narrative="舊",
            expected_lock=first.lock_version,
        )
    assert ItemProgress.objects.get().narrative == "二"


def test_submitting_needs_every_item_and_names_the_missing(plan, quarters, coordinator):
    services.save_progress(
        by=coordinator, item=plan.items.first(), period=quarters[0], status="done", narrative="完成"
    )
    with pytest.raises(services.ReportingError, match="第2項、第3項"):
        services.submit_report(by=coordinator, plan=plan, period=quarters[0])
    report_all(coordinator, plan, quarters[0])
    assert services.submit_report(by=coordinator, plan=plan, period=quarters[0]) == 3
    assert not ItemProgress.objects.filter(submitted_at__isnull=True).exists()


# --- evidence -----------------------------------------------------------------------------------


@pytest.fixture
def progress(plan, quarters, coordinator):
    return services.save_progress(
        by=coordinator, item=plan.items.first(), period=quarters[0], status="done", narrative="x"
    )


def test_a_pdf_is_stored_under_its_digest_with_a_safe_display_name(progress, coordinator, settings, tmp_path):
    evidence = services.add_evidence_file(
        by=coordinator, progress=progress, name="../../etc/成果 報告.PDF", content=PDF
    )
    assert evidence.name == "成果 報告.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.file.name == f"{evidence.sha256[:2]}/{evidence.sha256}.pdf"
    assert ".." not in evidence.file.name
    assert evidence.file.read() == PDF
    again = services.add_evidence_file(by=coordinator, progress=progress, name="copy.pdf", content=PDF)
    assert again.file.name == evidence.file.name  # the same bytes are stored once


def test_an_html_file_renamed_to_pdf_is_refused(progress, coordinator):
    with pytest.raises(services.ReportingError, match="HTML"):
        services.add_evidence_file(
            by=coordinator,
            progress=progress,
            name="report.pdf",
            content=b"<html><script>alert(1)</script></html>",
        )
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("run.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "不是允許的檔案類型"),
        ("empty.pdf", b"", "空檔案"),
        ("cut.docx", b"PK\x03\x04\x14\x00\x00\x00", "損壞"),
    ],
)
def test_forbidden_empty_or_truncated_files_are_refused(progress, coordinator, name, content, message):
    with pytest.raises(services.ReportingError, match=message):
        services.add_evidence_file(by=coordinator, progress=progress, name=name, content=content)
    assert not Evidence.objects.exists()


def test_a_file_over_the_limit_is_refused_with_both_sizes(progress, coordinator, settings):
    settings.SERVQ_EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(services.ReportingError, match="超過上限 1,000"):
        services.add_evidence_file(
            by=coordinator, progress=progress, name="big.pdf", content=PDF + b"0" * 1000
        )


def test_links_must_be_http(progress, coordinator):
    with pytest.raises(services.ReportingError, match="http"):
        services.add_evidence_link(by=coordinator, progress=progress, url="javascript:alert(1)")
    link = services.add_evidence_link(
        by=coordinator, progress=progress, url="https://www.mof.gov.tw/faq", title="FAQ"
    )
    assert link.url == "https://www.mof.gov.tw/faq"


# --- self-evaluation ----------------------------------------------------------------------------


def test_self_evaluation_is_published_only_when_every_item_is_graded(plan, coordinator):
    items = list(plan.items.order_by("position"))
    evaluation = services.save_self_evaluation(
        by=coordinator,
        plan=plan,
        year=2026,
        half=1,
        overall="good",
        summary="大致如期",
        grades={items[0].pk: ("excellent", ""), items[1].pk: ("good", "")},
    )
    with pytest.raises(services.ReportingError, match="1 個項目"):
        services.submit_self_evaluation(by=coordinator, evaluation=evaluation)
    services.save_self_evaluation(
        by=coordinator,
        plan=plan,
        year=2026,
        half=1,
        overall="good",
        summary="大致如期",
        grades={items[2].pk: ("fair", "人力不足")},
    )
    services.submit_self_evaluation(by=coordinator, evaluation=evaluation)
    with pytest.raises(services.ReportingError, match="不能再修改"):
        services.save_self_evaluation(
            by=coordinator, plan=plan, year=2026, half=1, overall="poor", summary="", grades={}
        )


def test_a_grade_outside_the_scale_is_refused(plan, coordinator):
    with pytest.raises(services.ReportingError, match="「A\\+」"):
        services.save_self_evaluation(
            by=coordinator,
            plan=plan,
            year=2026,
            half=2,
            overall="good",
            summary="",
            grades={plan.items.first().pk: ("A+", "")},
        )


# --- year-end -----------------------------------------------------------------------------------


def test_year_end_is_compiled_up_the_tree_and_signed_by_the_head_only(
    cycle, plan, supervisor, coordinator, agency_tree, user_with_role
):
    (year,) = services.set_up_periods(
        by=supervisor, cycle=cycle, frequency="yearly", due_rule="次年1月15日前"
    )
    report_all(coordinator, plan, year, status="done")
    root_report = services.compile_year_end(by=supervisor, cycle=cycle, agency=agency_tree["root"])
    assert root_report.totals["items"] == 3 and root_report.totals["done"] == 3
    with pytest.raises(services.ReportingError, match="首長"):
        services.sign_year_end(by=supervisor, report=root_report)
    head = user_with_role(agency_tree["root"], "head")
    services.sign_year_end(by=head, report=root_report, reason="115年底提前核定，以便函送")
    with pytest.raises(services.ReportingError, match="核定"):
        services.compile_year_end(by=supervisor, cycle=cycle, agency=agency_tree["root"])


# --- the calendar -------------------------------------------------------------------------------


def test_schedule_from_seed_004_and_a_bad_line_is_named(cycle, supervisor):
    steps = services.set_schedule(
        by=supervisor,
        cycle=cycle,
        steps=[
            ("訂定實施計畫", "研考會", "1 月"),
            ("各機關提報年度執行成果", "各機關", "12 月下旬至次年 1 月"),
        ],
    )
    assert steps[1].ends_on == dt.date(2027, 1, 31)
    with pytest.raises(services.ReportingError, match="第 2 列"):
        services.set_schedule(by=supervisor, cycle=cycle, steps=[("a", "", "1 月"), ("b", "", "找時間")])
    assert cycle.schedule.count() == 2


# --- notices ------------------------------------------------------------------------------------


@pytest.fixture
def overdue(cycle, plan, supervisor, coordinator, agency_tree, user_with_role):
    """財政部 reported nothing for 115年第1季 (due 4/16); 經濟部 submitted on time."""
    user_with_role(agency_tree["mof"], "head", username="minister", email="minister@example.gov.tw")
    moea = user_with_role(agency_tree["moea"], "coordinator", email="moea@example.gov.tw")
    (period, *_rest) = services.set_up_periods(
        by=supervisor, cycle=cycle, frequency="quarterly", due_rule="結束後10個工作日內"
    )
    from tests.factories import PlanFactory, PlanItemFactory

    moea_plan = PlanFactory(
        program=cycle.program,
        agency=agency_tree["moea"],
        cycle=cycle,
        status="approved",
        first_year=2026,
        last_year=2026,
    )
    PlanItemFactory(plan=moea_plan)
    report_all(moea, moea_plan, period)
    services.submit_report(by=moea, plan=moea_plan, period=period)
    return period


def test_each_notice_is_sent_once_however_often_the_task_runs(overdue, settings):
    settings.SERVQ_REMIND_DAYS, settings.SERVQ_ESCALATE_DAYS = 5, 5
    reminder_day, escalation_day = dt.date(2026, 4, 10), dt.date(2026, 4, 24)
    for today in (reminder_day, reminder_day, escalation_day, escalation_day):
        services.plan_notices(today=today)
        services.send_notices()
    subjects = sorted((m.to[0], m.subject.split("：")[0]) for m in mail.outbox)
    assert subjects == [
        ("lin@example.gov.tw", "[servq] 提醒"),
        ("lin@example.gov.tw", "[servq] 逾期"),
        ("minister@example.gov.tw", "[servq] 陳報"),
        ("rdec@example.gov.tw", "[servq] 陳報"),
    ]


def test_a_worker_stopped_mid_run_leaves_the_rest_for_the_next_run(overdue, monkeypatch):
    services.plan_notices(today=dt.date(2026, 4, 24))
    assert Notice.objects.count() == 3
    real_send = services._send_one
    calls = []

    def send_then_die(notice):
        calls.append(notice.pk)
        if len(calls) == 2:
            raise SystemExit("worker stopped")
        real_send(notice)

    monkeypatch.setattr(services, "_send_one", send_then_die)
    with pytest.raises(SystemExit):
        services.send_notices()
    assert len(mail.outbox) == 1
    monkeypatch.setattr(services, "_send_one", real_send)
    assert services.send_notices() == 2
    assert len(mail.outbox) == 3
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == 3
    assert not Notice.objects.filter(sent_at__isnull=True).exists()


def test_nothing_is_sent_for_a_closed_period(overdue, supervisor):
    services.close_period(by=supervisor, period=overdue)
    assert services.plan_notices(today=dt.date(2026, 4, 24)) == 0


# --- measures -----------------------------------------------------------------------------------


def test_measured_indicators_read_the_plan_cycle_measures(plan, cycle, supervisor, coordinator, agency_tree):
    items = list(plan.items.order_by("position"))
    for item, due in zip(
        items, [dt.date(2026, 3, 1), dt.date(2026, 3, 15), dt.date(2026, 3, 31)], strict=True
    ):
        item.deadline_due = due
        item.deadline_kind = "date"
        item.save()
    q1 = services.set_up_periods(
        by=supervisor, cycle=cycle, frequency="quarterly", due_rule="結束後10個工作日內"
    )[0]
    services.save_progress(by=coordinator, item=items[0], period=q1, status="done", narrative="完成")
    services.save_progress(by=coordinator, item=items[1], period=q1, status="done", narrative="完成")
    services.save_progress(by=coordinator, item=items[2], period=q1, status="late", narrative="落後")
    ItemProgress.objects.filter(item=items[0]).update(
        submitted_at=timezone.make_aware(dt.datetime(2026, 2, 27, 9))
    )
    ItemProgress.objects.filter(item=items[1]).update(
        submitted_at=timezone.make_aware(dt.datetime(2026, 4, 2, 9))
    )
    indicator = Indicator.objects.create(
        plan=plan, name="如期完成率", unit="%", measure_key="plans.items_done_on_time"
    )
    assert services.refresh_measured_actuals(period=q1) == 1
    actual = IndicatorActual.objects.get(indicator=indicator, period=q1)
    assert actual.measured and actual.value == Decimal("33.3")


def test_plans_submitted_on_time_measure(cycle, agency_tree):
    from servq.core import measures
    from tests.factories import PlanFactory

    on_time = timezone.make_aware(dt.datetime(2026, 1, 29, 17))
    late = timezone.make_aware(dt.datetime(2026, 2, 3, 9))
    for agency, submitted in [
        (agency_tree["mof"], on_time),
        (agency_tree["moea"], late),
        (agency_tree["ntbt"], None),
    ]:
        PlanFactory(
            program=cycle.program, agency=agency, cycle=cycle, status="submitted", submitted_at=submitted
        )
    measure = measures.get("plans.submitted_on_time")
    everyone = measures.Scope(agency_tree["root"].path, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert measure.value(everyone) == Decimal("33.3")
    mof_only = measures.Scope(agency_tree["mof"].path, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert measure.value(mof_only) == Decimal("50.0")  # 財政部 on time, 臺北國稅局 not submitted
    next_year = measures.Scope(agency_tree["root"].path, dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    assert measure.value(next_year) is None


def test_an_indicator_bound_to_an_unknown_measure_is_refused(plan, coordinator):
    from servq.plans import services as plan_services
    from servq.plans.services import PlanError

    plan.status = "draft"
    plan.save()
    with pytest.raises(PlanError, match=r"「no\.such」"):
        plan_services.save_indicator(
            by=coordinator,
            plan=plan,
            name="x",
            unit="%",
            direction="higher",
            cumulative=False,
            baseline=None,
            targets={},
            measure_key="no.such",
        )


def test_a_notice_the_mail_server_refuses_does_not_hold_back_the_others(overdue, settings):
    settings.EMAIL_BACKEND = "tests.strict_mail.StrictBackend"
    services.plan_notices(today=dt.date(2026, 4, 24))
    first = Notice.objects.order_by("id").select_related("recipient").first()
    first.recipient.email = "lin,chen@example.gov.tw"  # an address the SMTP server refuses
    first.recipient.save()
    assert services.send_notices() == 2
    first.refresh_from_db()
    assert first.sent_at is None and first.attempts == 1 and "SMTPRecipientsRefused" in first.last_error
    assert len(mail.outbox) == 2


def test_a_compiled_year_end_report_is_announced_to_the_head_who_signs_it(
    cycle, plan, supervisor, coordinator, agency_tree, user_with_role
):
    """Issue 33.10: the head was never told a report waited for sign-off."""
    from servq.core.models import Notification

    head = user_with_role(agency_tree["mof"], "head", username="mof-head")
    (year,) = services.set_up_periods(
        by=supervisor, cycle=cycle, frequency="yearly", due_rule="次年1月15日前"
    )
    report_all(coordinator, plan, year, status="done")
    services.compile_year_end(by=coordinator, cycle=cycle, agency=agency_tree["mof"])
    notice = Notification.objects.get(recipient=head, kind="yearend.compile")
    assert "待您核定" in notice.subject
