"""fetch_page: a job page is fetched only from public addresses, within size and time limits.

A real HTTP server on 127.0.0.1 plays the job sites. Loopback is private, so each test that
wants the page listed says so through EXTRACTOR_ALLOWED_HOSTS, as an intranet deployment
would. Only the outside world is replaced: the DNS resolver (socket.getaddrinfo, for the
made-up names only), the socket connect for the one public address that has no route here,
and certifi's trust store for the TLS test.
"""

from __future__ import annotations

import datetime
import gzip
import ipaddress
import socket
import ssl
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import certifi
import pytest

from core.errors import FetchFailed, InvalidInput
from jobs.fetch import fetch_page

PAGE = "<html><head><title>Backend Engineer</title></head><body>Rust & Python — remote</body>"
GZIP_BOMB = gzip.compress(b"\0" * 50_000_000, compresslevel=9)  # ~50 KB that inflate to 50 MB
PUBLIC_IP = "93.184.215.14"  # a global unicast address; tests never really connect to it


@dataclass
class Site:
    """A loopback web server; `seen` lists the (path, headers) of every request it got."""

    server: ThreadingHTTPServer
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    sni: list[str | None] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def authority(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"http://{self.authority}{path}"


def _respond(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    content_type: str | None = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
    length: bool = True,
) -> None:
    handler.send_response(status)
    if content_type:
        handler.send_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    if length:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _route(handler: BaseHTTPRequestHandler, other_port: int) -> None:
    path = handler.path
    if path in ("/page", "/uas/login", "/authwall"):
        _respond(handler, 200, PAGE.encode())
    elif path == "/plain":
        _respond(handler, 200, b"Senior Engineer\nBerlin", "text/plain")
    elif path == "/latin1":
        _respond(
            handler,
            200,
            "<p>Café in Zürich, 5 Tage/Woche</p>".encode("latin-1"),
            "text/html; charset=ISO-8859-1",
        )
    elif path == "/meta-charset":
        body = '<html><head><meta charset="windows-1252"></head><p>Résumé “CV”</p></html>'
        _respond(handler, 200, body.encode("cp1252"), "text/html")
    elif path == "/bad-utf8":
        _respond(handler, 200, b"<p>Caf\xe9</p>")
    elif path == "/hops/0":
        _respond(handler, 200, PAGE.encode())
    elif path.startswith("/hops/"):  # /hops/N answers after N redirects
        _respond(handler, 302, headers={"Location": f"/hops/{int(path[6:]) - 1}"})
    elif path == "/to-other-port":
        _respond(handler, 302, headers={"Location": f"http://127.0.0.1:{other_port}/page"})
    elif path == "/to-localhost":
        _respond(
            handler,
            302,
            headers={"Location": f"http://localhost:{handler.server.server_address[1]}/page"},
        )
    elif path == "/to-metadata":
        _respond(handler, 301, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    elif path == "/to-ftp":
        _respond(handler, 302, headers={"Location": "ftp://127.0.0.1/file"})
    elif path == "/to-login":
        _respond(handler, 302, headers={"Location": "/uas/login?session_redirect=%2Fjobs%2F1"})
    elif path == "/to-authwall":
        _respond(handler, 302, headers={"Location": "/authwall?trk=job"})
    elif path.startswith("/status/"):
        _respond(handler, int(path.rsplit("/", 1)[1]), b"<p>nope</p>")
    elif path == "/pdf":
        _respond(handler, 200, b"%PDF-1.7\n...", "application/pdf")
    elif path == "/big":
        _respond(handler, 200, b"a" * 2_500_000)
    elif path == "/big-no-length":
        _respond(handler, 200, b"a" * 2_500_000, length=False)
    elif path == "/exactly-cap":
        _respond(handler, 200, b"a" * 2_000_000, length=False)
    elif path == "/gzip":
        _respond(handler, 200, gzip.compress(PAGE.encode()), headers={"Content-Encoding": "gzip"})
    elif path == "/gzip-bomb":
        _respond(handler, 200, GZIP_BOMB, headers={"Content-Encoding": "gzip"}, length=False)
    elif path == "/brotli":
        _respond(handler, 200, b"\x1b\x00", headers={"Content-Encoding": "br"})
    elif path == "/slow":
        time.sleep(3)
        _respond(handler, 200, PAGE.encode())
    elif path == "/drip":
        # Each byte arrives well within a per-read timeout; only an overall deadline stops it.
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        handler.wfile.flush()
        for _ in range(100):
            time.sleep(0.2)
            handler.wfile.write(b"a")
            handler.wfile.flush()
    else:
        _respond(handler, 404, b"<p>not found</p>")


def _start(
    other_port: Callable[[], int] = lambda: 0, tls: ssl.SSLContext | None = None
) -> Iterator[Site]:
    site: Site

    class Handler(BaseHTTPRequestHandler):
        # One write per response, without Nagle delays (as the vendor doubles in
        # tests/support/doubles/ do).
        wbufsize = -1
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            site.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            try:
                _route(self, other_port())
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, as it should (size and time caps)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site = Site(server)
    if tls is not None:
        tls.sni_callback = lambda _sock, name, _ctx: site.sni.append(name)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def other_site() -> Iterator[Site]:
    yield from _start()


@pytest.fixture(scope="module")
def _module_site(other_site: Site) -> Iterator[Site]:
    yield from _start(other_port=lambda: other_site.port)


@pytest.fixture
def site(_module_site: Site, other_site: Site) -> Site:
    _module_site.seen.clear()
    other_site.seen.clear()
    return _module_site


@pytest.fixture
def allowed(settings, site: Site) -> Site:
    """The loopback site, listed in EXTRACTOR_ALLOWED_HOSTS like an intranet job board."""
    settings.EXTRACTOR_ALLOWED_HOSTS = [site.authority]
    return site


@dataclass
class Resolver:
    """Answers for made-up names; each lookup takes the next answer, the last one repeats."""

    answers: dict[str, list[list[str]]] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> Resolver:
    fake = Resolver()
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host not in fake.answers:
            return real_getaddrinfo(host, port, *args, **kwargs)
        fake.lookups.append(host)
        queue = fake.answers[host]
        ips = queue.pop(0) if len(queue) > 1 else queue[0]
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, port, 0, 0))
            if ":" in ip
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
            for ip in ips
        ]

    # socket.create_connection looks getaddrinfo up in the socket module too, so a fetcher
    # that connected by name would show up here as a second lookup.
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return fake


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every TCP connect attempted. Only loopback is really dialled: tests have no internet
    and must not touch it, so any other address is refused as an unroutable one would be."""
    attempts: list[tuple[str, int]] = []
    real_create_connection = socket.create_connection

    def create_connection(address, *args, **kwargs):  # type: ignore[no-untyped-def]
        attempts.append((address[0], address[1]))
        if not ipaddress.ip_address(address[0]).is_loopback:
            raise ConnectionRefusedError("no route to the internet in tests")
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return attempts


# --- which URLs may be fetched at all ------------------------------------------------------------


def test_loopback_is_refused_when_not_allowed(settings, site: Site, connects: list) -> None:
    settings.EXTRACTOR_ALLOWED_HOSTS = []
    with pytest.raises(InvalidInput, match="private or local network address"):
        fetch_page(site.url("/page"))
    assert connects == [] and site.seen == []


def test_allowed_host_is_fetched_with_host_header_and_user_agent(allowed: Site) -> None:
    page = fetch_page(allowed.url("/page"))
    assert (page.status, page.content_type, page.text) == (200, "text/html", PAGE)
    assert page.final_url == allowed.url("/page")
    path, headers = allowed.seen[0]
    assert path == "/page"
    assert headers["host"] == allowed.authority
    assert headers["user-agent"].startswith("Mozilla/5.0")
    assert "AIOrchestrator" in headers["user-agent"]


def test_allowance_is_per_port(settings, site: Site) -> None:
    settings.EXTRACTOR_ALLOWED_HOSTS = [f"127.0.0.1:{site.port + 1}", f"localhost:{site.port}"]
    with pytest.raises(InvalidInput, match="private or local"):
        fetch_page(site.url("/page"))


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://172.31.255.254/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://127.0.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://0.0.0.0/",
        "http://[::]/",
        "http://localhost/",
        "http://LOCALHOST.:8080/",
        "http://127.1/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://[fd00::1]/",
        "http://[fc00::1]/",
        "http://[fe80::1]/",
        "http://[fec0::1]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[64:ff9b:1::1]/",
        "http://[2002:7f00:1::1]/",
        "http://[2002:c0a8:101::]/",
        "http://[::127.0.0.1]/",
        "http://[2001:db8::1]/",
        "http://224.0.0.1/",
        "http://239.255.255.250/",
        "http://[ff02::1]/",
        "http://[ff0e::1]/",
        "http://240.0.0.1/",
        "http://255.255.255.255/",
        "https://192.168.0.10:8443/jobs",
    ],
)
def test_private_and_local_addresses_are_refused_before_connecting(
    settings, url: str, connects: list
) -> None:
    settings.EXTRACTOR_TIMEOUT = 1
    started = time.monotonic()
    with pytest.raises(InvalidInput) as refused:
        fetch_page(url)
    assert refused.value.message == (
        "This URL points to a private or local network address and cannot be fetched."
    )
    assert connects == [] and time.monotonic() - started < 0.5


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/job.html",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,<p>job</p>",
        "gopher://example.com/",
        "example.com/jobs/1",
    ],
)
def test_only_http_and_https_are_fetched(url: str) -> None:
    with pytest.raises(InvalidInput, match="Only http and https URLs"):
        fetch_page(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://user:pass@example.com/",
        "https://user@127.0.0.1/",
        "http://example.com\\@127.0.0.1/",
    ],
)
def test_urls_with_credentials_are_refused(url: str, connects: list) -> None:
    with pytest.raises(InvalidInput, match="user name or password"):
        fetch_page(url)
    assert connects == []


@pytest.mark.parametrize(
    "url",
    [
        "http:///jobs",
        "https://",
        "http://:80/",
        "http://exa mple.com/",
        "http://%31%32%37.0.0.1/",
        "http://example.com:99999/",
        "http://example.com:0/",
        "http://example.com/\njobs",
        "",
    ],
)
def test_malformed_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidInput):
        fetch_page(url)


def test_public_looking_name_that_resolves_to_loopback_is_refused(
    resolver: Resolver, site: Site, connects: list
) -> None:
    resolver.answers["jobs.example.test"] = [["127.0.0.1"]]
    with pytest.raises(InvalidInput, match="private or local network address"):
        fetch_page(f"http://jobs.example.test:{site.port}/page")
    assert connects == [] and site.seen == []


def test_every_resolved_address_is_checked(resolver: Resolver, connects: list) -> None:
    resolver.answers["mixed.example.test"] = [[PUBLIC_IP, "10.1.2.3"]]
    with pytest.raises(InvalidInput, match="private or local"):
        fetch_page("https://mixed.example.test/jobs/1")
    assert connects == []


def test_unknown_host_name_fails_to_fetch() -> None:
    with pytest.raises(FetchFailed, match="address could not be found"):
        fetch_page("http://no-such-host.invalid/")


# --- DNS rebinding -----------------------------------------------------------------------------


def test_connection_goes_to_the_checked_address_not_a_second_lookup(
    resolver: Resolver, site: Site, connects: list
) -> None:
    # Checked: a public address. Any later lookup would hand out loopback, where the site is.
    resolver.answers["rebind.example.test"] = [[PUBLIC_IP], ["127.0.0.1"]]
    with pytest.raises(FetchFailed, match="could not be reached"):
        fetch_page(f"http://rebind.example.test:{site.port}/page")
    assert resolver.lookups == ["rebind.example.test"]
    assert connects == [(PUBLIC_IP, site.port)]
    assert site.seen == []


def test_allowed_name_is_pinned_to_its_first_answer(
    settings, resolver: Resolver, site: Site, connects: list
) -> None:
    settings.EXTRACTOR_ALLOWED_HOSTS = [f"intranet.example.test:{site.port}"]
    settings.EXTRACTOR_TIMEOUT = 2
    resolver.answers["intranet.example.test"] = [["127.0.0.1"], ["10.255.255.1"]]
    page = fetch_page(f"http://intranet.example.test:{site.port}/page")
    assert page.text == PAGE
    assert resolver.lookups == ["intranet.example.test"]
    assert connects == [("127.0.0.1", site.port)]
    assert site.seen[0][1]["host"] == f"intranet.example.test:{site.port}"


# --- redirects ---------------------------------------------------------------------------------


def test_five_redirects_are_followed(allowed: Site) -> None:
    page = fetch_page(allowed.url("/hops/5"))
    assert page.text == PAGE and page.final_url == allowed.url("/hops/0")
    assert [path for path, _ in allowed.seen] == [f"/hops/{n}" for n in range(5, -1, -1)]


def test_six_redirects_are_too_many(allowed: Site) -> None:
    with pytest.raises(FetchFailed, match="redirected more than 5 times"):
        fetch_page(allowed.url("/hops/6"))
    assert [path for path, _ in allowed.seen] == [f"/hops/{n}" for n in range(6, 0, -1)]


def test_redirect_from_allowed_host_to_another_loopback_port_is_refused(
    allowed: Site, other_site: Site
) -> None:
    with pytest.raises(InvalidInput, match="private or local network address"):
        fetch_page(allowed.url("/to-other-port"))
    assert other_site.seen == []


@pytest.mark.parametrize("path", ["/to-localhost", "/to-metadata"])
def test_redirect_to_a_non_allowed_private_address_is_refused(allowed: Site, path: str) -> None:
    with pytest.raises(InvalidInput, match="private or local network address"):
        fetch_page(allowed.url(path))
    assert [seen for seen, _ in allowed.seen] == [path]


def test_redirect_to_another_scheme_is_refused(allowed: Site) -> None:
    with pytest.raises(InvalidInput, match="Only http and https"):
        fetch_page(allowed.url("/to-ftp"))


# --- sites that block us -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/status/999", "/status/403", "/status/401", "/status/429"])
def test_blocking_answers_suggest_a_screenshot_or_pasted_text(allowed: Site, path: str) -> None:
    with pytest.raises(FetchFailed) as failed:
        fetch_page(allowed.url(path))
    assert failed.value.message == (
        "127.0.0.1 blocks automated access. "
        "Upload a screenshot of the posting or paste its text instead."
    )


@pytest.mark.parametrize("path", ["/to-login", "/to-authwall"])
def test_redirect_to_a_login_wall_suggests_a_screenshot_or_pasted_text(
    allowed: Site, path: str
) -> None:
    with pytest.raises(FetchFailed, match="sign-in.*screenshot.*paste its text"):
        fetch_page(allowed.url(path))
    assert [seen for seen, _ in allowed.seen] == [path]


@pytest.mark.parametrize(
    ("host", "path", "site_name"),
    [
        ("www.linkedin.com", "/status/999", "linkedin.com"),
        ("uk.indeed.com", "/status/403", "indeed.com"),
        ("www.glassdoor.co.uk", "/status/404", "glassdoor.co.uk"),
    ],
)
def test_known_login_walled_sites_are_named(
    settings, resolver: Resolver, site: Site, host: str, path: str, site_name: str
) -> None:
    settings.EXTRACTOR_ALLOWED_HOSTS = [f"{host}:{site.port}"]
    resolver.answers[host] = [["127.0.0.1"]]
    with pytest.raises(FetchFailed) as failed:
        fetch_page(f"http://{host}:{site.port}{path}")
    assert failed.value.message == (
        f"{site_name} blocks automated access. "
        "Upload a screenshot of the posting or paste its text instead."
    )


@pytest.mark.parametrize("status", [404, 500, 503])
def test_other_error_statuses_are_reported(allowed: Site, status: int) -> None:
    with pytest.raises(FetchFailed, match=f"answered with HTTP {status}"):
        fetch_page(allowed.url(f"/status/{status}"))


def test_non_html_content_is_refused(allowed: Site) -> None:
    with pytest.raises(FetchFailed, match=r"a file \(application/pdf\), not a web page"):
        fetch_page(allowed.url("/pdf"))


# --- size, compression and time caps -----------------------------------------------------------


@pytest.mark.parametrize("path", ["/big", "/big-no-length", "/gzip-bomb"])
def test_pages_over_the_size_cap_are_refused(allowed: Site, path: str) -> None:
    with pytest.raises(FetchFailed, match="larger than 2 MB"):
        fetch_page(allowed.url(path))


def test_gzip_bomb_is_never_inflated_in_memory(allowed: Site) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(FetchFailed, match="larger than 2 MB"):
            fetch_page(allowed.url("/gzip-bomb"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000


def test_page_of_exactly_the_cap_is_read(allowed: Site) -> None:
    assert len(fetch_page(allowed.url("/exactly-cap")).text) == 2_000_000


def test_gzip_page_is_inflated(allowed: Site) -> None:
    assert fetch_page(allowed.url("/gzip")).text == PAGE
    assert allowed.seen[0][1]["accept-encoding"] == "gzip, deflate"


def test_unrequested_encoding_is_refused(allowed: Site) -> None:
    with pytest.raises(FetchFailed, match="encoding that cannot be read"):
        fetch_page(allowed.url("/brotli"))


@pytest.mark.parametrize("path", ["/slow", "/drip"])
def test_slow_sites_time_out(settings, allowed: Site, path: str) -> None:
    settings.EXTRACTOR_TIMEOUT = 1
    started = time.monotonic()
    with pytest.raises(
        FetchFailed, match="did not answer within 1 second, so the request timed out"
    ):
        fetch_page(allowed.url(path))
    assert time.monotonic() - started < 1.5


# --- text decoding -----------------------------------------------------------------------------


def test_text_is_decoded_by_the_declared_charset(allowed: Site) -> None:
    assert fetch_page(allowed.url("/latin1")).text == "<p>Café in Zürich, 5 Tage/Woche</p>"


def test_text_is_decoded_by_the_meta_charset(allowed: Site) -> None:
    assert "Résumé “CV”" in fetch_page(allowed.url("/meta-charset")).text


def test_undecodable_bytes_are_replaced(allowed: Site) -> None:
    assert fetch_page(allowed.url("/bad-utf8")).text == "<p>Caf\ufffd</p>"


def test_plain_text_is_accepted(allowed: Site) -> None:
    page = fetch_page(allowed.url("/plain"))
    assert (page.content_type, page.text) == ("text/plain", "Senior Engineer\nBerlin")


# --- TLS: SNI and certificate checked against the name, connection pinned to the address --------


def _certificate(tmp_path, name: str) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_file), str(key_file)


@pytest.fixture
def tls_site(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    cert_file, key_file = _certificate(tmp_path, "jobs.example.test")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    monkeypatch.setattr(certifi, "where", lambda: cert_file)  # trust only the test certificate
    yield from _start(tls=context)


@pytest.mark.parametrize(
    ("name", "fetched"),
    [
        ("jobs.example.test", True),
        ("other.example.test", False),
    ],
)
def test_https_uses_the_host_name_for_sni_and_certificate(
    settings, resolver: Resolver, connects: list, tls_site: Site, name: str, fetched: bool
) -> None:
    settings.EXTRACTOR_ALLOWED_HOSTS = [f"{name}:{tls_site.port}"]
    resolver.answers[name] = [["127.0.0.1"]]
    url = f"https://{name}:{tls_site.port}/page"
    if fetched:
        assert fetch_page(url).text == PAGE
        assert tls_site.seen[0][1]["host"] == f"{name}:{tls_site.port}"
    else:
        with pytest.raises(FetchFailed, match="certificate could not be verified"):
            fetch_page(url)
        assert tls_site.seen == []
    assert tls_site.sni == [name]
    assert connects == [("127.0.0.1", tls_site.port)]


def test_classification_agrees_with_ipaddress_for_plain_public_addresses(
    resolver: Resolver, connects: list
) -> None:
    # The public forms of the wrappers must not be refused: only what they embed counts.
    for address in [
        "8.8.8.8",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:808:808::1",
        "2606:4700:4700::1111",
    ]:
        resolver.answers["public.example.test"] = [[address]]
        with pytest.raises(FetchFailed):  # allowed past the check; the connect then fails
            fetch_page("http://public.example.test/")
    assert len(connects) == 5
