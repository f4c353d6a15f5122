from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError
from django.db.models import Sum
from django.utils import timezone

from servq.cases import selectors, services, tasks
from servq.cases.models import Case, CaseEvent, CaseStats, CloseTime, TermCount
from servq.core import measures
from servq.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_case_is_numbered_routed_timed_and_mailed(file_case, agency_tree):
    case, token = file_case(
        "repair", "臺北市中正區路燈不亮", address="臺北市中正區重慶南路一段", email="ming@example.tw"
    )
    assert mail.outbox == []  # queued in the case's transaction, sent by the worker
    assert services.send_pending_mail() == 1
    assert services.send_pending_mail() == 0
    today = timezone.localdate()
    assert case.number.startswith(f"{today.year - 1911:03d}{today:%m%d}")
    assert case.agency == agency_tree["ntbt"]  # routed by the address
    assert case.due_on > today
    assert services.token_matches(case, token) and not services.token_matches(case, "WRONG123")
    (message,) = mail.outbox
    assert case.number in message.body and token in message.body
    assert CaseStats.objects.get().received == 1
    assert AuditEntry.objects.filter(action="case.receive", object_id=str(case.pk)).exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"description": "   "}, "description", "描述"),
        ({"description": "字" * 100_000}, "description", "5000"),
        ({"email": "not-an-email"}, "email", "電子郵件"),
        ({"phone": "123"}, "phone", "電話"),
        ({"lat": "north"}, "lat", "座標"),
        ({"lat": "91"}, "lat", "-90"),
    ],
)
def test_bad_input_names_the_field_and_makes_no_case(file_case, fields, field, message):
    with pytest.raises(services.CaseError) as error:
        file_case(**{"text": fields.pop("description", "路燈壞了")}, **fields)
    assert error.value.field == field and message in str(error.value)
    assert not Case.objects.exists() and not CaseStats.objects.exists()


def test_an_inactive_or_foreign_category_is_refused(file_case, categories, agency_tree):
    categories["report"].active = False
    categories["report"].save()
    with pytest.raises(services.CaseError, match="不受理"):
        file_case("report")
    with pytest.raises(services.CaseError, match="不受理"):
        services.submit_case(
            channel="web", body=agency_tree["mof"], category=categories["petition"], description="x"
        )


def test_the_workflow_with_a_pause_and_an_on_time_reply(file_case, handler, agency_tree):
    case, _ = file_case()
    case = services.assign(by=handler, case=case, unit=agency_tree["mof_unit"])
    case = services.start(by=handler, case=case)
    due = case.due_on
    case = services.ask_citizen(by=handler, case=case, question="請提供發生地點")
    Case.objects.filter(pk=case.pk).update(paused_since=timezone.localdate() - dt.timedelta(days=7))
    case = services.resume(by=handler, case=Case.objects.get(pk=case.pk))
    assert case.due_on > due  # the week waited does not count
    case = services.reply(by=handler, case=case, outcome="resolved", text="已延長服務時間")
    assert case.state == "closed" and case.closed_on_time
    stats = CaseStats.objects.aggregate(r=Sum("received"), c=Sum("closed"), t=Sum("closed_on_time"))
    assert (stats["r"], stats["c"], stats["t"]) == (1, 1, 1)
    assert CaseStats.objects.get(unit=agency_tree["mof_unit"]).received == 1  # counted where it is handled
    assert CloseTime.objects.get().cases == 1
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["received", "assigned", "started", "waiting", "resumed", "replied"]


def test_a_reply_to_a_closed_case_is_refused_and_reopening_uncounts_the_close(file_case, handler):
    case, _ = file_case()
    case = services.reply(by=handler, case=case, outcome="explained", text="說明")
    with pytest.raises(services.CaseError, match="已回覆結案"):
        services.reply(by=handler, case=case, outcome="explained", text="再說明")
    case = services.reopen(by=handler, case=case, reason="民眾不滿意回覆")
    stats = CaseStats.objects.get()
    assert (stats.closed, stats.closed_on_time) == (0, 0)
    assert CloseTime.objects.get().cases == 0
    services.reply(by=handler, case=case, outcome="resolved", text="已處理")
    assert CaseStats.objects.get().closed == 1


def test_transfer_moves_the_case_and_its_count_with_a_public_reason(file_case, handler, agency_tree):
    case, _ = file_case()
    case = services.transfer(by=handler, case=case, to=agency_tree["moea"], reason="屬經濟部權責")
    assert case.agency == agency_tree["moea"] and case.state == "received"
    event = CaseEvent.objects.get(kind="transferred")
    assert event.public and "屬經濟部權責" in event.note
    counts = dict(CaseStats.objects.values_list("agency__code", "received"))
    assert counts == {"mof": 0, "moea": 1}
    with pytest.raises(services.CaseError, match="權限"):
        services.start(by=handler, case=case)  # no longer 財政部's


def test_one_extension_with_a_notice(file_case, handler):
    case, _ = file_case(email="ming@example.tw")
    extended = services.extend(by=handler, case=case, days=3, reason="需會勘現場")
    assert extended.due_on > case.due_on
    services.send_pending_mail()
    assert any("展期" in m.subject for m in mail.outbox)
    with pytest.raises(services.CaseError, match="一次"):
        services.extend(by=handler, case=extended, days=1, reason="再延")


