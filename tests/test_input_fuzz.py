"""No query string makes a server error: every page reachable by GET without arguments, fuzzed
with hypothesis over the parameters servq's views read (NUL bytes, numbers out of range, scripts,
full-width digits, very long text), signed out and as a supervisor. And one rule for what cannot be
stored: a NUL or a lone surrogate, in a query, a form body or JSON, is a 400 that names it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servq.agencies.rules import Role

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.django_db


def parameters_read_by_views() -> list[str]:
    """Every query parameter a view reads by name, taken from the code so a new one is fuzzed too."""
    pattern = re.compile(r'(?:GET\.get|GET\.getlist|chosen\(request, [a-z_]+,)\(?"([a-z_]+)"')
    names = {name for path in (ROOT / "servq").rglob("*.py") for name in pattern.findall(path.read_text())}
    return sorted(names | {"q", "page", "year", "agency", "format", "next"})


def pages_without_arguments() -> list[str]:
    found: list[str] = []

    def walk(resolvers, prefix: str) -> None:
        for entry in resolvers:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern) and "<" not in route and "(?P" not in route:
                found.append("/" + prefix + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    return sorted(path for path in set(found) if not path.startswith(("/admin/", "/accounts/logout")))


NASTY = [
    "\x00",
    "a\x00b",
    "-1",
    "0",
    "99999999999999999999999",
    "２０２６",
    "1e9",
    "NaN",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%",
    "_",
    "\\",
    "𠀀" * 50,
    "x" * 5000,
    "0001-01",
    "9999-99-99",
    "//evil.example/",
    "javascript:alert(1)",
]
values = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))
queries = st.dictionaries(st.sampled_from(parameters_read_by_views()), values, min_size=1, max_size=4)


@pytest.fixture
def supervisor(agency_tree, user_with_role):
    return user_with_role(agency_tree["root"], Role.SUPERVISOR)


@pytest.mark.parametrize("path", pages_without_arguments())
@pytest.mark.parametrize("who", ["signed out", "supervisor"])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries)
def test_no_query_string_makes_a_server_error(client, supervisor, path, who, query):
    if who == "supervisor":
        client.force_login(supervisor)
    response = client.get(path, query)
    assert response.status_code < 500, (path, query)


@pytest.mark.parametrize("path", ["/faq/", "/opendata/", "/services/", "/audit/"])
def test_a_nul_in_a_query_is_refused_by_name(client, path):
    response = client.get(path + "?q=%00&agency=%00")
    assert response.status_code == 400
    assert "'q'" in response.text and "NUL" in response.text


def test_apis_refuse_a_nul_in_their_own_error_format(client):
    ckan = client.get("/opendata/api/3/action/package_search?q=%00")
    assert ckan.status_code == 409
    assert ckan.json()["success"] is False and "'q'" in ckan.json()["error"]["message"]
    open311 = client.get("/open311/v2/requests.json?service_code=%00")
    assert open311.status_code == 400
    assert open311.json()[0]["code"] == 400 and "service_code" in open311.json()[0]["description"]


def test_a_nul_in_a_form_body_is_refused_by_name(client):
    response = client.post(
        "/accounts/login/", "username=a%00b&password=x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "'username'" in response.text


def test_a_lone_surrogate_in_json_is_refused_naming_the_field():
    from servq.core.inputs import UnusableText, parse_json

    with pytest.raises(UnusableText, match=r"counts\[1\]\.agency"):
        parse_json('{"counts": [{"agency": "ok"}, {"agency": "\\ud800"}]}')
    with pytest.raises(UnusableText, match="api_key"):
        parse_json('{"api_key": "\\ud800"}')
    assert parse_json('{"text": "王小明 😀"}') == {"text": "王小明 😀"}


def test_open311_refuses_a_lone_surrogate_with_a_400(client):
    body = json.dumps({"api_key": "\ud800", "service_code": "x", "description": "路燈不亮"})
    response = client.post("/open311/v2/requests.json", body, content_type="application/json")
    assert response.status_code == 400
    assert "api_key" in response.text
