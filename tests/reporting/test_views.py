from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from servq.core.models import AuditEntry
from servq.reporting import selectors, services
from servq.reporting.models import Evidence, ItemProgress, SelfEvaluation
from tests.pages import form_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def progress_url(plan, period):
    return reverse("reporting:progress", args=[plan.pk, period.pk])


def save_url(plan, period):
    return reverse("reporting:save_report", args=[plan.pk, period.pk])


def page_post(client, plan, period, button="save", **typed):
    """What the progress page posts, read off the page as it is opened now: every field as shown
    (hidden versions and fingerprints included), unchanged unless typed."""
    page = client.get(progress_url(plan, period)).content.decode()
    return {button: "", **form_data(page, "#progress-form"), **typed}


def test_coordinator_reports_an_item_through_the_page(client, plan, quarters, coordinator):
    client.force_login(coordinator)
    item = plan.items.order_by("position").first()
    page = client.get(progress_url(plan, quarters[0]))
    assert page.status_code == 200 and item.text in page.content.decode()
    response = client.post(
        save_url(plan, quarters[0]),
        page_post(
            client,
            plan,
            quarters[0],
            **{f"i{item.pk}-status": "on_track", f"i{item.pk}-narrative": "已完成第一季網站檢測"},
        ),
    )
    assert response.status_code == 302
    assert ItemProgress.objects.get(item=item).narrative == "已完成第一季網站檢測"
    assert ItemProgress.objects.count() == 1  # the untouched items are not reported for the user


def test_two_items_typed_and_saved_once_are_both_kept(client, plan, quarters, coordinator):
    """The probe's data loss: item 1 typed, item 2 typed, one save; both must be stored."""
    client.force_login(coordinator)
    first, second = plan.items.order_by("position")[:2]
    typed = {
        f"i{first.pk}-status": "on_track",
        f"i{first.pk}-narrative": "第一項的辦理情形",
        f"i{second.pk}-status": "done",
        f"i{second.pk}-narrative": "第二項的辦理情形",
    }
    client.post(save_url(plan, quarters[0]), page_post(client, plan, quarters[0], **typed))
    assert dict(ItemProgress.objects.values_list("item_id", "narrative")) == {
        first.pk: "第一項的辦理情形",
        second.pk: "第二項的辦理情形",
    }


def test_a_refusal_on_one_item_stores_nothing_and_gives_back_everything_typed(
    client, plan, quarters, coordinator
):
    client.force_login(coordinator)
    first, second = plan.items.order_by("position")[:2]
    services.save_progress(by=coordinator, item=second, period=quarters[0], status="done", narrative="舊")
    stale = page_post(client, plan, quarters[0])  # the page as it was opened
    services.save_progress(
        by=coordinator, item=second, period=quarters[0], status="done", narrative="別人改的"
    )
    stale.update({f"i{first.pk}-narrative": "我打的第一項", f"i{second.pk}-narrative": "我打的第二項"})
    response = client.post(save_url(plan, quarters[0]), stale)
    page = response.content.decode()
    assert response.status_code == 409 and "第2項" in page and "有人在您開啟本頁後儲存了這個項目" in page
    assert "我打的第一項" in page and "我打的第二項" in page
    assert not ItemProgress.objects.filter(item=first).exists()
    assert ItemProgress.objects.get(item=second).narrative == "別人改的"


def test_a_sent_report_is_read_only_until_withdrawn(client, plan, quarters, coordinator):
    client.force_login(coordinator)
    typed = {f"i{item.pk}-narrative": f"第{item.position + 1}項成果" for item in plan.items.all()}
    client.post(save_url(plan, quarters[0]), page_post(client, plan, quarters[0], button="submit", **typed))
    assert ItemProgress.objects.filter(submitted_at__isnull=False).count() == 3
    page = client.get(progress_url(plan, quarters[0])).content.decode()
    assert "送出，內容唯讀" in page and "<dd>已送出</dd>" in page and 'name="i' not in page
    with pytest.raises(services.ReportingError, match="已送出"):
        services.save_progress(
            by=coordinator, item=plan.items.first(), period=quarters[0], status="done", narrative="偷改"
        )
    client.post(save_url(plan, quarters[0]), {"withdraw": ""})
    assert not ItemProgress.objects.filter(submitted_at__isnull=False).exists()
    assert AuditEntry.objects.filter(action="report.withdraw").count() == 1
    assert 'name="i' in client.get(progress_url(plan, quarters[0])).content.decode()


