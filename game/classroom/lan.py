"""The address students' browsers use to reach the teacher's computer.

Found without sending anything: ``connect()`` on a UDP socket only asks the
operating system which interface would route to an address, and no packet
leaves the machine. The probes are private addresses, so even that question
is about the local network, never the internet. Interfaces listed for the
host name are the fallback.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable

PROBES = ("10.255.255.255", "172.31.255.255", "192.168.255.255")
"""Private addresses (one per private range) asked about, never sent to."""


def usable(address: str) -> bool:
    """An IPv4 address other machines could reach: not loopback, unspecified or link-local."""
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_unspecified or ip.is_link_local or ip.is_multicast)


def choose(candidates: Iterable[str]) -> str | None:
    """The best LAN address among candidates: a private one first, else any usable one."""
    found = [a for a in dict.fromkeys(candidates) if usable(a)]
    private = [a for a in found if ipaddress.IPv4Address(a).is_private]
    return (private or found or [None])[0]


def routed_address(target: str) -> str | None:
    """The local address the system would use to reach ``target`` (nothing is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((target, 9))  # UDP: connect() picks a route, sends no packet
            return probe.getsockname()[0]
    except OSError:
        return None


def interface_addresses() -> list[str]:
    """The IPv4 addresses the host name resolves to locally (hosts file, no DNS query
    for an unknown name beyond what the system already does to start any server)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return [info[4][0] for info in infos]


def lan_address(probes: Iterable[str] = PROBES,
                route: Callable[[str], str | None] = routed_address,
                interfaces: Callable[[], list[str]] = interface_addresses) -> str | None:
    """The teacher's LAN address, or None when the computer is on no network."""
    routed = [address for address in (route(p) for p in probes) if address]
    return choose(routed) or choose(interfaces())


def public_url(host: str, port: int) -> str:
    """The address to give the class (an IPv6 address goes in brackets)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"
