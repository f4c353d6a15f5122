"""Moving in from the command line: start_body, then import_agencies."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from servq.agencies.models import Agency, Membership
from tests.agencies.test_tree_import import CITY

pytestmark = pytest.mark.django_db


def start_body(**options) -> str:
    out = io.StringIO()
    call_command(
        "start_body",
        name=options.get("name", "新竹縣政府"),
        code=options.get("code", "376440000H"),
        supervisor_email=options.get("email", "Chen@HSINCHU.gov.tw"),
        stdout=out,
    )
    return out.getvalue()


def counts():
    return (Agency.objects.count(), get_user_model().objects.count(), Membership.objects.count())


def test_start_body_makes_the_body_and_its_first_supervisor_with_a_one_time_link(client):
    said = start_body()
    body = Agency.objects.get(code="376440000H")
    user = get_user_model().objects.get(email="chen@hsinchu.gov.tw")
    assert (
        body.kind == "parent_body"
        and Membership.objects.filter(user=user, agency=body, role="supervisor").exists()
    )
    assert not user.has_usable_password()
    link = re.search(r"(/accounts/set-password/\S+/)", said).group(1)
    form = client.get(link, follow=True)
    assert "設定密碼" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": "a-long-Secret-2026", "new_password2": "a-long-Secret-2026"},
        follow=True,
    )
    assert "密碼已設定" in done.content.decode()
    assert client.login(username="chen@hsinchu.gov.tw", password="a-long-Secret-2026")
    client.logout()
    again = client.get(link, follow=True).content.decode()
    assert "已使用過或已過期" in again  # one time only


def test_start_body_again_with_the_same_code_changes_nothing():
    start_body()
    before = counts()
    said = start_body()
    assert counts() == before and "nothing changed" in said


def test_start_body_refuses_a_bad_address_and_writes_nothing():
    with pytest.raises(CommandError, match="not an e-mail address"):
        start_body(email="陳科長")
    assert counts() == (0, 0, 0)


def test_import_agencies_dry_run_then_for_real(tmp_path):
    start_body()
    path = tmp_path / "機關.csv"
    path.write_text(CITY, encoding="utf-8")
    out = io.StringIO()
    call_command("import_agencies", str(path), body="376440000H", dry_run=True, stdout=out)
    assert "would add 4" in out.getvalue() and Agency.objects.count() == 1
    call_command("import_agencies", str(path), body="376440000H", stdout=io.StringIO())
    assert Agency.objects.count() == 5


def test_import_agencies_names_the_bad_line(tmp_path):
    start_body()
    path = tmp_path / "機關.csv"
    path.write_text(CITY + "12,壞代碼,,一級機關\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"機關\.csv 第 6 列：機關代碼「12」"):
        call_command("import_agencies", str(path), body="376440000H", stdout=io.StringIO())
    assert Agency.objects.count() == 1
