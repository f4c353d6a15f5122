from decimal import Decimal

import pytest

from servq.core.templatetags.numbers import amount


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("83.30"), "83.3"),
        (Decimal("1440.00"), "1,440"),
        (Decimal("0.05"), "0.05"),
        (7, "7"),
        (None, ""),
    ],
)
def test_amounts_drop_trailing_zeros_and_group_thousands(value, shown):
    assert amount(value) == shown
