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


def test_a_case_the_citizen_supplied_waits_on_the_handlers_home_until_taken_up(
    client, agency_tree, user_with_role, staff_with_a_case
):
    """Issue 33.8: a citizen's 補正 came back to nobody."""
    from servq.cases import services

    staff, case = staff_with_a_case
    case = services.start(by=staff, case=case)
    case = services.ask_citizen(by=staff, case=case, question="請附照片")
    services.supplement(case=case, text="照片如附")
    client.force_login(staff)
    home = client.get("/").content.decode()
    assert "民眾已補正的案件" in home and case.number in home
    services.ask_citizen(by=staff, case=case, question="請再附一張")
    assert "民眾已補正的案件" not in client.get("/").content.decode()
