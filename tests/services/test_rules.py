"""The catalogue's pure rules: time limits as agencies write them, SOP steps, channels, the flowchart."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servq.services import rules


@pytest.mark.parametrize(
    ("written", "days", "working"),
    [
        ("7個工作天", 7, True),
        ("7 工作日", 7, True),
        ("10日", 10, False),
        ("三十日曆天", 30, False),
        ("十五日內", 15, False),
        ("2週", 14, False),
        ("即時", 1, True),
        ("隨到隨辦", 1, True),
        ("３個工作天", 3, True),
    ],
)
def test_time_limits_as_agencies_write_them(written, days, working):
    assert rules.parse_time_limit(written) == rules.TimeLimit(days, working)


@pytest.mark.parametrize("written", ["", "儘速", "7", "0日", "400日", "7小時", "=1+1"])
def test_a_time_limit_that_does_not_parse_is_refused_with_its_text(written):
    with pytest.raises(rules.BadTimeLimit, match="處理期限"):
        rules.parse_time_limit(written)


@given(st.text(max_size=40))
def test_any_time_limit_text_parses_or_is_refused_never_crashes(text):
    try:
        limit = rules.parse_time_limit(text)
    except rules.BadTimeLimit:
        return
    assert 1 <= limit.days <= 365


def test_steps_with_roles_actions_and_limits():
    steps = rules.parse_steps("櫃檯：受理並檢核文件（即時）→ 承辦人：審查（3個工作天）→ 課長：核定")
    assert steps == [
        rules.Step("櫃檯", "受理並檢核文件", 1),
        rules.Step("承辦人", "審查", 3),
        rules.Step("課長", "核定", None),
    ]
    assert rules.parse_steps(rules.format_steps(steps)) == steps


@pytest.mark.parametrize(
    ("written", "number"), [("受理", 1), ("櫃檯：受理\n：審查", 2), ("櫃檯：受理\n核定", 2)]
)
def test_a_step_with_no_role_is_refused_naming_the_step(written, number):
    with pytest.raises(rules.BadStep, match=f"第 {number} 步.*沒有角色"):
        rules.parse_steps(written)


def test_channels_by_name_or_code_and_what_was_not_understood():
    assert rules.parse_channels("臨櫃、網路, mail 跨區") == (["counter", "online", "mail", "any_office"], [])
    assert rules.parse_channels("臨櫃、飛鴿") == (["counter"], ["飛鴿"])
    assert rules.channel_of("線上") == "online"
    assert rules.channel_of("臨櫃、網路") is None


def test_online_levels_by_number_or_name():
    assert rules.parse_level("4") == rules.FULL
    assert rules.parse_level("線上申辦") == rules.APPLY
    assert rules.parse_level("5") is None


def test_the_flowchart_stacks_a_box_per_step_with_an_arrow_between():
    steps = [rules.Step("櫃檯", "受理" * 20, 1), rules.Step("課長", "核定")]
    boxes, height = rules.flow_layout(steps)
    first, second = boxes
    assert len(first.texts) > len(second.texts), "a long action wraps onto more lines"
    assert first.arrow == (first.y + first.height, second.y - 4)
    assert second.arrow is None
    assert second.y > first.y + first.height and height == second.y + second.height + 10
    assert first.texts[0][1] == "1. 櫃檯"


def test_who_keeps_the_catalogue_and_who_takes_applications():
    from servq.agencies.rules import Grant, Role

    coordinator = [Grant("/ey/mof/", Role.COORDINATOR)]
    clerk = [Grant("/ey/mof/sec/", Role.UNIT_STAFF)]
    assert rules.may_manage_catalogue(coordinator, "/ey/mof/")
    assert not rules.may_manage_catalogue(clerk, "/ey/mof/")
    assert rules.may_take_applications(clerk, "/ey/mof/")
    assert not rules.may_take_applications(clerk, "/ey/moea/")


@pytest.mark.parametrize(
    ("written", "months", "said"),
    [("1個月", 1, "1 個月"), ("三個月", 3, "3 個月"), ("30日", 0, "30 日（日曆天）")],
)
def test_a_limit_in_months_stays_months(written, months, said):
    """Issue 37.6: 「1個月」 was counted as 30 days in services and as a civil month in inspections."""
    limit = rules.parse_time_limit(written)
    assert (limit.months, limit.describe()) == (months, said)
