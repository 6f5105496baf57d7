"""IP address classes a webhook must not reach, IPv4 embedded in IPv6 included."""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Cloud instance metadata services: the classic SSRF prize. Only an allow-list entry naming
# the exact address opens one, never a wider CIDR (100.64.0.0/10 must not open Alibaba's).
METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
_N = ipaddress.ip_network
# Order matters: the first matching class names the reason.
_BLOCKED: tuple[tuple[IPNetwork, str], ...] = (
    (_N("0.0.0.0/8"), "an unspecified ('this network') address"),
    (_N("127.0.0.0/8"), "a loopback address"),
    (_N("10.0.0.0/8"), "a private address (RFC 1918)"),
    (_N("172.16.0.0/12"), "a private address (RFC 1918)"),
    (_N("192.168.0.0/16"), "a private address (RFC 1918)"),
    (_N("100.64.0.0/10"), "a carrier-grade NAT address (RFC 6598)"),
    (_N("169.254.0.0/16"), "a link-local address"),
    (_N("224.0.0.0/4"), "a multicast address"),
    (_N("240.0.0.0/4"), "a reserved address"),  # includes broadcast 255.255.255.255
    (_N("192.0.0.0/24"), "a reserved address (IETF protocol assignments)"),
    (_N("192.0.2.0/24"), "a reserved documentation address"),
    (_N("198.51.100.0/24"), "a reserved documentation address"),
    (_N("203.0.113.0/24"), "a reserved documentation address"),
    (_N("198.18.0.0/15"), "a reserved benchmarking address"),
    (_N("192.88.99.0/24"), "a reserved address (6to4 relay)"),
    (_N("::/128"), "an unspecified address"),
    (_N("::1/128"), "a loopback address"),
    (_N("fc00::/7"), "a private address (unique local, fc00::/7)"),
    (_N("fe80::/10"), "a link-local address"),
    (_N("ff00::/8"), "a multicast address"),
    (_N("2001::/32"), "a reserved address (Teredo tunnel)"),
    (_N("2001:db8::/32"), "a reserved documentation address"),
    (_N("3fff::/20"), "a reserved documentation address"),
)  # fmt: skip
_GLOBAL_V6 = _N("2000::/3")
_NAT64 = _N("64:ff9b::/96")


def embedded_ipv4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, NAT64, 6to4), else None."""
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr in _NAT64:
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return addr.sixtofour


def is_metadata(addr: IPAddress) -> bool:
    """True for a cloud metadata address, also when wrapped in an IPv6 address."""
    if isinstance(addr, ipaddress.IPv6Address) and (inner := embedded_ipv4(addr)):
        return inner in METADATA
    return addr in METADATA


def classify(addr: IPAddress) -> str | None:
    """Why ``addr`` is not a public unicast address (e.g. "a loopback address"), else None."""
    if addr in METADATA:
        return "a cloud metadata address"
    if isinstance(addr, ipaddress.IPv6Address):
        inner = embedded_ipv4(addr)
        if inner is not None:
            reason = classify(inner)
            return None if reason is None else f"{reason} ({inner}) inside an IPv6 address"
    for network, reason in _BLOCKED:
        if addr.version == network.version and addr in network:
            return reason
    if isinstance(addr, ipaddress.IPv6Address) and addr not in _GLOBAL_V6:
        return "a reserved address (outside global unicast 2000::/3)"
    return None
