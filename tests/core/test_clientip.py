"""Rate limits count the real client behind the operator's proxies, and a client cannot pick its bucket."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.test import RequestFactory

from servq.core.clientip import client_ip


def request_from(remote: str, forwarded: str = ""):
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.SERVQ_TRUSTED_PROXY_HOPS, settings.SERVQ_TRUSTED_PROXIES = 0, []
    assert client_ip(request_from("203.66.1.1", "1.2.3.4")) == "203.66.1.1"


def test_one_proxy_hop_takes_the_address_the_proxy_saw_not_what_the_client_wrote(settings):
    settings.SERVQ_TRUSTED_PROXY_HOPS, settings.SERVQ_TRUSTED_PROXIES = 1, []
    assert client_ip(request_from("10.0.0.2", "203.66.1.1")) == "203.66.1.1"
    spoofed = request_from("10.0.0.2", "6.6.6.6, 203.66.1.1")  # the client wrote 6.6.6.6 itself
    assert client_ip(spoofed) == "203.66.1.1"
    assert client_ip(request_from("10.0.0.2")) == "10.0.0.2"  # no header: the proxy itself


@pytest.mark.parametrize("written", ["203.66.1.1:51234", "[2001:db8::7]:443", '"203.66.1.1"'])
def test_a_proxy_entry_with_a_port_or_quotes_is_still_the_hop(settings, written):
    settings.SERVQ_TRUSTED_PROXY_HOPS, settings.SERVQ_TRUSTED_PROXIES = 1, []
    seen = "2001:db8::7" if "2001" in written else "203.66.1.1"
    # The client wrote 6.6.6.6; the proxy appended what it saw, with a port: that is the client.
    assert client_ip(request_from("10.0.0.2", f"6.6.6.6, {written}")) == seen


def test_an_unparsable_hop_counts_as_a_hop_and_never_yields_the_clients_text(settings):
    settings.SERVQ_TRUSTED_PROXY_HOPS, settings.SERVQ_TRUSTED_PROXIES = 1, []
    assert client_ip(request_from("10.0.0.2", "6.6.6.6, unknown")) == "10.0.0.2"
    settings.SERVQ_TRUSTED_PROXY_HOPS = 2
    assert client_ip(request_from("10.0.0.2", "6.6.6.6, 203.66.1.1, _hidden")) == "203.66.1.1"


def test_trusted_networks_are_skipped_from_the_right(settings):
    settings.SERVQ_TRUSTED_PROXY_HOPS, settings.SERVQ_TRUSTED_PROXIES = 0, ["10.0.0.0/8"]
    assert client_ip(request_from("10.0.0.2", "6.6.6.6, 203.66.1.1, 10.0.0.9")) == "203.66.1.1"
    assert client_ip(request_from("198.51.100.7", "6.6.6.6")) == "198.51.100.7"  # not via our proxy
    assert client_ip(request_from("10.0.0.2", "garbage, 203.66.1.1")) == "203.66.1.1"


def test_two_citizens_behind_the_proxy_have_their_own_limits(client, settings, body):
    settings.SERVQ_TRUSTED_PROXY_HOPS = 1
    form = {"category": "petition", "description": "希望延長服務時間", "privacy": "on"}
    for _ in range(5):
        client.post("/cases/new/", form, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.66.1.1")
    limited = client.post("/cases/new/", form, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.66.1.1")
    assert limited.status_code == 429
    other = client.post("/cases/new/", form, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.66.1.2")
    assert other.status_code != 429
    spoof = client.post(
        "/cases/new/", form, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.66.1.1"
    )
    assert spoof.status_code == 429


def test_a_per_process_cache_in_production_is_a_deploy_warning(settings):
    settings.PRODUCTION = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "servq.W001" in [m.id for m in run_checks(include_deployment_checks=True)]
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}
    }
    assert "servq.W001" not in [m.id for m in run_checks(include_deployment_checks=True)]


@pytest.fixture
def body(agency_tree):
    from servq.cases.models import CaseCategory
    from servq.cases.services import load_default_categories

    load_default_categories(by=None, body=agency_tree["root"])
    CaseCategory.objects.filter(body=agency_tree["root"]).update(agency=agency_tree["mof"])
    return agency_tree["root"]
