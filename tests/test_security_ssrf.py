"""SSRF: configured URLs and redirects never reach internal addresses, whatever DNS says when.

The fake boards server listens on 127.0.0.1, which these tests must be able to reach and the
guard must refuse. So here the allow-list names a host, `fakeboards.test`, that a test resolver
maps to the server; every other name or literal goes through the real resolver and the guard.
A refused request is proved twice: the error, and no request in the server's log.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jobingest import pipeline
from jobingest.errors import FetchError, UnsafeURLError
from jobingest.fetch import Fetcher, open_fetcher
from jobingest.netguard import resolve_host
from jobingest.settings import Settings
from tests.conftest import write_sources
from tests.fakeboards import FakeBoards, Fault

ALLOWED = "fakeboards.test"
TARGET = "/v1/boards/internal-only/jobs"
BODY = b'{"jobs": [], "meta": {"total": 0}}'


def fake_dns(host: str) -> list[str]:
    return ["127.0.0.1"] if host == ALLOWED else resolve_host(host)


@pytest.fixture
def guarded() -> Settings:
    return Settings(
        http_allow_private_hosts=[ALLOWED],
        http_max_attempts=1,
        http_timeout=5,
        http_per_host_rps=1000,
    )


@pytest.fixture
def fetcher(guarded: Settings) -> Iterator[Fetcher]:
    with open_fetcher(guarded, resolve=fake_dns) as opened:
        yield opened


def allowed_url(boards: FakeBoards, path: str) -> str:
    return boards.base_url.replace("127.0.0.1", ALLOWED) + path


# Ways of writing an internal address. The loopback ones point at the fake server's port, so a
# bypass would show up as a logged request.
INTERNAL = [
    "http://127.0.0.1:{port}" + TARGET,
    "http://[::1]:{port}" + TARGET,
    "http://[::ffff:127.0.0.1]:{port}" + TARGET,
    "http://2130706433:{port}" + TARGET,  # decimal 127.0.0.1
    "http://0177.0.0.1:{port}" + TARGET,  # octal 127.0.0.1
    "http://0x7f.1:{port}" + TARGET,  # hex, short form
    "http://localhost:{port}" + TARGET,
    "http://10.0.0.8/",
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://100.100.100.200/latest/meta-data/",  # Alibaba metadata, CGNAT 100.64/10
    "http://[fd00::1]/",
    "http://0.0.0.0/",
]


@pytest.mark.parametrize("template", INTERNAL)
def test_configured_internal_urls_are_refused(
    boards: FakeBoards, fetcher: Fetcher, template: str
) -> None:
    boards.publish(TARGET, BODY)
    url = template.format(port=_port(boards))
    with pytest.raises(UnsafeURLError, match=r"non-public|refused"):
        fetcher.get(url)
    assert boards.seen(TARGET) == []


@pytest.mark.parametrize("template", INTERNAL)
def test_redirects_to_internal_urls_are_refused(
    boards: FakeBoards, fetcher: Fetcher, template: str
) -> None:
    boards.publish(TARGET, BODY)
    start = f"/v1/boards/redirector-{INTERNAL.index(template)}/jobs"
    boards.publish(start, BODY)
    location = template.format(port=_port(boards))
    boards.fail(start, Fault("redirect", location=location))
    with pytest.raises(FetchError) as refused:
        fetcher.get(allowed_url(boards, start))
    # httpx itself rejects a Location of 0177.0.0.1 as an invalid URL; every other form
    # reaches our guard, which names the refused hop.
    if isinstance(refused.value, UnsafeURLError):
        assert refused.value.url == location
    else:
        assert "Invalid IPv4 address" in refused.value.reason
    assert boards.seen(TARGET) == []


def test_file_url_through_a_redirect_is_refused(
    boards: FakeBoards, fetcher: Fetcher, tmp_path: Path
) -> None:
    canary = tmp_path / "canary-secret.txt"
    canary.write_text("CANARY-4f1c9e")
    boards.publish("/v1/boards/to-file/jobs", BODY)
    boards.fail("/v1/boards/to-file/jobs", Fault("redirect", location=canary.as_uri()))
    with pytest.raises(UnsafeURLError, match="scheme 'file'") as refused:
        fetcher.get(allowed_url(boards, "/v1/boards/to-file/jobs"))
    assert "CANARY" not in str(refused.value)


def test_the_allowed_name_is_reached_at_the_checked_address(
    boards: FakeBoards, fetcher: Fetcher
) -> None:
    """Control for the refusals above: the server is reachable, through the pinned address,
    and the Host header still carries the name (so TLS SNI and virtual hosts work)."""
    boards.publish("/v1/boards/reachable/jobs", BODY)
    assert fetcher.get(allowed_url(boards, "/v1/boards/reachable/jobs")).body == BODY
    (seen,) = boards.seen("/v1/boards/reachable/jobs")
    assert seen.headers["host"] == f"{ALLOWED}:{_port(boards)}"


def test_dns_rebinding_between_check_and_connect_is_refused(
    boards: FakeBoards, guarded: Settings
) -> None:
    """The name answers a public address when checked and loopback afterwards. The connect
    must use (and check) its own answer, never let the HTTP library resolve again."""
    answers: list[list[str]] = []

    def rebinding(host: str) -> list[str]:
        answer = ["93.184.216.34"] if not answers else ["127.0.0.1"]
        answers.append(answer)
        return answer

    boards.publish(TARGET, BODY)
    url = f"http://localhost:{_port(boards)}{TARGET}"
    with (
        open_fetcher(guarded, resolve=rebinding) as fetcher,
        pytest.raises(UnsafeURLError, match=r"non-public address 127\.0\.0\.1"),
    ):
        fetcher.get(url)
    assert answers[0] == ["93.184.216.34"], "the early check saw the public answer"
    assert boards.seen(TARGET) == []


def test_a_configured_internal_source_fails_alone_and_the_run_goes_on(
    boards: FakeBoards, settings: Settings, tmp_path: Path
) -> None:
    """Through the pipeline: the metadata source is named failed with its reason; the good
    board still loads."""
    from tests.test_pipeline import NORTHWIND

    sources = write_sources(
        tmp_path,
        [
            {"name": "metadata", "kind": "greenhouse", "board": "metadata",
             "url": "http://169.254.169.254/latest/meta-data/"},
            {"name": "northwind", "kind": "greenhouse", "board": "northwind",
             "url": boards.greenhouse("northwind-ssrf", NORTHWIND)},
        ],
    )  # fmt: skip
    report = pipeline.run_once(settings, sources)
    by_name = {s.source_name: s for s in report.sources}
    assert by_name["metadata"].status == "failed"
    assert "169.254.169.254" in (by_name["metadata"].reason or "")
    assert by_name["northwind"].status == "ok" and by_name["northwind"].new == 14


def _port(boards: FakeBoards) -> int:
    return int(boards.base_url.rsplit(":", 1)[1])


def _certificate(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for `name` (its own CA), as PEM files."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.fixture
def tls_board(tmp_path: Path) -> Iterator[tuple[int, list[str | None], Path]]:
    """An HTTPS board on 127.0.0.1 with a certificate for `fakeboards.test`; records the SNI
    each handshake asked for."""
    import ssl
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    cert_file, key_file = _certificate(tmp_path, ALLOWED)
    server_names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    context.sni_callback = lambda _sock, name, _ctx: server_names.append(name)  # type: ignore[assignment,func-returns-value]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1]), server_names, cert_file
    finally:
        server.shutdown()
        server.server_close()


def test_tls_is_verified_for_the_name_while_connecting_to_the_pinned_address(
    guarded: Settings, tls_board: tuple[int, list[str | None], Path]
) -> None:
    """SNI and certificate checks use the host name, though the socket goes to the address
    the guard resolved; a certificate for another name is still rejected."""
    import ssl

    from jobingest.fetch import Fetcher, PinnedTransport, build_client

    port, server_names, cert_file = tls_board
    trusting = ssl.create_default_context(cafile=str(cert_file))
    transport = PinnedTransport(guarded, fake_dns, ssl_context=trusting)
    with build_client(guarded, transport) as client:
        fetcher = Fetcher(client, guarded, resolve=fake_dns)
        assert fetcher.get(f"https://{ALLOWED}:{port}/v1/boards/tls/jobs").body == BODY
    assert server_names == [ALLOWED]

    def other_name(host: str) -> list[str]:
        return ["127.0.0.1"] if host == "other.test" else resolve_host(host)

    other = guarded.model_copy(update={"http_allow_private_hosts": ["other.test"]})
    transport = PinnedTransport(other, other_name, ssl_context=trusting)
    with build_client(other, transport) as client, pytest.raises(FetchError, match="CERTIFICATE"):
        Fetcher(client, other, resolve=other_name).get(f"https://other.test:{port}/")


def test_a_payload_fetched_from_the_web_never_leads_to_a_local_file() -> None:
    from jobingest.pipeline import followable

    links = [
        "https://boards.example/jobs?page=2",
        "file:///etc/passwd",
        "FILE:///etc/shadow",
        "gopher://127.0.0.1:70/x",
        "http://boards.example/jobs?page=3",
    ]
    assert followable("https://boards.example/jobs", links) == [links[0], links[4]]
    # A payload replayed from disk may name its sibling files (a saved sitemap and its pages).
    assert followable("file:///data/sitemap.xml", ["file:///data/page1.html"]) == [
        "file:///data/page1.html"
    ]
