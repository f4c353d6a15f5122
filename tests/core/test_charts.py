"""Chart geometry (servq.core.charts): pure, so tested without a page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from servq.core import charts


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (7, 10), (12, 20), (240, 250), (1440, 2000), (96.5, 100)]
)
def test_the_axis_top_is_a_round_number_at_or_above_the_largest_value(value, top):
    assert charts.nice_ceiling(value) == top


def test_columns_stack_in_order_and_the_tallest_fills_the_plot():
    chart = charts.columns("每月收件數", ["115/1", "115/2"], {"陳情": [3, 0], "報修": [1, 5]})
    first, second, third = chart.rects  # the zero value draws nothing
    assert (first.title, second.title, third.title) == ("115/1 陳情：3", "115/1 報修：1", "115/2 報修：5")
    assert second.y + second.height == pytest.approx(first.y)  # 報修 sits on top of 陳情
    assert third.y == pytest.approx(charts.TOP) and third.height == pytest.approx(
        charts.HEIGHT - charts.TOP - charts.BOTTOM
    )
    assert [name for _, name in chart.legend] == ["陳情", "報修"]


def test_lines_skip_missing_values_and_accept_decimals():
    chart = charts.lines(
        "如期結案率", ["1", "2", "3"], {"率": [Decimal("50"), None, Decimal("100")]}, top=100, suffix="%"
    )
    (line,) = chart.lines
    assert [title for _, _, title in line.dots] == ["1 率：50%", "3 率：100%"]
    assert line.dots[1][1] == pytest.approx(charts.TOP)
    assert chart.y_ticks[-1].text == "100%"


def test_a_chart_without_values_is_empty_and_is_not_drawn():
    assert charts.columns("空", [], {"x": []}).empty
    assert charts.lines("空", ["1"], {"x": [None]}).empty
