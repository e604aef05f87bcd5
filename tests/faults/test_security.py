"""The HF token and TLS: where the token goes (only to the Space's own
host, also across redirects), where it must never appear (logs at DEBUG,
urllib3's included; reprs; exception messages and their chains), TLS
verification on by default, and bandit's verdict on the package."""

from __future__ import annotations

import json
import logging
import shutil
import ssl
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Iterator, List

import pytest

import qwen_spaces
from qwen_spaces import Client, Timeout
from qwen_spaces.errors import (
    AuthenticationError,
    QwenSpacesError,
    SpaceUnavailableError,
    StreamInterruptedError,
)

from . import fault_server as fs
from .fault_server import FaultServer
from .helpers import MODEL, MSG

MakeClient = Callable[..., Client]
TOKEN = "hf_SECRETtoken1234567890abcdef"


@pytest.fixture
def other_host() -> Iterator[FaultServer]:
    """A second server, reached as "localhost" (another host than 127.0.0.1)."""
    srv = FaultServer("127.0.0.1", url_host="localhost")
    try:
        yield srv
    finally:
        srv.close()


def _authorization(requests: List[fs.Request]) -> List[str]:
    return [r.headers["authorization"] for r in requests if "authorization" in r.headers]


def _assert_secret_absent(*texts: str) -> None:
    for text in texts:
        assert TOKEN not in text
        assert TOKEN[3:] not in text  # not even without the hf_ prefix


def _exception_text(exc: BaseException) -> str:
    parts = ["".join(traceback.format_exception(type(exc), exc, exc.__traceback__)), repr(exc), str(exc)]
    parts += [repr(value) for value in vars(exc).values()]
    cause = exc.__cause__ or exc.__context__
    while cause is not None:
        parts += [repr(cause), str(cause)]
        cause = cause.__cause__ or cause.__context__
    return "\n".join(parts)


def test_token_goes_to_the_space_on_every_request(server: FaultServer, make_client: MakeClient) -> None:
    server.on_data(lambda s: [*fs.head_steps(s)[:4], fs.CUT])
    client = make_client(hf_token=TOKEN)
    with pytest.raises(StreamInterruptedError):
        list(client.stream(MODEL, MSG))
    assert server.wait_for(lambda: server.cancels, 5.0)
    paths = [r.path for r in server.requests]
    assert paths == [fs.JOIN, fs.DATA, fs.CANCEL]
    assert _authorization(server.requests) == [f"Bearer {TOKEN}"] * 3


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_no_token_to_another_host_after_a_redirect(
    server: FaultServer, other_host: FaultServer, make_client: MakeClient, code: int, report: Any
) -> None:
    server.on("POST", fs.JOIN, fs.redirect(other_host.url + fs.JOIN, code))
    other_host.on("POST", fs.JOIN, fs.status(401, {"detail": "Not authenticated"}))
    other_host.on("GET", fs.JOIN, fs.status(401, {"detail": "Not authenticated"}))  # 301-303 turn POST into GET
    client = make_client(hf_token=TOKEN)
    with pytest.raises(QwenSpacesError) as info:
        client.stream(MODEL, MSG)
    assert _authorization(server.requests) == [f"Bearer {TOKEN}"]
    assert other_host.requests, "the redirect was not followed"
    assert _authorization(other_host.requests) == []
    _assert_secret_absent(_exception_text(info.value))
    report(f"{code} to another host: no Authorization there", f"B saw {len(other_host.requests)} request(s), "
           "none with Authorization", 0.0)


def test_no_token_to_another_port_after_a_redirect(make_client: MakeClient, server: FaultServer) -> None:
    with FaultServer() as elsewhere:  # same host, other port: another origin
        server.on("POST", fs.JOIN, fs.redirect(elsewhere.url + fs.JOIN, 307))
        client = make_client(hf_token=TOKEN)
        with pytest.raises(QwenSpacesError):
            list(client.stream(MODEL, MSG))  # the job lives on the other server: the stream fails
        assert elsewhere.joins == 1 and _authorization(elsewhere.requests) == []


def test_no_token_when_the_stream_redirects(
    server: FaultServer, other_host: FaultServer, make_client: MakeClient
) -> None:
    server.on("GET", fs.DATA, fs.redirect(other_host.url + "/elsewhere", 302))
    other_host.on("GET", "/elsewhere", fs.sse(lambda s: []))
    client = make_client(hf_token=TOKEN)
    with pytest.raises(QwenSpacesError):
        list(client.stream(MODEL, MSG))
    assert other_host.requests and _authorization(other_host.requests) == []


