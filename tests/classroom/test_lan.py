"""Choosing the LAN address students' browsers connect to, without sending anything."""

from __future__ import annotations

from game.classroom.lan import choose, lan_address, public_url, routed_address, usable


def test_usable_addresses_are_reachable_ipv4_ones() -> None:
    assert usable("192.168.1.20") and usable("10.0.0.5") and usable("172.20.3.4")
    assert usable("9.9.9.9")
    for bad in ("127.0.0.1", "0.0.0.0", "169.254.3.3", "224.0.0.1", "::1", "fe80::1", "", "x"):
        assert not usable(bad), bad


def test_a_private_address_is_preferred() -> None:
    assert choose(["127.0.0.1", "9.9.9.9", "192.168.1.20"]) == "192.168.1.20"
    assert choose(["127.0.0.1", "9.9.9.9"]) == "9.9.9.9"
    assert choose(["127.0.0.1", "169.254.1.1"]) is None
    assert choose([]) is None


def test_the_routed_address_wins_over_the_interfaces() -> None:
    asked: list[str] = []

    def route(target: str) -> str | None:
        asked.append(target)
        return "10.1.2.3" if target.startswith("10.") else None

    assert lan_address(route=route, interfaces=lambda: ["192.168.9.9"]) == "10.1.2.3"
    assert all(t.startswith(("10.", "172.", "192.168.")) for t in asked)  # private probes only


def test_without_a_route_the_interfaces_are_used_then_none() -> None:
    assert lan_address(route=lambda t: None, interfaces=lambda: ["127.0.1.1", "192.168.0.4"]
                       ) == "192.168.0.4"
    assert lan_address(route=lambda t: "127.0.0.1", interfaces=lambda: ["127.0.1.1"]) is None


def test_asking_the_route_sends_nothing_and_never_fails() -> None:
    # A UDP connect() to loopback picks loopback; nothing is sent, no exception escapes.
    assert routed_address("127.0.0.1") == "127.0.0.1"
    assert routed_address("not an address") is None


def test_public_url() -> None:
    assert public_url("192.168.1.20", 8000) == "http://192.168.1.20:8000"
    assert public_url("fd00::5", 8080) == "http://[fd00::5]:8080"
