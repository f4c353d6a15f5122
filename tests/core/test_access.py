"""Deny by default: every URL declares who may use it, and undeclared views are refused."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, include, path

from servq.agencies.access import access, declared_access


def walk(patterns, prefix="", namespaces=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(
                entry.url_patterns, prefix + str(entry.pattern), (*namespaces, entry.namespace or "")
            )
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback, namespaces


def test_every_url_outside_the_admin_declares_who_may_use_it():
    undeclared = [
        route
        for route, callback, namespaces in walk(get_resolver().url_patterns)
        if "admin" not in namespaces and declared_access(callback) is None
    ]
    routes = [route for route, _, _ in walk(get_resolver().url_patterns)]
    assert len(routes) > 5, "the walker found too few URLs to be meaningful"
    assert undeclared == []


def undeclared_view(request):
    return HttpResponse("should never be served")


@access(public=True)
def declared_view(request):
    return HttpResponse("ok")


urlpatterns = [
    path("undeclared/", undeclared_view),
    path("declared/", declared_view),
    path("", include("servq.urls")),  # the 403 page links home
]


@override_settings(ROOT_URLCONF=__name__)
def test_middleware_refuses_a_view_that_declares_nothing(client):
    assert client.get("/undeclared/").status_code == 403
    assert client.get("/declared/").status_code == 200


def test_access_needs_a_rule():
    with pytest.raises(ValueError):
        access()


@access(roles=["supervisor"])
def supervisors_only(request):
    return HttpResponse("secret")


def test_role_declaration_is_enforced(rf, agency_tree, user_with_role):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/x/")
    request.user = AnonymousUser()
    assert supervisors_only(request).status_code == 302

    from django.core.exceptions import PermissionDenied

    request.user = user_with_role(agency_tree["mof"], "coordinator")
    with pytest.raises(PermissionDenied):
        supervisors_only(request)
    request.user = user_with_role(agency_tree["mof"], "supervisor")
    assert supervisors_only(request).status_code == 200