def test_script_in_the_narrative_is_refused_and_nothing_stored(client, plan, quarters, coordinator):
    client.force_login(coordinator)
    item = plan.items.first()
    response = client.post(
        save_url(plan, quarters[0]),
        page_post(client, plan, quarters[0], **{f"i{item.pk}-narrative": "<script>alert(1)</script>"}),
    )
    assert response.status_code == 400 and "純文字" in response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()  # kept, as text
    assert not ItemProgress.objects.exists()


def test_another_agencys_plan_and_items_are_404(client, plan, quarters, agency_tree, user_with_role):
    client.force_login(user_with_role(agency_tree["moea"], "coordinator"))
    item = plan.items.first()
    assert client.get(progress_url(plan, quarters[0])).status_code == 404
    # A stranger cannot open the page, so posts what they guess a page would hold.
    guessed = {
        "save": "",
        f"i{item.pk}-status": "done",
        f"i{item.pk}-narrative": "x",
        f"i{item.pk}-lock": "0",
    }
    response = client.post(save_url(plan, quarters[0]), guessed)
    assert response.status_code == 404
    assert not ItemProgress.objects.exists()


def test_evidence_is_served_only_to_those_who_see_the_plan_and_never_inline(
    client, plan, quarters, coordinator, agency_tree, user_with_role
):
    item = plan.items.first()
    progress = services.save_progress(
        by=coordinator, item=item, period=quarters[0], status="done", narrative="x"
    )
    evidence = services.add_evidence_file(by=coordinator, progress=progress, name="成果.pdf", content=PDF)
    client.force_login(coordinator)
    response = client.get(reverse("reporting:evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    client.force_login(user_with_role(agency_tree["moea"], "coordinator"))
    assert client.get(reverse("reporting:evidence", args=[evidence.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("reporting:evidence", args=[evidence.pk])).status_code == 302


def test_an_html_upload_named_pdf_is_refused_with_its_name(client, plan, quarters, coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = plan.items.first()
    services.save_progress(by=coordinator, item=item, period=quarters[0], status="done", narrative="x")
    client.force_login(coordinator)
    upload = SimpleUploadedFile(
        "成果.pdf", b"<!DOCTYPE html><html><body onload=alert(1)>", content_type="application/pdf"
    )
    response = client.post(
        save_url(plan, quarters[0]), page_post(client, plan, quarters[0], **{f"file_{item.pk}": upload})
    )
    assert "「成果.pdf」的內容是HTML 網頁" in response.content.decode()  # in words, not "HTML File"
    assert not Evidence.objects.exists()


def test_a_zip_bomb_as_evidence_is_refused_with_its_name(client, plan, quarters, coordinator):
    """The probe's 1 MB .odt whose mimetype member inflates to 1 GiB."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.bombs import odt_bomb

    item = plan.items.first()
    services.save_progress(by=coordinator, item=item, period=quarters[0], status="done", narrative="x")
    client.force_login(coordinator)
    upload = SimpleUploadedFile(
        "成果.odt", odt_bomb(), content_type="application/vnd.oasis.opendocument.text"
    )
    response = client.post(
        save_url(plan, quarters[0]), page_post(client, plan, quarters[0], **{f"file_{item.pk}": upload})
    )
    page = response.content.decode()
    assert "「成果.odt」: 解壓後 1024 MiB，超過上限" in page
    assert not Evidence.objects.exists()


def test_a_closed_period_shows_no_form_and_refuses_a_post(client, plan, quarters, coordinator, supervisor):
    services.close_period(by=supervisor, period=quarters[0])
    client.force_login(coordinator)
    item = plan.items.first()
    page = client.get(progress_url(plan, quarters[0])).content.decode()
    assert "已關閉填報" in page and 'name="i' not in page
    response = client.post(
        save_url(plan, quarters[0]),
        page_post(client, plan, quarters[0], **{f"i{item.pk}-narrative": "補報"}),
        follow=True,
    )
    assert "已關閉填報" in response.content.decode()
    assert not ItemProgress.objects.exists()


def test_supervisor_sets_periods_and_schedule_on_the_cycle_page(client, cycle, supervisor):
    client.force_login(supervisor)
    client.post(
        reverse("reporting:set_up_periods", args=[cycle.pk]),
        {"frequency": "half_yearly", "due_rule": "結束後10個工作日內"},
    )
    page = client.get(reverse("reporting:cycle", args=[cycle.pk])).content.decode()
    assert "115年上半年" in page and "115年7月14日" in page
    response = client.post(
        reverse("reporting:set_schedule", args=[cycle.pk]),
        {"steps": "訂定實施計畫｜研考會｜1 月\n各機關提報年度執行成果｜各機關｜12 月下旬至次年 1 月"},
    )
    assert response.status_code == 302
    assert cycle.schedule.count() == 2


def test_a_schedule_line_with_one_cell_is_named(client, cycle, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("reporting:set_schedule", args=[cycle.pk]),
        {"steps": "訂定實施計畫｜研考會｜1 月\n只有一欄"},
        follow=True,
    )
    assert "第 2 列應有兩欄（作業項目｜時程）或三欄" in response.content.decode()
    assert cycle.schedule.count() == 0


def test_the_calendar_feed_is_valid_icalendar_with_steps_and_due_dates(client, cycle, supervisor, quarters):
    services.set_schedule(
        by=supervisor, cycle=cycle, steps=[("各機關提報年度執行成果", "各機關", "12 月下旬至次年 1 月")]
    )
    response = client.get(reverse("reporting:calendar_feed", args=[cycle.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    by_summary = {str(e["SUMMARY"]): e for e in events}
    step = by_summary["各機關提報年度執行成果（各機關）"]
    assert step.decoded("DTSTART") == dt.date(2026, 12, 21) and step.decoded("DTEND") == dt.date(2027, 2, 1)
    assert by_summary["115年第1季辦理情形填報截止"].decoded("DTSTART") == dt.date(2026, 4, 16)


def test_self_evaluation_submitted_appears_on_the_public_page(client, plan, coordinator):
    client.force_login(coordinator)
    url = reverse("reporting:self_evaluation", args=[plan.pk, 2026, 1])
    data = {"overall": "good", "summary": "大致如期"}
    for item in plan.items.all():
        data[f"grade_{item.pk}"] = "good"
    unconfirmed = client.post(url, {**data, "submit": "1"})
    assert "請勾選確認" in unconfirmed.content.decode() and "大致如期" in unconfirmed.content.decode()
    assert SelfEvaluation.objects.get().submitted_at is None  # saved as typed, not published
    client.post(url, {**data, "submit": "1", "confirm": "yes"})
    evaluation = SelfEvaluation.objects.get()
    assert evaluation.submitted_at is not None
    page = client.get(url).content.decode()
    assert "不能再修改" in page and "<textarea" not in page and 'name="submit"' not in page
    client.logout()
    listing = client.get(reverse("reporting:public_self_evaluations")).content.decode()
    assert plan.agency.name in listing
    detail = client.get(reverse("reporting:public_self_evaluation", args=[evaluation.pk]))
    assert detail.status_code == 200 and "大致如期" in detail.content.decode()


def test_an_unsubmitted_self_evaluation_is_not_public(client, plan, coordinator):
    evaluation = services.save_self_evaluation(
        by=coordinator, plan=plan, year=2026, half=1, overall="good", summary="草稿", grades={}
    )
    assert client.get(reverse("reporting:public_self_evaluation", args=[evaluation.pk])).status_code == 404


@pytest.mark.parametrize("fmt", ["odt", "docx", "pdf", "ods"])
def test_year_end_exports_carry_the_results_column(client, cycle, plan, supervisor, coordinator, fmt):
    (year,) = services.set_up_periods(
        by=supervisor, cycle=cycle, frequency="yearly", due_rule="次年1月15日前"
    )
    for item in plan.items.all():
        services.save_progress(
            by=coordinator, item=item, period=year, status="done", narrative=f"全年完成{item.position}"
        )
    client.force_login(supervisor)
    response = client.get(reverse("reporting:year_end_export", args=[cycle.pk, cycle.agency.pk, fmt]))
    assert response.status_code == 200
    text = extract_text(response.content, fmt)
    assert "辦理情形及成效" in text and "全年完成2" in text and plan.agency.name in text


def extract_text(content: bytes, fmt: str) -> str:
    import io
    import zipfile

    if fmt == "pdf":
        from pypdf import PdfReader

        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        return "".join(text.split())  # extraction puts spaces and breaks inside table cells
    archive = zipfile.ZipFile(io.BytesIO(content))
    member = "word/document.xml" if fmt == "docx" else "content.xml"
    return archive.read(member).decode()


def test_year_end_compile_and_sign_through_the_page(
    client, cycle, plan, supervisor, agency_tree, user_with_role
):
    client.force_login(supervisor)
    url = reverse("reporting:year_end", args=[cycle.pk, agency_tree["root"].pk])
    client.post(url, {"summary": "本年度各機關均如期辦理"})
    head = user_with_role(agency_tree["root"], "head")
    client.force_login(head)
    page = client.get(url).content.decode()
    assert "尚有 3 個項目未填報" in page and "核定後不能再重新彙整" in page
    assert (
        "彙整年度執行成果</button>" not in page and "本年度各機關均如期辦理" in page
    )  # the head signs, not compiles
    refused = client.post(url, {"sign": "1"}, follow=True)
    assert "請勾選確認" in refused.content.decode()
    assert not AuditEntry.objects.filter(action="yearend.sign").exists()
    early = client.post(url, {"sign": "1", "confirm": "yes"}, follow=True)  # December, no reason
    assert "才結束：年度結束前核定，請說明理由" in early.content.decode()
    assert not AuditEntry.objects.filter(action="yearend.sign").exists()
    client.post(url, {"sign": "1", "confirm": "yes", "reason": "配合函送期限提前核定"})
    assert AuditEntry.objects.filter(action="yearend.sign").exists()
    assert "已核定" in client.get(reverse("reporting:cycle", args=[cycle.pk])).content.decode()
    # The signed report, as it is downloaded, carries its 綜合說明 and who signed it, when and why.
    export = client.get(reverse("reporting:year_end_export", args=[cycle.pk, agency_tree["root"].pk, "odt"]))
    text = extract_text(export.content, "odt")
    assert "本年度各機關均如期辦理" in text and "核定。理由：配合函送期限提前核定" in text


def test_the_year_end_report_starts_from_each_items_latest_quarterly_report(
    client, cycle, plan, supervisor, coordinator, quarters, agency_tree
):
    """The probe: four quarters submitted, and the year-end showed 7/7 未填報 (it read the yearly period)."""
    services.set_up_periods(by=supervisor, cycle=cycle, frequency="yearly", due_rule="次年1月15日前")
    first, second, _third = plan.items.order_by("position")
    services.save_progress(by=coordinator, item=first, period=quarters[0], status="late", narrative="Q1 落後")
    services.save_progress(by=coordinator, item=first, period=quarters[3], status="done", narrative="Q4 完成")
    services.save_progress(by=coordinator, item=second, period=quarters[1], status="on_track", narrative="Q2")
    client.force_login(supervisor)
    page = client.get(reverse("reporting:year_end", args=[cycle.pk, agency_tree["mof"].pk])).content.decode()
    assert "最近一期" in page
    rollup = selectors.year_end_rollup(cycle, root=agency_tree["mof"])
    totals = rollup.totals_of(agency_tree["mof"].path)
    assert (totals["done"], totals["on_track"], totals["late"], totals["unreported"]) == (1, 1, 0, 1)
    export = client.get(reverse("reporting:year_end_export", args=[cycle.pk, agency_tree["mof"].pk, "odt"]))
    text = extract_text(export.content, "odt")
    assert "Q4 完成" in text and "Q1 落後" not in text and "Q2" in text


def test_dashboard_drills_down_and_exports_what_is_on_screen(
    client, cycle, plan, supervisor, coordinator, quarters
):
    services.save_progress(
        by=coordinator, item=plan.items.first(), period=quarters[0], status="late", narrative="落後"
    )
    client.force_login(supervisor)
    url = reverse("reporting:dashboard", args=[cycle.pk])
    page = client.get(url, {"period": quarters[0].pk}).content.decode()
    assert "財政部" in page and "落後" in page and "<svg" in page
    csv_text = client.get(url, {"period": quarters[0].pk, "format": "csv"}).content.decode("utf-8-sig")
    lines = csv_text.splitlines()
    assert lines[0].startswith("機關,尚未開始")
    mof = next(line for line in lines if line.startswith("財政部"))
    assert mof.split(",")[4] == "1"  # the 落後 column


def test_a_dashboard_opens_on_the_latest_period_with_reports_and_says_which(
    client, cycle, plan, supervisor, coordinator, quarters
):
    """Issue 33.4: the default period was the year's last (empty) one: every item 未填報."""
    first, second = plan.items.order_by("position")[:2]
    for item, status in ((first, "done"), (second, "on_track")):
        services.save_progress(by=coordinator, item=item, period=quarters[1], status=status, narrative="已辦")
    client.force_login(supervisor)
    response = client.get(reverse("reporting:dashboard", args=[cycle.pk]))
    assert response.context["data"].period == quarters[1]
    page = response.content.decode()
    assert f"（{quarters[1].label}）" in page  # the heading says which period it shows
    assert (
        response.context["data"].by_status["done"] == 1
        and response.context["data"].by_status["on_track"] == 1
    )


def test_agencies_taking_part_without_a_plan_yet_are_listed_on_the_dashboard(client, cycle, supervisor):
    """Issue 33.4: 「沒有所屬機關」 while two agencies took part (neither had started its plan)."""
    client.force_login(supervisor)
    page = client.get(reverse("reporting:dashboard", args=[cycle.pk])).content.decode()
    assert "沒有所屬機關" not in page and "財政部" in page and "經濟部" in page


def test_dashboard_of_another_agency_is_404(client, cycle, plan, agency_tree, user_with_role):
    client.force_login(user_with_role(agency_tree["moea"], "coordinator"))
    url = reverse("reporting:dashboard", args=[cycle.pk])
    assert client.get(url, {"agency": agency_tree["mof"].pk}).status_code == 404


def test_supervisor_dashboard_query_count_is_fixed(
    client, cycle, supervisor, quarters, agency_tree, django_assert_max_num_queries, django_assert_num_queries
):
    from tests.factories import PlanFactory, PlanItemFactory

    for agency in (agency_tree["mof"], agency_tree["moea"]):
        plan = PlanFactory(
            program=cycle.program,
            agency=agency,
            cycle=cycle,
            status="approved",
            first_year=2026,
            last_year=2026,
        )
        for n in range(5):
            PlanItemFactory(plan=plan, position=n)
    client.force_login(supervisor)
    url = reverse("reporting:dashboard", args=[cycle.pk])
    client.get(url)
    with django_assert_max_num_queries(17) as captured:  # 17: participants without a plan yet listed too
        client.get(url)
    baseline = len(captured)
    for agency in (agency_tree["ntbt"],):
        cycle.participants.add(agency)
        plan = PlanFactory(
            program=cycle.program,
            agency=agency,
            cycle=cycle,
            status="approved",
            first_year=2026,
            last_year=2026,
        )
        for n in range(20):
            PlanItemFactory(plan=plan, position=n)
    with django_assert_num_queries(baseline):
        client.get(url)


def test_compliance_report_by_agency(client, cycle, plan, supervisor, coordinator, quarters):
    for item in plan.items.all():
        services.save_progress(by=coordinator, item=item, period=quarters[0], status="done", narrative="完成")
    services.submit_report(by=coordinator, plan=plan, period=quarters[0])
    client.force_login(supervisor)
    page = client.get(reverse("reporting:compliance", args=[quarters[0].pk])).content.decode()
    assert "財政部" in page and "經濟部" in page
    csv_text = client.get(reverse("reporting:compliance", args=[quarters[0].pk]), {"format": "csv"})
    lines = csv_text.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "機關,送出日期,送出日期（西元）,狀態"
    from django.utils import timezone

    from servq.core.rules import format_roc_date

    assert f"財政部,{format_roc_date(timezone.localdate())}," in "\n".join(lines)


def test_a_two_column_calendar_like_004s_is_kept_as_written(client, cycle, supervisor):
    """004's 附件1 has 作業項目 and 時程 only; servq must not invent a 辦理單位 column for it."""
    client.force_login(supervisor)
    client.post(
        reverse("reporting:set_schedule", args=[cycle.pk]),
        {"steps": "函送行政院參獎｜次年 1 月至 2 月上旬"},
    )
    (step,) = cycle.schedule.all()
    assert (step.action, step.actor, step.when_text) == ("函送行政院參獎", "", "次年 1 月至 2 月上旬")


def test_the_calendar_form_starts_from_the_programs_edition_not_a_constant(client, cycle, supervisor):
    cycle.program.schedule = "自訂步驟｜3 月"
    cycle.program.schedule_source = "本府方案附件"
    cycle.program.save()
    client.force_login(supervisor)
    page = client.get(reverse("reporting:cycle", args=[cycle.pk])).content.decode()
    assert "自訂步驟｜3 月" in page and "本府方案附件" in page


def test_the_year_end_table_is_000s_layout_unless_the_body_adds_units(client, cycle, plan, supervisor):
    """000's 附表: 計畫要項、執行策略、執行方法、完成期限、辦理情形及成效 — no 承辦單位 (issue 24.2)."""
    from servq.reporting.exporting import year_end_document

    root = cycle.agency
    assert "承辦單位" not in year_end_document(cycle, root).columns
    assert year_end_document(cycle, root).columns[-3:] == ["執行方法", "完成期限", "辦理情形及成效"]
    client.force_login(supervisor)
    client.post(reverse("reporting:year_end_layout", args=[cycle.pk, root.pk]), {"units": "on"})
    cycle.refresh_from_db()
    assert cycle.year_end_units
    assert year_end_document(cycle, root).columns[-3:] == ["完成期限", "承辦單位", "辦理情形及成效"]
    assert AuditEntry.objects.filter(action="cycle.layout").exists()
    page = client.get(reverse("reporting:year_end", args=[cycle.pk, root.pk])).content.decode()
    assert "計畫要項／執行策略／執行方法／完成期限／承辦單位／辦理情形及成效" in page


def test_only_the_cycles_supervisors_change_the_year_end_layout(client, cycle, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("reporting:year_end_layout", args=[cycle.pk, cycle.agency.pk]), {"units": "on"}
    )
    cycle.refresh_from_db()
    assert response.status_code in (403, 404) and not cycle.year_end_units


def test_an_agencys_dashboard_charts_each_indicator_against_its_targets(
    client, cycle, plan, coordinator, quarters
):
    """Issue 14.17: the indicators over the plan's years, target (dashed) against actual, with the table."""
    from servq.plans.models import Indicator
    from servq.reporting.selectors import indicator_trends

    indicator = Indicator.objects.create(plan=plan, item=plan.items.first(), name="網站有效連結率", unit="%")
    indicator.targets.create(year=2026, value=95)
    services.save_progress(
        by=coordinator,
        item=plan.items.first(),
        period=quarters[0],
        status="on_track",
        narrative="每月檢測",
        actuals={indicator.pk: "90"},
    )
    services.save_progress(
        by=coordinator,
        item=plan.items.first(),
        period=quarters[1],
        status="on_track",
        narrative="每月檢測",
        actuals={indicator.pk: "97"},
    )
    (trend,) = indicator_trends(cycle, plan.agency)
    assert trend.rows == [(2026, 95, 97)]  # the year's latest period counts
    client.force_login(coordinator)
    page = client.get(
        reverse("reporting:dashboard", args=[cycle.pk]), {"agency": plan.agency.pk}
    ).content.decode()
    assert "指標歷年目標值與實際值" in page and "網站有效連結率（%）" in page
    assert 'stroke-dasharray="6 4"' in page  # the target line


# --- two people on one period's page (issue 33.1) --------------------------------------------------


@pytest.fixture
def unit_staff(agency_tree, user_with_role):
    return user_with_role(agency_tree["mof_unit"], "unit_staff", username="unit-staff")


def test_saving_one_item_never_blanks_an_item_someone_saved_since_the_page_opened(
    client, plan, quarters, coordinator, unit_staff
):
    first, _second, third = plan.items.order_by("position")[:3]
    client.force_login(coordinator)
    opened = page_post(client, plan, quarters[0])  # the coordinator opens the page
    services.save_progress(
        by=unit_staff, item=first, period=quarters[0], status="on_track", narrative="承辦人填的第一項"
    )
    opened.update({f"i{third.pk}-status": "done", f"i{third.pk}-narrative": "聯絡人填的第三項"})
    response = client.post(save_url(plan, quarters[0]), opened)
    assert response.status_code == 302
    assert dict(ItemProgress.objects.values_list("item_id", "narrative")) == {
        first.pk: "承辦人填的第一項",
        third.pk: "聯絡人填的第三項",
    }


def test_both_typing_the_same_item_is_a_conflict_shown_beside_both_texts(
    client, plan, quarters, coordinator, unit_staff
):
    first = plan.items.order_by("position").first()
    client.force_login(coordinator)
    opened = page_post(client, plan, quarters[0])
    services.save_progress(
        by=unit_staff, item=first, period=quarters[0], status="on_track", narrative="承辦人填的第一項"
    )
    opened[f"i{first.pk}-narrative"] = "聯絡人填的第一項"
    refused = client.post(save_url(plan, quarters[0]), opened)
    page = refused.content.decode()
    assert refused.status_code == 409
    assert "承辦人填的第一項" in page and "聯絡人填的第一項" in page  # both, side by side
    assert ItemProgress.objects.get(item=first).narrative == "承辦人填的第一項"
    # Having read both, the coordinator saves again from the page as it came back: now it is stored.
    again = {"save": "", **form_data(page, "#progress-form")}
    assert client.post(save_url(plan, quarters[0]), again).status_code == 302
    assert ItemProgress.objects.get(item=first).narrative == "聯絡人填的第一項"


def test_a_link_typed_on_one_item_is_kept_when_another_items_file_is_refused(
    client, plan, quarters, coordinator
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    first, second = plan.items.order_by("position")[:2]
    client.force_login(coordinator)
    bad = SimpleUploadedFile("成果.pdf", b"<!DOCTYPE html><html></html>", content_type="application/pdf")
    typed = {
        f"file_{first.pk}": bad,
        f"i{second.pk}-link_url": "https://www.example.gov.tw/news/115",
        f"i{second.pk}-link_title": "第二項的新聞稿",
        f"i{second.pk}-narrative": "第二項已完成",
    }
    response = client.post(save_url(plan, quarters[0]), page_post(client, plan, quarters[0], **typed))
    page = response.content.decode()
    assert response.status_code == 409
    assert 'value="https://www.example.gov.tw/news/115"' in page and 'value="第二項的新聞稿"' in page
    assert not Evidence.objects.exists() and not ItemProgress.objects.exists()


def test_the_calendars_event_ids_do_not_depend_on_the_host_asked(client, cycle, supervisor, quarters):
    """Issue 36.7: subscribing through another name (localhost, an IP) gave every event twice."""
    import re

    client.force_login(supervisor)
    url = reverse("reporting:calendar_feed", args=[cycle.pk])
    first = client.get(url, HTTP_HOST="127.0.0.1").content.decode()
    second = client.get(url, HTTP_HOST="localhost").content.decode()
    uids = re.findall(r"^UID:(.+)$", first, re.M)
    assert uids and uids == re.findall(r"^UID:(.+)$", second, re.M)


def test_each_units_results_download_for_the_personnel_office(
    client, cycle, plan, coordinator, quarters, agency_tree, user_with_role
):
    """002: 各科辦理提升服務績效將列為年終考績之參考依據 — one row per item and unit, as Excel."""
    import io

    from openpyxl import load_workbook

    from servq.reporting import services

    item = plan.items.order_by("position").first()
    services.save_progress(
        by=coordinator, item=item, period=quarters[0], status="done", narrative="已完成網站改版"
    )
    client.force_login(coordinator)
    url = reverse("reporting:unit_results", args=[cycle.pk, agency_tree["mof"].pk])
    sheet = load_workbook(io.BytesIO(client.get(url).content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["承辦單位", "計畫項目", "完成期限", "執行狀態", "辦理情形及成效"]
    assert ["秘書處", f"1. {item.text}", item.deadline_raw, "已完成", "已完成網站改版"] in rows
    assert sum(1 for row in rows if row[3] == "未填報") == 2
    client.force_login(user_with_role(agency_tree["moea"], "coordinator"))
    assert client.get(url).status_code == 404
