"""Where the fetcher may connect: public addresses only, checked on the address actually dialled.

Checking a name and then letting the HTTP library resolve it again on connect leaves a gap a
DNS answer can change in (rebinding). The network backend here resolves once per connection,
refuses if any answer is not public, and connects to exactly those addresses; the Host header
and TLS SNI still carry the name, because only the socket's address changes.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable

import httpcore

Resolver = Callable[[str], list[str]]
_Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class RefusedAddressError(Exception):
    """A host resolved to an address we never connect to; the fetcher turns it into
    `UnsafeURLError` with the URL attached."""


def resolve_host(host: str) -> list[str]:
    """Every address `host` stands for; numeric forms (`2130706433`, `0177.0.0.1`) included,
    since the system resolver reads them as IPv4 the same way a connect would."""
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None)})


def refusal(host: str, addresses: Iterable[str]) -> str | None:
    """Why connecting to `host` at these addresses is refused, or None when all are public."""
    found = False
    for address in addresses:
        found = True
        ip = _embedded_ipv4(ipaddress.ip_address(address.split("%", 1)[0]))
        if not ip.is_global or ip.is_multicast:
            return f"refused non-public address {ip} for host {host!r}"
    return None if found else f"no address for host {host!r}"


def _embedded_ipv4(ip: _Address) -> _Address:
    """The IPv4 address an IPv6 form smuggles (`::ffff:10.0.0.1`, NAT64 `64:ff9b::a00:1`)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


class PinnedBackend(httpcore.NetworkBackend):
    """httpcore's sync backend, dialling only addresses that passed `refusal` in this call."""

    def __init__(self, resolve: Resolver, allowed_hosts: Iterable[str]) -> None:
        self._resolve = resolve
        self._allowed = {h.lower() for h in allowed_hosts}
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        name = host.lower().strip("[]")
        try:
            addresses = self._resolve(name)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve host {name!r}: {exc}") from exc
        reason = None if name in self._allowed else refusal(name, addresses)
        if reason:
            raise RefusedAddressError(reason)
        failure: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                failure = exc
        raise failure or httpcore.ConnectError(f"no address for host {name!r}")

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise RefusedAddressError("refused a unix socket connection")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
