"""Fetching a job-posting page from a URL the user gave us, without becoming an SSRF proxy.

The URL is untrusted, so before every connection (the first one and each redirect) the host is
resolved once and vetted by the service's one outbound address policy (core.outbound), and the
connection goes to exactly the address that was checked. Size, time and decompression are
capped. httpcore (not httpx) because httpx would add proxy environment variables (which would
bypass the pinning) and automatic decompression (which is not bounded per chunk).
"""

from __future__ import annotations

import codecs
import ipaddress
import re
import ssl
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

import httpcore
import idna
from django.conf import settings

from core import outbound
from core.errors import FetchFailed, InvalidInput

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36 AIOrchestrator/1.0 (job posting import)"
)
DEFAULT_PORTS = {"http": 80, "https": 443}
PAGE_CONTENT_TYPES = {"text/html", "application/xhtml+xml", "text/plain"}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
# 999 is LinkedIn's answer to anything that does not look like a signed-in browser.
BLOCKING_STATUSES = {401, 403, 429, 999}
LOGIN_PATH_WORDS = ("login", "signin", "sign-in", "sign_in", "authwall", "checkpoint")
LOGIN_WALLED_SITE = re.compile(r"(?:^|\.)((?:linkedin|indeed|glassdoor)\.[a-z.]+)$")
CHUNK_BYTES = 64 * 1024

PRIVATE_ADDRESS = "This URL points to a private or local network address and cannot be fetched."
INSTEAD = "Upload a screenshot of the posting or paste its text instead."


@dataclass(frozen=True)
class FetchedPage:
    final_url: str
    status: int
    content_type: str  # lower-case MIME type without parameters; "" if the site sent none
    text: str


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII, lower case, IPv6 without brackets
    port: int
    path: str  # request target: percent-encoded path and query
    addresses: tuple[str, ...] = ()  # checked addresses, the only ones we may dial

    @property
    def authority(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def host_header(self) -> str:
        if self.port == DEFAULT_PORTS[self.scheme]:
            return self.authority.rsplit(":", 1)[0]
        return self.authority

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host_header}{self.path}"


def fetch_page(url: str) -> FetchedPage:
    """GET an untrusted http(s) URL and return its text, following redirects safely."""
    timeout = float(settings.EXTRACTOR_TIMEOUT)
    max_redirects = int(settings.EXTRACTOR_MAX_REDIRECTS)
    deadline = time.monotonic() + timeout
    target = _checked_target(url)
    for _ in range(max_redirects + 1):
        outcome = _fetch_once(target, deadline, timeout)
        if isinstance(outcome, FetchedPage):
            return outcome
        next_url = urljoin(target.url, outcome)
        if _is_login_url(next_url):
            raise FetchFailed(
                f"{_site_name(target.host)} asks for a sign-in before it shows this page. "
                + INSTEAD
            )
        target = _checked_target(next_url)
    raise FetchFailed(
        f"The link redirected more than {max_redirects} times, so it was not followed. " + INSTEAD
    )


# --- URL and address checks -------------------------------------------------------------------


def _checked_target(url: str) -> _Target:
    """Parse, resolve once and vet a URL; the result carries the only addresses we may dial."""
    target = parse_url(url)
    try:
        addresses = outbound.checked_addresses(
            target.host, target.port, allowed=target.authority in _allowed_hosts()
        )
    except outbound.AddressNotFound:
        raise FetchFailed("The site's address could not be found. Check the link.") from None
    except outbound.AddressRefused:
        raise InvalidInput(PRIVATE_ADDRESS) from None
    return _Target(target.scheme, target.host, target.port, target.path, addresses)