def test_another_agency_cannot_handle_and_personal_data_reads_are_logged(
    file_case, handler, agency_tree, user_with_role
):
    case, _ = file_case(name="王小明", phone="0912345678")
    outsider = user_with_role(agency_tree["moea"], "coordinator")
    with pytest.raises(services.CaseError, match="權限"):
        services.assign(by=outsider, case=case, unit=agency_tree["mof_unit"])
    with pytest.raises(services.CaseError, match="個人資料"):
        services.read_personal_data(by=outsider, case=case)
    assert services.read_personal_data(by=handler, case=case)["name"] == "王小明"
    assert AuditEntry.objects.filter(action="case.read_personal_data", actor=handler).count() == 1
    services.assign(by=handler, case=case, unit=agency_tree["mof_unit"])
    with pytest.raises(services.CaseError):
        services.read_personal_data(by=handler, case=Case.objects.get(pk=case.pk))  # the unit has it now


def test_duplicates_are_suggested_and_merged(file_case, handler):
    first, _ = file_case("repair", "中山路二段的路燈壞了好幾天", email="ming@example.tw")
    second, _ = file_case("repair", "中山路二段路燈壞了一週", email="ming@example.tw")
    file_case("repair", "公園溜滑梯斷裂", email="ming@example.tw")
    suggestions = selectors.duplicate_suggestions(second, viewer=handler)
    assert [case.pk for case, _ in suggestions] == [first.pk]
    merged = services.merge_duplicate(by=handler, case=second, into=first)
    assert merged.state == "closed" and merged.outcome == "duplicate" and merged.duplicate_of == first


def test_duplicate_suggestions_only_show_cases_the_viewer_may_open(file_case, agency_tree, user_with_role):
    """財政部's case and 臺北國稅局's (routed by area) come from one e-mail: 國稅局 must not learn of 財政部's."""
    at_mof, _ = file_case("repair", "中山路二段的路燈壞了好幾天", email="ming@example.tw")
    at_ntbt, _ = file_case(
        "repair", "中山路二段路燈壞了一週", email="ming@example.tw", address="臺北市中山路二段1號"
    )
    assert at_mof.agency == agency_tree["mof"] and at_ntbt.agency == agency_tree["ntbt"]
    ntbt_staff = user_with_role(agency_tree["ntbt"], "coordinator")
    assert selectors.duplicate_suggestions(at_ntbt, viewer=ntbt_staff) == []
    mof_supervisor = user_with_role(agency_tree["mof"], "supervisor")
    assert [c.pk for c, _ in selectors.duplicate_suggestions(at_ntbt, viewer=mof_supervisor)] == [at_mof.pk]


def test_satisfaction_only_after_closing_and_within_1_to_5(file_case, handler):
    case, _ = file_case()
    with pytest.raises(services.CaseError, match="結案後"):
        services.record_satisfaction(by=handler, case=case, score=5)
    case = services.reply(by=handler, case=case, outcome="resolved", text="已處理")
    with pytest.raises(services.CaseError, match="1 到 5"):
        services.record_satisfaction(by=handler, case=case, score=6)
    assert services.record_satisfaction(by=handler, case=case, score=4).satisfaction == 4


