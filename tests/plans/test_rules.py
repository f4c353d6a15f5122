"""Pure plan rules."""

from __future__ import annotations


def test_a_copied_deadline_moves_on_its_roc_years():
    from servq.plans.rules import shift_roc_years

    assert shift_roc_years("106年12月", 1) == "107年12月"
    assert shift_roc_years("104-107年完成開放資料集累計", 1) == "105-108年完成開放資料集累計"
    assert shift_roc_years("115年度內", 2) == "117年度內"
    for unchanged in ("經常辦理", "每年1月底前", "1個月", "2026年12月", "每季"):
        assert shift_roc_years(unchanged, 1) == unchanged
