"""Open311 GeoReport v2: services, posting with an API key, reading requests, JSON and XML, bad requests;
and schemathesis against the OpenAPI description."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from servq.cases import services
from servq.cases.models import Case
from servq.cases.openapi import SPEC

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_key(body):
    _client, key = services.create_api_client(by=None, name="市民 App", body=body)
    return key


def post(client, key, **fields):
    data = {
        "api_key": key,
        "service_code": "repair",
        "description": "路燈不亮",
        "lat": "25.04",
        "long": "121.51",
        **fields,
    }
    return client.post("/open311/v2/requests.json", data)


def test_services_in_json_and_xml(client, body):
    services_json = client.get("/open311/v2/services.json").json()
    assert {s["service_code"] for s in services_json} == {"petition", "inquiry", "repair", "report"}
    root = ET.fromstring(client.get("/open311/v2/services.xml").content)
    assert root.tag == "services" and len(root.findall("service")) == 4
    assert client.get("/open311/v2/services/repair.json").json() == {
        "service_code": "repair",
        "attributes": [],
    }
    missing = client.get("/open311/v2/services/nope.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


def test_posting_a_request_makes_exactly_one_case(client, api_key):
    response = post(client, api_key, email="ming@example.tw", first_name="小明", last_name="王")
    assert response.status_code == 201
    (created,) = response.json()
    case = Case.objects.get(number=created["service_request_id"])
    assert case.channel == "api" and case.citizen_name == "王 小明"
    assert services.token_matches(case, created["query_password"])
    detail = client.get(f"/open311/v2/requests/{case.number}.json").json()[0]
    assert detail["status"] == "open" and "小明" not in json.dumps(detail, ensure_ascii=False)


def test_json_bodies_are_accepted_too(client, api_key):
    body = {
        "api_key": api_key,
        "service_code": "inquiry",
        "description": "如何申請",
        "address_string": "臺北市中正區",
    }
    response = client.post("/open311/v2/requests.json", json.dumps(body), content_type="application/json")
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"api_key": "wrong"}, 403, "api_key"),
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "unknown"}, 404, "unknown"),
        ({"lat": "", "long": ""}, 400, "address_string"),
        ({"lat": "abc"}, 400, "lat"),
        ({"email": "nope"}, 400, "email"),
        ({"email": "a,b@example.com"}, 400, "email"),
        ({"email": "王小明 <ming@example.tw>"}, 400, "email"),
        ({"description": ""}, 400, "description"),
        ({"description": "x" * 100_001}, 400, "description"),
    ],
)
def test_bad_requests_name_the_problem_and_make_no_case(client, api_key, fields, status, words):
    response = post(client, api_key, **fields)
    assert response.status_code == status
    assert words in response.json()[0]["description"]
    assert not Case.objects.exists()


def test_malformed_json_and_xml_errors(client, api_key):
    response = client.post("/open311/v2/requests.xml", "{not json", content_type="application/json")
    assert response.status_code == 400
    error = ET.fromstring(response.content).find("error")
    assert error.find("code").text == "400" and "JSON" in error.find("description").text


def test_requests_by_filters(client, api_key):
    post(client, api_key)
    post(client, api_key, service_code="inquiry", description="詢問")
    listed = client.get("/open311/v2/requests.json", {"service_code": "inquiry"}).json()
    assert [r["service_code"] for r in listed] == ["inquiry"]
    assert len(client.get("/open311/v2/requests.json", {"status": "open"}).json()) == 2
    assert client.get("/open311/v2/requests.json", {"status": "closed"}).json() == []
    bad = client.get("/open311/v2/requests.json", {"start_date": "yesterday"})
    assert bad.status_code == 400 and "start_date" in bad.json()[0]["description"]


@pytest.mark.parametrize("depth", [2, 50, 100_000])
def test_nested_json_is_refused_with_a_message_not_a_500(client, api_key, depth):
    nested = "[" * depth + "]" * depth
    body = f'{{"api_key": "{api_key}", "service_code": "repair", "description": {nested}}}'
    response = client.post("/open311/v2/requests.json", body, content_type="application/json")
    assert response.status_code == 400 and "JSON" in response.json()[0]["description"]
    assert not Case.objects.exists()


def test_brackets_inside_strings_are_text_not_nesting(client, api_key):
    body = {"api_key": api_key, "service_code": "inquiry", "description": 'a "[[{{" b', "address_string": "x"}
    response = client.post("/open311/v2/requests.json", json.dumps(body), content_type="application/json")
    assert response.status_code == 201


def test_a_wrong_key_in_the_query_is_refused_before_the_body_is_read(client, body):
    nested = "[" * 100_000 + "]" * 100_000
    response = client.post("/open311/v2/requests.json?api_key=wrong", nested, content_type="application/json")
    assert response.status_code == 403


def test_an_oversized_body_is_refused(client, api_key):
    body = json.dumps({"api_key": api_key, "service_code": "repair", "description": "x" * (1024 * 1024)})
    response = client.post("/open311/v2/requests.json", body, content_type="application/json")
    assert response.status_code == 413
    assert not Case.objects.exists()


open311_schema = schemathesis.openapi.from_dict(SPEC)


@pytest.mark.django_db(transaction=True)
@open311_schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_conforms_to_its_openapi_description(case, live_server, body):
    # A real key goes into every generated POST, so the fuzzing reaches past the key check into the
    # parsing and the case services. An unknown service code is valid by the schema and rightly
    # refused (404), so the check that every schema-valid request succeeds does not apply.
    if case.method == "POST" and isinstance(case.body, dict):
        _client, key = services.create_api_client(by=None, name="fuzz", body=body)
        case.body["api_key"] = key
    case.call_and_validate(base_url=live_server.url, excluded_checks=[positive_data_acceptance])


def test_xml_booleans_are_xml_schemas_not_pythons(client, body):
    """Issue 36.7: <metadata>False</metadata> is not an xs:boolean."""
    root = ET.fromstring(client.get("/open311/v2/services.xml").content)
    values = {element.text for service in root.findall("service") for element in service.iter("metadata")}
    assert values and values <= {"true", "false"}


def test_applications_for_a_service_are_not_listed_as_service_requests(client, body, api_key):
    """Issue 36.7: requests.json listed a service code services.json did not define (an application
    for a permit), and a person's application is not public."""
    from servq.cases.models import Case, CaseCategory

    post(client, api_key)
    post(client, api_key, description="人行道破損")
    permit = CaseCategory.objects.create(
        body=body, code="svc-road-dig", name="道路挖掘申請", kind="application", limit_days=10, agency=body
    )
    Case.objects.filter(pk=Case.objects.order_by("pk").last().pk).update(category=permit)
    listed = client.get("/open311/v2/requests.json").json()
    defined = {s["service_code"] for s in client.get("/open311/v2/services.json").json()}
    assert len(listed) == 1 and {r["service_code"] for r in listed} <= defined
