"""Webhook SSRF policy, pure: which URLs and resolved addresses action-svc may call.

The adapter resolves the host itself (getaddrinfo), passes ALL resolved addresses to
``vet`` and connects to the returned ``Verdict.address``, never re-resolving the name: a
second lookup could return a different answer (DNS rebinding). It must not follow redirects,
which would bypass this check; a redirect is a failed delivery.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from action_svc.domain.addresses import (
    METADATA,
    IPAddress,
    IPNetwork,
    classify,
    embedded_ipv4,
    is_metadata,
)

__all__ = [
    "MAX_URL_LENGTH", "METADATA", "AllowList", "IPAddress", "IPNetwork", "Verdict",
    "check_addresses", "check_url_syntax", "classify", "embedded_ipv4", "is_metadata",
    "parse_allow_list", "vet",
]  # fmt: skip

MAX_URL_LENGTH = 2048
_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


@dataclass(frozen=True, slots=True)
class AllowList:
    """Hosts and networks the operator trusts despite the policy (internal webhooks)."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = field(default_factory=tuple)

    def names(self, host: str) -> bool:
        """True when ``host`` is listed by name (case and a trailing dot ignored)."""
        return _norm_host(host) in self.hosts

    def covers(self, addr: IPAddress) -> bool:
        """True when a listed network contains ``addr`` (metadata: only an exact entry)."""
        candidates = [addr]
        if isinstance(addr, ipaddress.IPv6Address) and (inner := embedded_ipv4(addr)):
            candidates.append(inner)
        for a in candidates:
            for net in self.networks:
                exact = net.num_addresses == 1
                if a.version == net.version and a in net and (exact or not is_metadata(addr)):
                    return True
        return False


def _norm_host(host: str) -> str:
    return host.strip().rstrip(".").lower().strip("[]")


def parse_allow_list(text: str | None) -> AllowList:
    """An AllowList from "host, 10.0.0.0/8, 127.0.0.1"; raises ValueError naming a bad entry."""
    hosts: set[str] = set()
    networks: list[IPNetwork] = []
    for raw in re.split(r"[,\s]+", text or ""):
        entry = _norm_host(raw)
        if not entry:
            continue
        if "/" in entry or ":" in entry or entry.replace(".", "").isdigit():
            try:
                networks.append(ipaddress.ip_network(entry, strict=True))
            except ValueError as exc:
                raise ValueError(
                    f"webhook allow list: {raw!r} is not an IP address or CIDR ({exc}); "
                    "e.g. 10.0.0.0/8 or 127.0.0.1"
                ) from None
        elif all(_HOST_LABEL.match(label) for label in entry.split(".")):
            hosts.add(entry)
        else:
            raise ValueError(
                f"webhook allow list: {raw!r} is neither a host name nor an IP address or CIDR"
            )
    return AllowList(frozenset(hosts), tuple(networks))


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of vetting: the address to connect to, or why the call is refused."""

    address: str | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.reason is None


def vet(url_host: str, addresses: list[str], allow: AllowList) -> Verdict:
    """Refuse unless EVERY resolved address is public or allowed; else the first to use."""
    if not addresses:
        return Verdict(None, f"{url_host} did not resolve to any address")
    named = allow.names(url_host)
    for text in addresses:
        try:
            addr = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            return Verdict(None, f"{url_host} resolved to {text!r}, which is not an IP address")
        reason = classify(addr)
        if reason is None or allow.covers(addr) or (named and not is_metadata(addr)):
            continue
        return Verdict(
            None,
            f"{url_host} resolves to {addr}, {reason}; webhooks may only call public "
            "addresses unless the webhook allow list names the host or covers the address",
        )
    return Verdict(addresses[0], None)


def check_addresses(url_host: str, addresses: list[str], allow: AllowList) -> str | None:
    """Why calling ``url_host`` at ``addresses`` is refused, or None when allowed."""
    return vet(url_host, addresses, allow).reason


def check_url_syntax(url: str) -> str | None:
    """Why ``url`` is not an acceptable webhook URL, or None (no network access here)."""
    if len(url) > MAX_URL_LENGTH:
        return f"the URL is longer than {MAX_URL_LENGTH} characters"
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url) or "\\" in url:
        return "the URL contains whitespace, control characters or backslashes"
    if not url.isascii():
        return "the URL must be ASCII: percent-encode the path and use the punycode host name"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"the URL cannot be parsed: {exc}"
    if parts.scheme.lower() not in ("http", "https"):
        return f"the URL must start with http:// or https://, not {parts.scheme or 'nothing'!r}"
    if parts.username is not None or parts.password is not None:
        return "the URL must not carry credentials (user:password@); send them in a header"
    host = parts.hostname
    if not host:
        return "the URL has no host, e.g. https://hooks.example.com/players"
    if port == 0:
        return "the URL's port must be between 1 and 65535"
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return f"{host!r} is not a valid IPv6 address"
        return None
    labels = host.rstrip(".").split(".")
    # Like browsers, resolvers read a numeric last label as IPv4 (127.1, 0x7f.1, 2130706433):
    # only the canonical dotted quad is accepted, so the host says what it is.
    if re.fullmatch(r"(0x[0-9a-f]*|\d+)", labels[-1]):
        try:
            ipaddress.IPv4Address(host.rstrip("."))
        except ValueError:
            return f"{host!r} is not a valid host: write IPv4 addresses as four decimal numbers"
        return None
    if not all(_HOST_LABEL.match(label) for label in labels):
        return f"{host!r} is not a valid host name"
    return None
