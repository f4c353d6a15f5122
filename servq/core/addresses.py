"""The one address policy for every outgoing fetch (website checks, the accessibility browser, and
any later module that fetches a URL a user typed).

A user-supplied URL must not lead servq's workers into the operator's own network: private,
loopback, link-local, shared, reserved, multicast and unspecified addresses are refused, including
IPv4 addresses written as IPv6 (``::ffff:127.0.0.1``) and NAT64/6to4 wrappings. An operator may
allow named ranges (``SERVQ_OUTBOUND_ALLOWED_NETWORKS``), for an intranet site they mean to check.
No Django here: callers pass the allowed networks.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(texts: Iterable[str]) -> tuple[IPNetwork, ...]:
    """CIDR ranges from configuration; a wrong one raises ValueError naming it."""
    networks = []
    for text in texts:
        try:
            networks.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError as error:
            raise ValueError(f"{text!r} is not a network in CIDR form (e.g. 10.20.0.0/16): {error}") from None
    return tuple(networks)


def unwrap(address: IPAddress) -> IPAddress:
    """The IPv4 address inside an IPv4-mapped, 6to4 or NAT64 IPv6 address; else the address itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in ipaddress.IPv6Network("64:ff9b::/96"):
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def is_internal(text: str) -> bool:
    """True for any address that is not a public unicast one (and for anything that is not an address)."""
    try:
        address = unwrap(ipaddress.ip_address(text.split("%", 1)[0]))
    except ValueError:
        return True
    return not address.is_global or address.is_multicast


@dataclass(frozen=True)
class AddressPolicy:
    allowed: tuple[IPNetwork, ...] = field(default_factory=tuple)

    def permits(self, text: str) -> bool:
        if not is_internal(text):
            return True
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            return False
        candidates = {address, unwrap(address)}
        return any(candidate in network for candidate in candidates for network in self.allowed)

    def first_refused(self, addresses: Iterable[str]) -> str | None:
        return next((address for address in addresses if not self.permits(address)), None)

    def refusal_for_addresses(self, host: str, addresses: Iterable[str]) -> str | None:
        refused = self.first_refused(addresses)
        if refused is None:
            return None
        return f"refused: {host} is a private or loopback address ({refused})"

    def refused_address_of_host(self, host: str) -> str | None:
        """The internal address ``host`` resolves to, or None. A host that does not resolve is not
        refused here (the fetch reports it): the policy is about where a connection would go."""
        try:
            infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError, OSError):
            return None
        return self.first_refused(str(info[4][0]) for info in infos)
