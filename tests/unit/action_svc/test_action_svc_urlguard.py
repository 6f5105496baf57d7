"""SSRF policy: every refused address class, the allow list, and URL syntax."""

from __future__ import annotations

import ipaddress

import pytest

from action_svc.domain.urlguard import (
    AllowList,
    check_addresses,
    check_url_syntax,
    classify,
    parse_allow_list,
    vet,
)

NONE = AllowList()


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private address (RFC 1918)"),
        ("172.16.0.1", "private address (RFC 1918)"),
        ("172.31.255.255", "private address (RFC 1918)"),
        ("192.168.1.10", "private address (RFC 1918)"),
        ("fc00::1", "unique local"),
        ("fd12:3456:789a::1", "unique local"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("100.127.255.254", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"),
        ("0.1.2.3", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("192.0.2.5", "documentation"),
        ("198.51.100.7", "documentation"),
        ("203.0.113.9", "documentation"),
        ("2001:db8::1", "documentation"),
        ("198.18.0.1", "benchmarking"),
        ("192.0.0.8", "IETF protocol"),
        ("2001::1", "Teredo"),
        ("fec0::1", "outside global unicast"),
        ("::127.0.0.1", "outside global unicast"),  # deprecated IPv4-compatible
        ("100::1", "outside global unicast"),  # discard prefix
        ("::ffff:127.0.0.1", "loopback address (127.0.0.1) inside an IPv6 address"),
        ("::ffff:10.0.0.1", "private address (RFC 1918) (10.0.0.1) inside"),
        ("::ffff:169.254.169.254", "cloud metadata"),
        ("64:ff9b::a9fe:a9fe", "cloud metadata address (169.254.169.254) inside"),  # NAT64
        ("2002:7f00:1::", "loopback address (127.0.0.1) inside"),  # 6to4
    ],
)
def test_refused_classes(address: str, reason: str) -> None:
    found = classify(ipaddress.ip_address(address))
    assert found is not None and reason in found, found
    refusal = check_addresses("hooks.example.com", [address], NONE)
    assert refusal is not None and reason in refusal
    assert "hooks.example.com resolves to" in refusal and "allow list" in refusal


@pytest.mark.parametrize(
    "address",
    ["93.184.216.34", "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "11.0.0.1",
     "2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8", "64:ff9b::808:808"],
)  # fmt: skip
def test_public_addresses_pass(address: str) -> None:
    assert classify(ipaddress.ip_address(address)) is None
    verdict = vet("hooks.example.com", [address], NONE)
    assert verdict.ok and verdict.address == address


def test_every_resolved_address_must_pass() -> None:
    # DNS answers with one public and one internal address: refuse (the client might pick either).
    refusal = check_addresses("rebind.example", ["8.8.8.8", "10.0.0.5"], NONE)
    assert refusal is not None and "10.0.0.5" in refusal
    assert (
        check_addresses("nothing.example", [], NONE)
        == "nothing.example did not resolve to any address"
    )
    assert "not an IP address" in (check_addresses("x.example", ["nonsense"], NONE) or "")
    assert "link-local" in (check_addresses("x.example", ["fe80::1%eth0"], NONE) or "")


def test_allow_list_by_network_and_by_name() -> None:
    allow = parse_allow_list("localhost, 127.0.0.1/32,10.0.0.0/8 hooks.internal.  fd00::/8")
    assert allow.hosts == frozenset({"localhost", "hooks.internal"})
    assert check_addresses("svc.example", ["10.2.3.4"], allow) is None
    assert check_addresses("svc.example", ["::ffff:10.2.3.4"], allow) is None
    assert check_addresses("svc.example", ["127.0.0.1"], allow) is None
    assert check_addresses("svc.example", ["127.0.0.2"], allow) is not None
    assert check_addresses("svc.example", ["192.168.0.1"], allow) is not None
    # A named host is trusted whatever it resolves to ...
    assert check_addresses("HOOKS.internal.", ["192.168.0.1", "::1"], allow) is None
    # ... except cloud metadata, which only an exact entry opens.
    for metadata in ("169.254.169.254", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe"):
        assert "metadata" in (check_addresses("hooks.internal", [metadata], allow) or "")
    assert check_addresses("x", ["fd00:ec2::254"], allow) is not None  # fd00::/8 is not exact


def test_metadata_needs_an_exact_entry() -> None:
    wide = parse_allow_list("100.64.0.0/10")
    assert check_addresses("x.example", ["100.64.1.1"], wide) is None
    assert check_addresses("x.example", ["100.100.100.200"], wide) is not None
    mapped = parse_allow_list("::ffff:0:0/96")
    assert check_addresses("x.example", ["::ffff:100.100.100.200"], mapped) is not None
    assert check_addresses("x.example", ["::ffff:10.0.0.1"], mapped) is None
    exact = parse_allow_list("100.100.100.200")
    assert check_addresses("x.example", ["100.100.100.200"], exact) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10.0.0.1/8", "has host bits set"),
        ("300.1.1.1", "not an IP address or CIDR"),
        ("10.0.0.0/33", "not an IP address or CIDR"),
        ("bad host!", "neither a host name"),
        ("-dash.example", "neither a host name"),
    ],
)
def test_allow_list_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        parse_allow_list(text)
    assert "webhook allow list" in str(info.value)


def test_empty_allow_list() -> None:
    assert parse_allow_list("") == AllowList()
    assert parse_allow_list(None) == AllowList()
    assert parse_allow_list(" , ,") == AllowList()


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/players?x=1",
        "http://hooks.example.com:8080/",
        "https://93.184.216.34/x",
        "https://[2606:4700::1111]/x",
        "http://localhost:9000/hook",  # syntax only: the address check refuses it later
    ],
)
def test_url_syntax_ok(url: str) -> None:
    assert check_url_syntax(url) is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://hooks.example.com/", "http:// or https://"),
        ("hooks.example.com/x", "http:// or https://"),
        ("file:///etc/passwd", "http:// or https://"),
        ("https://user:pw@hooks.example.com/", "credentials"),
        ("https://user@hooks.example.com/", "credentials"),
        ("https:///x", "no host"),
        ("https://hooks.example.com:99999/", "cannot be parsed"),
        ("https://hooks.example.com:0/", "port"),
        ("https://hooks example.com/", "whitespace"),
        ("https://hooks.example.com/\r\nX: y", "whitespace"),
        ("https://hooks.example.com\\@evil.example/", "backslashes"),
        ("https://hööks.example/", "ASCII"),
        ("https://2130706433/", "four decimal numbers"),
        ("https://127.1/", "four decimal numbers"),
        ("https://0x7f.0.0.1/", "four decimal numbers"),
        ("https://017.0.0.1/", "four decimal numbers"),
        ("https://[::1/", "cannot be parsed"),
        ("https://bad_host.example/", "not a valid host name"),
        ("https://" + "a" * 2100 + ".example/", "longer than 2048"),
    ],
)
def test_url_syntax_refused(url: str, message: str) -> None:
    reason = check_url_syntax(url)
    assert reason is not None and message in reason, reason
