"""What waits for unit staff in cases (cases/todos.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_unit_staff_see_a_case_assigned_to_their_unit_at_once(
    client, agency_tree, user_with_role, staff_with_a_case
):
    """Issue 33.10: unit staff were shown new cases only once they neared their limit."""
    staff, case = staff_with_a_case
    client.force_login(staff)
    home = client.get("/").content.decode()
    assert "新分派給本單位的案件" in home and case.number in home
