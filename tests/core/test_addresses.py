"""The one address policy: no user-supplied URL leads a worker into the operator's network."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from servq.config import env_networks
from servq.core.addresses import AddressPolicy, is_internal, parse_networks


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.0.0.2",
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address under test, not a binding
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1%eth0",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a9fe:a9fe",
        "2002:7f00:0001::",
        "not an address",
    ],
)
def test_internal_addresses_in_every_spelling(address):
    assert is_internal(address)
    assert not AddressPolicy().permits(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "203.66.1.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address):
    assert not is_internal(address)


def test_an_operator_range_admits_exactly_that_range_in_either_spelling():
    policy = AddressPolicy(parse_networks(["10.20.0.0/16"]))
    assert policy.permits("10.20.5.5") and policy.permits("::ffff:10.20.5.5")
    assert not policy.permits("10.21.0.1") and not policy.permits("127.0.0.1")


def test_a_host_name_is_judged_by_what_it_resolves_to():
    assert AddressPolicy().refused_address_of_host("localhost") in ("127.0.0.1", "::1")
    assert AddressPolicy().refused_address_of_host("no-such-host.invalid") is None


def test_a_wrong_range_in_configuration_stops_the_start_naming_it(monkeypatch):
    monkeypatch.setenv("SERVQ_OUTBOUND_ALLOWED_NETWORKS", "10.20.0.0/16, intranet")
    with pytest.raises(ImproperlyConfigured, match=r"SERVQ_OUTBOUND_ALLOWED_NETWORKS.*'intranet'"):
        env_networks("SERVQ_OUTBOUND_ALLOWED_NETWORKS", [])