def test_the_on_time_measure_counts_overdue_open_cases(file_case, handler, agency_tree):
    on_time, _ = file_case()
    services.reply(by=handler, case=on_time, outcome="resolved", text="ok")
    late_closed, _ = file_case()
    Case.objects.filter(pk=late_closed.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    services.reply(by=handler, case=Case.objects.get(pk=late_closed.pk), outcome="resolved", text="ok")
    overdue_open, _ = file_case()
    Case.objects.filter(pk=overdue_open.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    file_case()  # open, not yet due
    today = timezone.localdate()
    scope = measures.Scope(agency_tree["root"].path, today.replace(day=1), today)
    # 1 on time ÷ (2 closed + 1 overdue)
    assert measures.get("cases.on_time_rate").value(scope) == Decimal("33.3")
    assert measures.get("cases.median_days_to_close").value(scope) == Decimal(0)


def test_topics_are_counted_once_per_case(file_case, body):
    file_case("repair", "路燈不亮，路燈很暗")
    file_case("repair", "路燈閃爍")
    file_case("report", "違規停車擋住人行道")
    assert tasks.refresh_topics.call() > 0
    counts = dict(TermCount.objects.values_list("term", "count"))
    assert counts["路燈"] == 2 and counts["違規停車"] == 1


def test_counts_follow_the_case_to_its_unit_and_analytics_show_units(file_case, handler, agency_tree):
    case, _ = file_case()
    services.assign(by=handler, case=case, unit=agency_tree["mof_unit"])
    rows = {unit: received for unit, received in CaseStats.objects.values_list("unit__code", "received")}
    assert rows == {None: 0, "mof-sec": 1}
    today = timezone.localdate()
    data = selectors.analytics(agency_tree["root"], today.replace(day=1), today, today=today)
    assert [(unit.code, figures["received"]) for unit, figures in data.by_unit] == [("mof-sec", 1)]
    assert data.overall["received"] == 1


def test_mail_of_a_change_that_rolls_back_is_never_sent_and_a_stopped_sender_resumes(file_case, monkeypatch):
    with pytest.raises(services.CaseError):
        file_case(email="ming@example.tw", phone="not a phone")
    file_case(email="a@example.tw")
    file_case(email="b@example.tw")
    real = services.outbox.send_mail

    def die_on_second(*args, **kwargs):
        if args[3] == ["b@example.tw"]:
            raise SystemExit("worker stopped")
        return real(*args, **kwargs)

    monkeypatch.setattr(services.outbox, "send_mail", die_on_second)
    with pytest.raises(SystemExit):
        services.send_pending_mail()
    monkeypatch.setattr(services.outbox, "send_mail", real)
    assert services.send_pending_mail() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.tw", "b@example.tw"]


def test_a_number_already_given_is_drawn_again_and_the_clash_leaves_nothing_behind(file_case, monkeypatch):
    first, _token = file_case("repair")
    taken = first.number
    drawn = iter([taken, taken, taken[:7] + "00000001"])
    monkeypatch.setattr(services.intake, "new_case_number", lambda received: next(drawn))
    second, token = file_case("repair", email="ming@example.tw")
    assert second.number == taken[:7] + "00000001"
    assert services.token_matches(second, token)
    assert Case.objects.count() == 2
    assert CaseEvent.objects.filter(kind="received").count() == 2
    assert AuditEntry.objects.filter(action="case.receive").count() == 2
    assert CaseStats.objects.aggregate(n=Sum("received"))["n"] == 2
    assert services.send_pending_mail() == 1


def test_the_fifth_clash_in_a_row_is_an_error_not_a_loop(file_case, monkeypatch):
    first, _token = file_case("repair")
    monkeypatch.setattr(services.intake, "new_case_number", lambda received: first.number)
    with pytest.raises(IntegrityError):
        file_case("repair")
    assert Case.objects.count() == 1


def test_query_passwords_use_every_letter_of_the_phone_safe_alphabet_evenly():
    assert 256 % len(services.TOKEN_ALPHABET) == 0  # else some letters would come up more often
    drawn = [services.new_query_password() for _ in range(2000)]
    assert all(len(token) == services.TOKEN_LENGTH for token in drawn)
    letters = Counter("".join(drawn))
    assert set(letters) == set(services.TOKEN_ALPHABET)  # no 0, O, 1 or I, and none missing
    assert max(letters.values()) < 2 * min(letters.values())
    assert len(set(drawn)) == len(drawn)


def test_past_months_roll_ups_fold_back_to_one_row_per_key_and_the_counts_stay(file_case, handler):
    cases = [file_case("repair") for _ in range(8)]
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    assert CaseStats.objects.count() == 4  # eight intakes of one key spread over four rows
    CaseStats.objects.update(month=last_month)  # as if they had come last month
    for _ in range(3):
        file_case("repair")  # this month: stays spread
    totals = CaseStats.objects.aggregate(n=Sum("received"))

    assert services.fold_stats_shards(before=this_month) == 3
    (folded,) = CaseStats.objects.filter(month=last_month)
    assert (folded.shard, folded.received) == (0, 8)
    assert CaseStats.objects.filter(month=this_month).count() == 3
    assert CaseStats.objects.aggregate(n=Sum("received")) == totals
    assert services.fold_stats_shards(before=this_month) == 0  # nothing left to fold

    case = cases[1][0]  # a late close of last month's case lands in a row of its own, folded next time
    late = timezone.make_aware(dt.datetime.combine(last_month + dt.timedelta(days=1), dt.time(12)))
    Case.objects.filter(pk=case.pk).update(received_at=late)
    case.refresh_from_db()
    services.reply(by=handler, case=case, outcome="resolved", text="已修復")
    rows = CaseStats.objects.filter(month=last_month).count()  # 2, unless the close hit shard 0
    assert services.fold_stats_shards(before=this_month) == rows - 1
    (row,) = CaseStats.objects.filter(month=last_month)
    assert (row.shard, row.received, row.closed) == (0, 8, 1)


def test_analytics_count_an_overdue_open_case_in_each_of_its_dimensions_only(file_case, agency_tree):
    late, _ = file_case("repair", channel="phone")
    file_case("petition")
    today = timezone.localdate()
    Case.objects.filter(pk=late.pk).update(due_on=today - dt.timedelta(days=1))
    data = selectors.analytics(agency_tree["root"], today.replace(day=1), today, today=today)
    overdue = {name: figures["open_overdue"] for name, figures in data.by_category}
    assert overdue == {"報修": 1, "陳情": 0}
    assert {name: figures["open_overdue"] for name, figures in data.by_channel} == {"phone": 1, "web": 0}
    assert [(agency.code, f["open_overdue"]) for agency, f in data.by_agency] == [("mof", 1)]
    assert [(month, f["open_overdue"]) for month, f in data.months] == [(today.replace(day=1), 1)]
    assert data.overall["open_overdue"] == 1
