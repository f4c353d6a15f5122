"""Errors a user may meet are pages of the site, in its language: never Django's debug pages."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import include, path

from servq.agencies.access import access

pytestmark = pytest.mark.django_db


@access(public=True)
def broken(request):
    raise RuntimeError("boom")


def undeclared(request):
    return HttpResponse("never")


urlpatterns = [
    path("broken/", broken),
    path("undeclared/", undeclared),
    path("", include("servq.urls")),
]


def test_an_unknown_address_is_the_sites_404_page_in_chinese(client):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "找不到這一頁" in page and 'class="skip-link"' in page and "URLconf" not in page


def test_another_agencys_plan_is_the_same_404(client, agency_tree, user_with_role):
    from tests.factories import PlanFactory

    draft = PlanFactory(agency=agency_tree["moea"], status="draft")
    client.force_login(user_with_role(agency_tree["mof"], "coordinator"))
    response = client.get(f"/plans/{draft.pk}/")
    assert response.status_code == 404 and "找不到這一頁" in response.content.decode()


def test_a_role_that_may_not_use_a_page_sees_the_sites_403_page(client, agency_tree, user_with_role):
    client.force_login(user_with_role(agency_tree["mof"], "coordinator"))
    response = client.get("/audit/")
    assert response.status_code == 403
    assert "沒有權限" in response.content.decode() and 'class="skip-link"' in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_a_view_that_declares_nothing_is_the_403_page(client):
    response = client.get("/undeclared/")
    assert response.status_code == 403 and "沒有權限" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_a_crash_is_the_sites_500_page(client):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "系統發生錯誤" in response.content.decode() and "boom" not in response.content.decode()


def test_an_expired_form_is_explained_not_a_bare_csrf_page(agency_tree):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/cases/track/", {"number": "x", "password": "y"})
    assert response.status_code == 403 and "表單已過期" in response.content.decode()


def test_make_run_serves_with_debug_off_and_static_files_from_the_app():
    """`make run` is SERVQ_ENV=development with no DEBUG set: debug off, WhiteNoise on."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SERVQ_ENV", "DATABASE_URL")}
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.test import Client; "
        "print(settings.DEBUG, settings.WHITENOISE_USE_FINDERS, "
        "Client().get('/static/servq/servq.css').status_code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parent.parent,
        env={**env, "DJANGO_SETTINGS_MODULE": "servq.settings", "SERVQ_ENV": "development"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["False", "True", "200"], result.stderr


def test_the_menu_shows_only_what_the_role_may_open(client, agency_tree, user_with_role):
    """A reviewer's menu led to 403s (案件, 稽核紀錄); each link shown must open."""
    from django.urls import reverse

    client.force_login(user_with_role(agency_tree["mof"], "reviewer"))
    page = client.get("/").content.decode()
    queue, audit = f'href="{reverse("cases:queue")}"', f'href="{reverse("portal:audit")}"'
    assert queue not in page and audit not in page
    client.force_login(user_with_role(agency_tree["root"], "supervisor"))
    page = client.get("/").content.decode()
    assert queue in page and audit in page
    for link in (reverse("cases:queue"), reverse("portal:audit")):
        assert client.get(link).status_code == 200