def parse_url(url: str) -> _Target:
    """The one set of rules a job URL follows (a user's, or a redirect's): http(s), no
    credentials, a host, a possible port. jobs.services.normalise_url checks with it too."""
    url = (url or "").strip()
    if not url or any(ord(char) < 0x20 or ord(char) == 0x7F for char in url):
        raise InvalidInput("The URL is not valid.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInput("The URL is not valid.") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidInput("Only http and https URLs can be extracted.")
    if "@" in parts.netloc:
        raise InvalidInput("URLs with a user name or password cannot be fetched.")
    host = _ascii_host((parts.hostname or "").rstrip("."))
    if port == 0:
        raise InvalidInput("The URL is not valid.")
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/?%:@!$&'()*+,;=-._~")
    return _Target(scheme, host, port or DEFAULT_PORTS[scheme], path)


def _ascii_host(host: str) -> str:
    if not host:
        raise InvalidInput("The URL has no host name.")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if host.isascii():
        if not re.fullmatch(r"[a-z0-9_.-]+", host):
            raise InvalidInput("The URL's host name is not valid.")
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        raise InvalidInput("The URL's host name is not valid.") from None


def _allowed_hosts() -> set[str]:
    return {entry.strip().lower() for entry in settings.EXTRACTOR_ALLOWED_HOSTS}


def _is_login_url(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return any(word in path for word in LOGIN_PATH_WORDS)


def _site_name(host: str) -> str:
    known = LOGIN_WALLED_SITE.search(host)
    if known:
        return known.group(1)
    return host.removeprefix("www.")


# --- one request --------------------------------------------------------------------------------


def _fetch_once(target: _Target, deadline: float, timeout: float) -> FetchedPage | str:
    """One GET to the pinned address: the page, or the Location of a redirect."""
    headers = [
        (b"Host", target.host_header.encode("ascii")),
        (b"User-Agent", USER_AGENT.encode("ascii")),
        (b"Accept", b"text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"),
        (b"Accept-Language", b"en-US,en;q=0.8"),
        # Only encodings we can inflate with a bound on the output.
        (b"Accept-Encoding", b"gzip, deflate"),
    ]
    url = httpcore.URL(
        scheme=target.scheme.encode("ascii"),
        host=target.host.encode("ascii"),
        port=target.port,
        target=target.path.encode("ascii"),
    )
    timeouts = {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}
    try:
        with httpcore.ConnectionPool(
            ssl_context=outbound.ssl_context(),
            max_connections=1,
            network_backend=outbound.PinnedBackend(target.addresses, deadline),
        ) as pool:
            with pool.stream(
                "GET", url, headers=headers, extensions={"timeout": timeouts}
            ) as response:
                return _read_response(target, response)
    except httpcore.TimeoutException:
        raise FetchFailed(
            f"The site did not answer within {timeout:g} second{'' if timeout == 1 else 's'}, "
            "so the request timed out. " + INSTEAD
        ) from None
    except httpcore.ConnectError as exc:
        # httpcore wraps the socket error as the first argument (the pool re-raises "from
        # None", so __cause__ is gone).
        if exc.args and isinstance(exc.args[0], ssl.SSLError):
            raise FetchFailed(
                "The site's security certificate could not be verified. " + INSTEAD
            ) from None
        raise FetchFailed("The site could not be reached. Check the link.") from None
    except (httpcore.NetworkError, httpcore.ProtocolError):
        raise FetchFailed("The site sent a broken answer. " + INSTEAD) from None


def _read_response(target: _Target, response: httpcore.Response) -> FetchedPage | str:
    status = response.status
    headers = {
        name.decode("latin-1").lower(): value.decode("latin-1") for name, value in response.headers
    }
    if status in REDIRECT_STATUSES:
        location = headers.get("location", "").strip()
        if not location:
            raise FetchFailed("The site redirected without saying where to. " + INSTEAD)
        return location
    _check_status(target.host, status)
    content_type, charset = _parse_content_type(headers.get("content-type", ""))
    if content_type and content_type not in PAGE_CONTENT_TYPES:
        raise FetchFailed(f"The link leads to a file ({content_type}), not a web page. " + INSTEAD)
    max_bytes = int(settings.EXTRACTOR_MAX_BYTES)
    declared = headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    body = _read_body(response.iter_stream(), headers.get("content-encoding", ""), max_bytes)
    return FetchedPage(
        final_url=target.url,
        status=status,
        content_type=content_type,
        text=_decode(body, charset, content_type),
    )


def _check_status(host: str, status: int) -> None:
    if 200 <= status < 300:
        return
    if status in BLOCKING_STATUSES or (status >= 400 and LOGIN_WALLED_SITE.search(host)):
        raise FetchFailed(f"{_site_name(host)} blocks automated access. " + INSTEAD)
    raise FetchFailed(
        f"The page could not be fetched: the site answered with HTTP {status}. "
        "Check the link, or upload a screenshot of the posting or paste its text."
    )


def _parse_content_type(header: str) -> tuple[str, str | None]:
    mime, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return mime.strip().lower(), charset


def _too_large(max_bytes: int) -> FetchFailed:
    return FetchFailed(
        f"The page is larger than {max_bytes / 1_000_000:g} MB, so it was not read. "
        "Paste the text of the posting or upload a screenshot instead."
    )


def _read_body(raw: Iterable[bytes], encoding: str, max_bytes: int) -> bytes:
    """Read at most max_bytes, counting both the bytes on the wire and the inflated ones."""
    received = 0

    def counted(chunks: Iterable[bytes]) -> Iterator[bytes]:
        nonlocal received
        for chunk in chunks:
            received += len(chunk)
            if received > max_bytes:
                raise _too_large(max_bytes)
            yield chunk

    body = bytearray()
    for piece in _inflated(counted(raw), encoding):
        body += piece
        if len(body) > max_bytes:
            raise _too_large(max_bytes)
    return bytes(body)


def _inflated(chunks: Iterator[bytes], encoding: str) -> Iterator[bytes]:
    """Decode Content-Encoding in pieces of at most CHUNK_BYTES, so a bomb cannot balloon."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        yield from chunks
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchFailed("The site sent the page in an encoding that cannot be read. " + INSTEAD)
    inflater = None
    try:
        for chunk in chunks:
            if inflater is None:
                inflater = zlib.decompressobj(_wbits(encoding, chunk))
            data = chunk
            while data and not inflater.eof:
                yield inflater.decompress(data, CHUNK_BYTES)
                data = inflater.unconsumed_tail
        if inflater is not None:
            # Once all input is consumed, only a few bytes can still be pending.
            yield inflater.flush()
    except zlib.error:
        raise FetchFailed("The site sent a damaged compressed page. " + INSTEAD) from None


def _wbits(encoding: str, first_chunk: bytes) -> int:
    if encoding != "deflate":
        return 16 + zlib.MAX_WBITS
    # "deflate" should be zlib-wrapped (RFC 9110), but some servers send raw deflate.
    if len(first_chunk) >= 2 and first_chunk[0] & 0x0F == 8:
        if ((first_chunk[0] << 8) | first_chunk[1]) % 31 == 0:
            return zlib.MAX_WBITS
    return -zlib.MAX_WBITS


META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _decode(body: bytes, charset: str | None, content_type: str) -> str:
    candidates = [charset]
    if content_type != "text/plain":
        match = META_CHARSET.search(body[:4096])
        candidates.append(match.group(1).decode("ascii") if match else None)
    for candidate in candidates:
        if not candidate:
            continue
        try:
            return body.decode(codecs.lookup(candidate).name, errors="replace")
        except LookupError:
            continue
    return body.decode("utf-8", errors="replace")
