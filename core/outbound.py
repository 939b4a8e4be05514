"""One address policy for every outbound call the service makes on its own: job pages a user
links to (jobs.fetch), alert webhooks (usage.alerts.channels) and the provider base URLs that
staff enter and "Test now" calls (orchestrator).

The policy: a host is resolved once; if any of its addresses is loopback, private, link-local,
a cloud metadata address, multicast, reserved, or a NAT64 / 6to4 / Teredo / IPv4-mapped wrapper
around one of those, it is refused, unless the caller's allow-list names it. The connection then
goes to exactly the addresses that were checked (`PinnedBackend`): no second DNS lookup, so a
name cannot be rebound to an internal address between the check and the connect.

Why httpcore with our own network backend: httpcore asks its backend for a TCP connection and
does TLS itself with ``server_hostname`` set to the URL's host, so a backend that dials the
checked address keeps the Host header, SNI and certificate checks on the real name. The backend
is also the one place that sees every connect, read and write, so it enforces one overall
deadline that a slow-drip server cannot stretch.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import certifi
import httpcore

# NAT64 (RFC 6052) carries an IPv4 address in its last 32 bits; Python calls the well-known
# prefix global whatever it embeds, and the local-use prefix (RFC 8215) can reach anything.
NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
NAT64_LOCAL_USE = ipaddress.IPv6Network("64:ff9b:1::/48")
DEFAULT_PORTS = {"http": 80, "https": 443}


class AddressNotFound(Exception):
    """The host name does not resolve."""


class AddressRefused(Exception):
    """The host resolves to an address the policy refuses; `address` is the first such."""

    def __init__(self, address: str):
        self.address = address
        super().__init__(f"{address} is a private, local or otherwise internal address")


def address_forbidden(address: str) -> bool:
    """Whether the policy refuses to connect to this IP address (a text that is not one is
    refused too)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return True
    return _forbidden_ip(ip)


