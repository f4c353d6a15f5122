from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from servq.cases import rules
from servq.core.rules import OfficeCalendar

D = dt.date
CAL = OfficeCalendar(holidays=frozenset({D(2026, 10, 9), D(2026, 10, 10)}))  # 國慶 (Sat) and its Friday off

ALLOWED = {
    ("received", "assign"): "assigned",
    ("received", "reply"): "closed",
    ("received", "transfer"): "received",
    ("assigned", "assign"): "assigned",
    ("assigned", "start"): "in_progress",
    ("assigned", "reply"): "closed",
    ("assigned", "transfer"): "received",
    ("in_progress", "assign"): "assigned",
    ("in_progress", "wait"): "waiting",
    ("in_progress", "reply"): "closed",
    ("in_progress", "transfer"): "received",
    ("waiting", "resume"): "in_progress",
    ("waiting", "reply"): "closed",
    ("closed", "reopen"): "reopened",
    ("reopened", "assign"): "assigned",
    ("reopened", "start"): "in_progress",
    ("reopened", "reply"): "closed",
    ("reopened", "transfer"): "received",
}


@pytest.mark.parametrize("state", rules.STATES)
@pytest.mark.parametrize("action", rules.ACTIONS)
def test_the_whole_transition_matrix(state, action):
    if (state, action) in ALLOWED:
        assert rules.next_state(state, action) == ALLOWED[(state, action)]
    else:
        with pytest.raises(rules.TransitionRefused) as refused:
            rules.next_state(state, action)
        assert rules.STATE_NAMES[state] in str(refused.value)


def test_working_day_limits_skip_holidays_and_calendar_limits_do_not():
    assert rules.due_date(D(2026, 10, 7), 6, working_days=True, cal=CAL) == D(2026, 10, 16)
    assert rules.due_date(D(2026, 10, 7), 30, working_days=False, cal=CAL) == D(2026, 11, 6)


def test_waiting_for_the_citizen_stops_the_clock():
    # Waited Wed 10/7 → Tue 10/13: Thu, Mon, Tue are 3 working days (Fri 10/9 off).
    assert rules.resume_due(
        D(2026, 10, 16), D(2026, 10, 7), D(2026, 10, 13), working_days=True, cal=CAL
    ) == D(2026, 10, 21)
    assert rules.resume_due(
        D(2026, 11, 6), D(2026, 10, 7), D(2026, 10, 13), working_days=False, cal=CAL
    ) == D(2026, 11, 12)


def test_one_extension_capped_at_the_original_limit():
    assert rules.extended_due(
        D(2026, 10, 16), 6, already_extended=0, limit_days=6, working_days=True, cal=CAL
    ) == D(2026, 10, 26)
    with pytest.raises(rules.ExtensionRefused, match="一次"):
        rules.extended_due(D(2026, 10, 16), 2, already_extended=3, limit_days=6, working_days=True, cal=CAL)
    with pytest.raises(rules.ExtensionRefused, match="1 到 6"):
        rules.extended_due(D(2026, 10, 16), 7, already_extended=0, limit_days=6, working_days=True, cal=CAL)


def test_on_time_rate_counts_open_overdue_cases_against_it():
    assert rules.on_time_rate(90, 100, 0) == Decimal("90.0")
    assert rules.on_time_rate(90, 100, 20) == Decimal("75.0")
    assert rules.on_time_rate(0, 0, 0) is None


def test_percentiles_from_a_histogram():
    histogram = {1: 50, 2: 30, 5: 15, 20: 5}
    assert rules.percentile_from_histogram(histogram, 0.5) == 1
    assert rules.percentile_from_histogram(histogram, 0.9) == 5
    assert rules.percentile_from_histogram({}, 0.5) is None


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("0912-345-678", "0912345678"),
        ("+886 912 345 678", "0912345678"),
        ("(02)2345-6789", "0223456789"),
        ("１９９９", "1999"),
        ("12345", None),
        ("0912-345", None),
        ("call me", None),
    ],
)
def test_phone_numbers(raw, clean):
    assert rules.clean_phone(raw) == clean


def test_emails():
    assert rules.valid_email("lin@mof.gov.tw")
    assert not rules.valid_email("lin@")
    assert not rules.valid_email("<script>@x.tw")


def test_similar_texts_score_high_and_different_ones_low():
    a = "中山路二段的路燈壞了好幾天"
    assert rules.similarity(a, "中山路二段路燈壞了一週") > 0.35
    assert rules.similarity(a, "希望延長戶政服務時間") < 0.1


def test_scrub_removes_contacts_ids_and_names():
    text = "我是王小明，身分證A123456789，電話0912-345-678，信箱 ming@example.tw，住中山路。"
    scrubbed = rules.scrub(text, ["王小明"])
    for secret in ("王小明", "A123456789", "0912-345-678", "ming@example.tw"):
        assert secret not in scrubbed
    assert "中山路" in scrubbed


@pytest.mark.parametrize(
    ("address", "coarse"),
    [
        ("高雄市三民區建工路415號3樓", "高雄市三民區建工路"),
        ("臺北市中正區重慶南路一段122號", "臺北市中正區重慶南路一段"),
        ("新竹縣竹北市光明六路東一段10巷5號", "新竹縣竹北市光明六路東一段"),
        ("花蓮縣秀林鄉某村12鄰", "花蓮縣秀林鄉"),
        ("", ""),
    ],
)
def test_addresses_are_cut_to_the_street(address, coarse):
    assert rules.coarsen_address(address) == coarse


def test_rising_terms_favour_what_grew():
    last = Counter({"路燈": 50, "停車": 50})
    now = Counter({"路燈": 50, "停車": 10, "登革熱": 30})
    rising = rules.rising_terms(now, last)
    assert rising[0][0] == "登革熱"
    assert "停車" not in [term for term, _, ratio in rising if ratio > 1]


def test_topic_terms_are_topics_people_recognise():
    """The demo's rising terms were noise: 務所延長, 問換發, 仍然, 很難 (issue 14)."""
    from servq.cases import topics

    texts = [
        "希望戶政事務所延長週三的服務時間，上班族很難請假辦理。",
        "請問換發身分證需要帶哪些證件？可以線上預約嗎？",
        "中山路二段路燈仍然不亮，已經一週了。",
        "北區民生路人行道常有機車違規停放，行人只能走到車道。",
    ]
    found = {term for text in texts for term in topics.terms(text)}
    assert {"戶政事務所", "服務時間", "換發", "身分證", "路燈", "人行道", "違規停放"} <= found
    assert not found & {"務所延長", "問換發", "仍然", "很難", "政事", "需要", "哪些"}


@pytest.mark.parametrize(
    ("address", "district"),
    [
        ("高雄市三民區建工路415號", "三民區"),
        ("台北市中正區重慶南路一段122號", "中正區"),
        ("北區中山路二段", "北區"),
        ("彰化縣員林市中山路", "員林市"),
        ("新竹縣竹東鎮長春路", "竹東鎮"),
        ("中山路二段100號", ""),
        ("", ""),
    ],
)
def test_the_district_an_address_names(address, district):
    assert rules.district_of(address) == district