def test_token_never_in_logs_reprs_or_errors(
    server: FaultServer, other_host: FaultServer, make_client: MakeClient, caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)  # root: qwen_spaces, urllib3, requests, everything
    for name in ("urllib3", "qwen_spaces", "requests"):
        caplog.set_level(logging.DEBUG, logger=name)
    other_host.on("POST", fs.JOIN, fs.status(401, {"detail": "Not authenticated"}))
    client = make_client(hf_token=TOKEN, max_retries=1, timeout=Timeout(connect=1.0, read=0.5, total=5.0))
    texts = [repr(client), repr(client._transport), str(client.__dict__)]
    errors: List[BaseException] = []

    # a good reply
    stream = client.stream(MODEL, MSG)
    texts.append(repr(stream))
    assert "".join(stream) == fs.REPLY
    texts += [repr(stream), repr(stream.result)]
    # every kind of failure, each from a fresh script
    scripts: List[Any] = [
        ("POST", fs.JOIN, fs.status(401, {"detail": "Not authenticated"})),
        ("POST", fs.JOIN, fs.status(503, "<html>Bearer in the page?</html>", content_type="text/html")),
        ("POST", fs.JOIN, fs.status(200, "<html>login</html>", content_type="text/html")),
        ("POST", fs.JOIN, fs.redirect(other_host.url + fs.JOIN)),  # other_host answers 401
        ("POST", fs.JOIN, fs.stall()),
        ("POST", fs.JOIN, fs.garbage()),
    ]
    for method, path, handler in scripts:
        server.on(method, path, handler)
        with pytest.raises(QwenSpacesError) as info:
            client.stream(MODEL, MSG)
        errors.append(info.value)
    server.on("POST", fs.JOIN, fs.join_ok())
    for script in (
        lambda s: [*fs.head_steps(s)[:4], fs.CUT],
        lambda s: [*fs.head_steps(s)[:4], b"data: {broken\n\n", fs.END],
        lambda s: [*fs.head_steps(s)[:4], fs.failed(s, "boom"), fs.END],
        lambda s: [*fs.head_steps(s)[:4], fs.HANG],
    ):
        server.on_data(script)
        stream = client.stream(MODEL, MSG)
        with pytest.raises(QwenSpacesError) as info:
            list(stream)
        errors.append(info.value)
        texts.append(repr(stream))
    with pytest.raises(SpaceUnavailableError) as refused:
        Client(base_urls={MODEL: "http://127.0.0.1:9"}, hf_token=TOKEN, max_retries=0).stream(MODEL, MSG)
    errors.append(refused.value)

    assert {type(e) for e in errors} >= {AuthenticationError, SpaceUnavailableError, StreamInterruptedError}
    texts += [_exception_text(e) for e in errors]
    captured = capsys.readouterr()
    assert caplog.records, "nothing was logged: the check would be empty"
    assert any(r.name.startswith("urllib3") for r in caplog.records)
    _assert_secret_absent(caplog.text, captured.out, captured.err, *texts)
    # the token did travel, where it should
    assert f"Bearer {TOKEN}" in _authorization(server.requests)


def test_tls_verification_is_on_by_default() -> None:
    client = Client()
    try:
        assert client._transport.session.verify is True
    finally:
        client.close()


def test_verify_false_is_loud(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="qwen_spaces")
    Client(verify=False).close()
    assert any("verification is OFF" in r.getMessage() for r in caplog.records)


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return folder


def test_a_self_signed_space_is_refused_unless_trusted(self_signed: Path, report: Any) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(self_signed / "cert.pem", self_signed / "key.pem")
    with FaultServer(url_host="localhost", tls=context) as secure:
        assert secure.url.startswith("https://localhost:")
        refused = Client(base_urls={MODEL: secure.url}, hf_token=TOKEN, max_retries=1, retry_max_wait=0.05)
        with refused, pytest.raises(SpaceUnavailableError) as info:
            refused.stream(MODEL, MSG)
        assert "CERTIFICATE_VERIFY_FAILED" in str(info.value) and "verify=" in str(info.value)
        deadline = time.monotonic() + 5  # the server notes the failed handshake after the client
        while secure.tls_failures < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert secure.tls_failures == 1 and not secure.requests  # not retried; the token never left
        trusting = Client(base_urls={MODEL: secure.url}, verify=str(self_signed / "cert.pem"))
        with trusting:
            assert trusting.chat(MODEL, MSG).text == fs.REPLY
    report("TLS: unknown certificate refused (token not sent); trusted CA bundle works",
           f"{type(info.value).__name__}: {info.value}", 0.0)


def test_bandit_reports_nothing_medium_or_high() -> None:
    """``bandit -r qwen_spaces -ll``: no medium or high findings."""
    bandit = Path(sys.executable).with_name("bandit")
    if not bandit.exists():
        pytest.skip("bandit is not installed (pip install .[test])")
    package = Path(qwen_spaces.__file__).resolve().parent
    run = subprocess.run(
        [str(bandit), "-r", str(package), "-ll", "-f", "json", "-q"], capture_output=True, text=True,
    )
    results = json.loads(run.stdout)["results"]
    findings = [f"{Path(r['filename']).name}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in results]
    assert not findings, findings


def test_an_explicit_ca_bundle_beats_requests_ca_bundle(self_signed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """requests lets REQUESTS_CA_BUNDLE override ``session.verify``; the
    bundle given to the Client must win."""
    certifi = pytest.importorskip("certifi")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())  # a valid bundle without our CA
    monkeypatch.setenv("CURL_CA_BUNDLE", certifi.where())
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(self_signed / "cert.pem", self_signed / "key.pem")
    with FaultServer(url_host="localhost", tls=context) as secure:
        with Client(base_urls={MODEL: secure.url}, verify=str(self_signed / "cert.pem")) as client:
            assert client.chat(MODEL, MSG).text == fs.REPLY
        with Client(base_urls={MODEL: secure.url}, max_retries=0) as default:  # verify=True: the env bundle
            with pytest.raises(SpaceUnavailableError, match="CERTIFICATE_VERIFY_FAILED"):
                default.stream(MODEL, MSG)


def test_explicit_proxies_beat_proxy_environment_variables(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fault server as a plain HTTP proxy; HTTP_PROXY points nowhere."""
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    space = "http://space.invalid:7860"
    with Client(base_urls={MODEL: space}, allow_http=True, proxies={"http": server.url}, max_retries=0) as client:
        assert client.chat(MODEL, MSG).text == fs.REPLY
    assert [r.path for r in server.requests] == [fs.JOIN, fs.DATA]
