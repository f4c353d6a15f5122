"""One refusal type, turned into a message in one place: never a 500 for a refused write."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from servq.agencies.access import access
from servq.core.errors import ServiceError
from servq.core.refusals import refusals_to
from servq.plans.rules import TransitionRefused, check_transition


class DemoError(ServiceError):
    pass


@access(public=True)
@refusals_to("back", pk="pk")
def refused_with_a_target(request, pk):
    raise DemoError("第3項沒有完成期限。", "deadline_raw")


@access(public=True)
def refused_anywhere(request):
    raise TransitionRefused("計畫目前的狀態不能「核定」。")


@access(public=True)
def back(request, pk):
    return HttpResponse("back")


urlpatterns = [
    path("refuse/<int:pk>/", refused_with_a_target),
    path("anywhere/", refused_anywhere),
    path("back/<int:pk>/", back, name="back"),
]


@override_settings(ROOT_URLCONF=__name__)
def test_a_declared_target_gets_the_message(client):
    response = client.post("/refuse/7/")
    assert response.status_code == 302 and response["Location"] == "/back/7/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["第3項沒有完成期限。"]


@override_settings(ROOT_URLCONF=__name__)
def test_an_unhandled_refusal_goes_back_to_the_page_it_came_from(client):
    response = client.post("/anywhere/", HTTP_REFERER="http://testserver/back/1/")
    assert response.status_code == 302 and response["Location"] == "http://testserver/back/1/"
    assert "不能「核定」" in str(next(iter(get_messages(response.wsgi_request))))
    offsite = client.post("/anywhere/", HTTP_REFERER="https://evil.example/")
    assert offsite["Location"] == "/"


def test_every_apps_refusal_is_a_service_error():
    from servq.cases.services import CaseError
    from servq.plans.services import PlanError
    from servq.reporting.services import ReportingError
    from servq.webcheck.services import SiteError

    for error in (CaseError, PlanError, ReportingError, SiteError, TransitionRefused):
        assert issubclass(error, ServiceError)
    with pytest.raises(ServiceError):
        check_transition("approve", "draft", frozenset({"author"}))
    with pytest.raises(CaseError) as raised:
        CaseError.require(False, "電話不是有效的號碼。", "phone")
    assert raised.value.field == "phone"