def _forbidden_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        # Forms that carry an IPv4 address are judged by that address: the v6 wrapper is
        # reported as reserved (::ffff:0:0/96, 64:ff9b::/96) or global (2002::/16) regardless.
        if ip.ipv4_mapped is not None:
            return _forbidden_ip(ip.ipv4_mapped)
        if ip in NAT64_WELL_KNOWN:
            return _forbidden_ip(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.sixtofour is not None:
            return _forbidden_ip(ip.sixtofour)
        if ip in NAT64_LOCAL_USE or ip.teredo is not None or ip.is_site_local:
            return True
    # is_global alone misses multicast (224/4 and ff0e:: count as global) and Python versions
    # differ in details, so the specific properties are checked as well.
    return (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def resolve(host: str, port: int) -> tuple[str, ...]:
    """The host's addresses, looked up once (an IP address is its own answer)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise AddressNotFound(host) from None
    addresses = [info[4][0] for info in infos if info[0] in (socket.AF_INET, socket.AF_INET6)]
    if not addresses:
        raise AddressNotFound(host)
    return tuple(dict.fromkeys(addresses))


def checked_addresses(host: str, port: int, *, allowed: bool = False) -> tuple[str, ...]:
    """Resolve once and vet: the addresses that may be dialled, the only ones. `allowed`: the
    caller's allow-list names this host, so internal addresses are accepted (still pinned)."""
    addresses = resolve(host, port)
    if not allowed:
        for address in addresses:
            if address_forbidden(address):
                raise AddressRefused(address)
    return addresses


def listed(host: str, port: int, entries: Iterable[str]) -> bool:
    """Whether an allow-list names this host: "host:port" for one port, or "host" for all."""
    names = {entry.strip().lower() for entry in entries if entry.strip()}
    authority = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return host.lower() in names or authority.lower() in names


def url_refusal(url: str, *, allowed_hosts: Iterable[str] = ()) -> str | None:
    """Why the policy refuses a URL's host (a sentence to show staff), or None when it may be
    called: for a URL entered now and called later, as a provider's base URL is."""
    parts = urlsplit(url)
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 443)
    except ValueError:
        return "The URL's port is not valid."
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme.lower() not in DEFAULT_PORTS or not host:
        return "The URL must be http:// or https:// with a host."
    try:
        checked_addresses(host, port, allowed=listed(host, port, allowed_hosts))
    except AddressNotFound:
        return f"The host {host} does not resolve."
    except AddressRefused as exc:
        return f"The host {host} is on a private network or this machine ({exc.address})."
    return None


# --- the pinned, deadline-bound network backend -------------------------------------------------


def time_left(deadline: float, timeout: float | None, error: type[Exception]) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("The overall deadline has passed.")
    return left if timeout is None else min(timeout, left)


class PinnedBackend(httpcore.NetworkBackend):
    """Dials only the checked addresses, whatever host httpcore names, within the deadline."""

    def __init__(self, addresses: tuple[str, ...], deadline: float) -> None:
        self._addresses = addresses
        self._deadline = deadline
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        error: Exception = httpcore.ConnectError("No address to connect to.")
        for address in self._addresses:
            try:
                stream = self._sockets.connect_tcp(
                    address,
                    port,
                    timeout=time_left(self._deadline, timeout, httpcore.ConnectTimeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                error = exc
                continue
            return DeadlineStream(stream, self._deadline)
        raise error

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("Unix sockets are never used for outbound calls.")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class CheckedBackend:
    """Resolves each host when a connection is opened, vets every address, and dials only
    those: for clients that keep one connection pool for many calls (the vendor SDKs), so a
    base URL checked when it was saved cannot be re-pointed at an internal address by DNS
    later (rebinding). `allowed_hosts` is read at each connection, so settings apply at once.
    `core` is the httpcore the client rides on (httpcore, or httpcore2 for the SDKs built on
    httpx2): its streams and errors are the ones the SDK knows."""

    def __init__(self, core: ModuleType, allowed_hosts: Callable[[], Iterable[str]]) -> None:
        self._core = core
        self._allowed_hosts = allowed_hosts
        self._sockets = core.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> Any:
        refused = self._core.ConnectError
        try:
            addresses = checked_addresses(
                host, port, allowed=listed(host, port, self._allowed_hosts())
            )
        except AddressNotFound:
            raise refused(f"The host {host} does not resolve.") from None
        except AddressRefused as exc:
            raise refused(
                f"Refused to connect: {host} is on a private network or this machine "
                f"({exc.address}) and not listed as allowed."
            ) from None
        error: Exception = refused("No address to connect to.")
        for address in addresses:
            try:
                return self._sockets.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except refused as exc:
                error = exc
        raise error

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> Any:
        raise self._core.ConnectError("Unix sockets are never used for outbound calls.")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def checked_transport(
    http: ModuleType, core: ModuleType, *, allowed_hosts: Callable[[], Iterable[str]], limits: Any
) -> Any:
    """An HTTP transport of `http` (httpx or httpx2) whose every connection goes through
    CheckedBackend (TLS still checks the host's name: httpcore hands the original host to the
    handshake). `limits` as the client would have set them."""
    transport = http.HTTPTransport(limits=limits)
    # httpx offers no way to name the pool's network backend: the pool it built is replaced by
    # the same one (its SSL context, its limits) that dials through the backend.
    built = transport._pool
    transport._pool = core.ConnectionPool(
        ssl_context=built._ssl_context,
        max_connections=built._max_connections,
        max_keepalive_connections=built._max_keepalive_connections,
        keepalive_expiry=built._keepalive_expiry,
        network_backend=CheckedBackend(core, allowed_hosts),
    )
    return transport


class DeadlineStream(httpcore.NetworkStream):
    """Caps every read, write and TLS handshake at the time left before the deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float) -> None:
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        left = time_left(self._deadline, timeout, httpcore.ReadTimeout)
        return self._stream.read(max_bytes, left)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        left = time_left(self._deadline, timeout, httpcore.WriteTimeout)
        self._stream.write(buffer, left)

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = time_left(self._deadline, timeout, httpcore.ConnectTimeout)
        return DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, left), self._deadline
        )

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


def ssl_context() -> ssl.SSLContext:
    # A fresh context per call, from certifi's bundle, like httpx: verification and host name
    # checking are on (create_default_context defaults), and nothing leaks between calls.
    return ssl.create_default_context(cafile=certifi.where())


# --- one JSON POST (alert webhooks) ---------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    text: str  # the first `max_bytes` of the body, decoded leniently


def post_json(
    url: str, body: Any, *, timeout: float, allowed: bool = False, max_bytes: int = 4096
) -> Answer:
    """POST JSON to a URL under the policy, never following a redirect (the address checked is
    the one posted to). Raises AddressNotFound, AddressRefused or httpcore's errors."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in DEFAULT_PORTS or not host:
        raise ValueError("The URL must be http:// or https:// with a host.")
    port = parts.port or DEFAULT_PORTS[scheme]
    addresses = checked_addresses(host, port, allowed=allowed)
    payload = json.dumps(body).encode()
    deadline = time.monotonic() + timeout
    timeouts = {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}
    headers = [
        (b"Content-Type", b"application/json"),
        (b"Content-Length", str(len(payload)).encode()),
        (b"User-Agent", b"AIOrchestrator/1.0 (alerts)"),
    ]
    with httpcore.ConnectionPool(
        ssl_context=ssl_context(),
        max_connections=1,
        network_backend=PinnedBackend(addresses, deadline),
    ) as pool:
        with pool.stream(
            "POST", url, headers=headers, content=payload, extensions={"timeout": timeouts}
        ) as response:
            received = bytearray()
            for chunk in response.iter_stream():
                received += chunk
                if len(received) >= max_bytes:
                    break
    return Answer(response.status, bytes(received[:max_bytes]).decode("utf-8", "replace"))
