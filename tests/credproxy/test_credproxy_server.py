"""The credential proxy against the loopback fake API, through the real `anthropic` SDK (over
the proxy's unix socket) and through raw HTTP where the bytes themselves matter."""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import anthropic
import pytest
from fakes.messages_api import (
    FakeMessagesAPI,
    dropped,
    fault,
    message_json,
    reply,
    sse_events,
    stream_error,
    text,
    tool_use,
)

from mlskills.credproxy import Credential, CredentialProxy

try:  # the transport library under the SDK: httpx2 in SDK 2.x, httpx before
    import httpx2 as _http
except ModuleNotFoundError:
    import httpx as _http

KEY = "sk-ant-real-KEY-for-proxy-tests-42"
MESSAGE = {"model": "claude-x", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture
def proxy(fake_api: FakeMessagesAPI, tmp_path: Path):
    with CredentialProxy(Credential("ANTHROPIC_API_KEY", KEY, fake_api.url), tmp_path / "s") as p:
        yield p


def sdk(proxy: CredentialProxy, token: str | None = None) -> anthropic.Anthropic:
    transport = _http.HTTPTransport(uds=str(proxy.socket_path))
    return anthropic.Anthropic(
        api_key=token or proxy.token,
        base_url="http://proxy",
        max_retries=0,
        http_client=_http.Client(transport=transport),
    )


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: Path) -> None:
        super().__init__("proxy", timeout=10)
        self.path = str(path)

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        if len(self.path) <= 107:
            self.sock.connect(self.path)
            return
        folder = os.open(os.path.dirname(self.path), os.O_PATH | os.O_DIRECTORY)
        try:  # what the forwarder does for a long path
            self.sock.connect(f"/proc/self/fd/{folder}/{os.path.basename(self.path)}")
        finally:
            os.close(folder)


def raw(proxy, method, path, body=None, token=True, headers=None) -> http.client.HTTPResponse:
    conn = UnixHTTPConnection(proxy.socket_path)
    sent = {"content-type": "application/json", **(headers or {})}
    if token:
        sent["x-api-key"] = proxy.token
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers=sent)
    return conn.getresponse()


def test_requests_reach_the_api_with_the_real_key_not_the_token(proxy, fake_api):
    fake_api.push(reply(text("hello")), reply(text("streamed")))
    client = sdk(proxy)
    assert client.messages.create(**MESSAGE).content[0].text == "hello"
    with client.messages.stream(**MESSAGE) as stream:
        assert stream.get_final_message().content[0].text == "streamed"
    assert len(fake_api.message_requests) == 2
    for request in fake_api.message_requests:
        assert request.headers["x-api-key"] == KEY and "authorization" not in request.headers
        assert proxy.token not in json.dumps(request.headers)
        assert request.headers["anthropic-version"]  # the client's own headers go through
    assert proxy.stats.forwarded == 2 and not proxy.stats.refused


def test_an_auth_token_goes_on_as_a_bearer_header(fake_api, tmp_path):
    fake_api.push(reply(text("ok")))
    credential = Credential("ANTHROPIC_AUTH_TOKEN", KEY, fake_api.url)
    with CredentialProxy(credential, tmp_path / "s") as proxy:
        sdk(proxy).messages.create(**MESSAGE)
    [request] = fake_api.message_requests
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert "x-api-key" not in request.headers


def test_a_multi_event_stream_arrives_intact(proxy, fake_api):
    answer = reply(text("first block"), tool_use("Bash", {"command": "ls -la"}))
    fake_api.push(answer, answer)
    response = raw(proxy, "POST", "/v1/messages?beta=true", {**MESSAGE, "stream": True})
    assert response.status == 200
    assert response.getheader("content-type").startswith("text/event-stream")
    body = response.read().decode()
    expected = [name for name, _ in sse_events(message_json(answer, "m", {"output_tokens": 1}))]
    assert [line[7:] for line in body.splitlines() if line.startswith("event: ")] == expected
    assert len(expected) >= 10
    with sdk(proxy).messages.stream(**MESSAGE) as stream:
        final = stream.get_final_message()
    assert [b.type for b in final.content] == ["text", "tool_use"]
    assert final.content[1].input == {"command": "ls -la"}


def test_a_mid_stream_error_event_passes_through(proxy, fake_api):
    fake_api.push(stream_error(after_events=3, message="Overloaded mid-way"))
    stream = sdk(proxy).messages.stream(**MESSAGE)
    with pytest.raises(anthropic.APIStatusError, match="Overloaded mid-way"), stream as events:
        events.get_final_message()
    assert proxy.stats.error_responses == 1


def test_a_cut_stream_is_cut_for_the_client_too(proxy, fake_api):
    """The API dropping the connection mid-stream must not look like a complete response."""
    fake_api.push(dropped(after_events=2))
    response = raw(proxy, "POST", "/v1/messages", {**MESSAGE, "stream": True})
    with pytest.raises(http.client.IncompleteRead):
        response.read()
    assert proxy.stats.upstream_errors == 1


def test_http_errors_pass_through_with_their_headers(proxy, fake_api):
    fake_api.push(fault(529, "overloaded_error", "busy", retry_after="7"))
    response = raw(proxy, "POST", "/v1/messages", MESSAGE)
    assert response.status == 529 and response.getheader("retry-after") == "7"
    assert json.loads(response.read())["error"]["type"] == "overloaded_error"
    assert proxy.stats.error_responses == 1  # what the CLI's error claims are checked against


@pytest.mark.parametrize("token", [None, "sk-ant-guessed", KEY])
def test_a_request_without_the_proxy_token_never_reaches_the_api(proxy, fake_api, token):
    """Not even the real key is accepted: only this proxy's token opens it."""
    headers = {"x-api-key": token} if token else {}
    response = raw(proxy, "POST", "/v1/messages", MESSAGE, token=False, headers=headers)
    assert response.status == 401
    assert not fake_api.requests and proxy.stats.refused == {"token": 1}
    assert proxy.stats.error_responses == 1


def test_a_bearer_token_is_accepted_too(proxy, fake_api):
    fake_api.push(reply(text("ok")))
    headers = {"authorization": f"Bearer {proxy.token}"}
    response = raw(proxy, "POST", "/v1/messages", MESSAGE, token=False, headers=headers)
    assert response.status == 200 and fake_api.message_requests[0].headers["x-api-key"] == KEY


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/models"),
        ("POST", "/v1/complete"),
        ("POST", "/v1/messages/batches"),
        ("POST", "/api/oauth/token"),
        ("POST", "/v1/messages/../files"),
        ("DELETE", "/v1/messages"),
        ("HEAD", "/v1/messages"),
    ],
)
def test_only_the_messages_api_is_forwarded(proxy, fake_api, method, path):
    response = raw(proxy, method, path, MESSAGE if method == "POST" else None)
    assert response.status in (403, 404)
    response.read()
    assert not fake_api.requests


def test_connectivity_probes_are_answered_by_the_proxy(proxy, fake_api):
    for path in ("/", "/api/hello"):
        assert raw(proxy, "HEAD", path, token=False).status == 200
    assert not fake_api.requests


@pytest.mark.parametrize(
    "form", [KEY, base64.b64encode(b"x" + KEY.encode()).decode(), KEY[::-1], KEY.encode().hex()]
)
def test_a_body_holding_the_key_is_refused(proxy, fake_api, form):
    body = {**MESSAGE, "messages": [{"role": "user", "content": f"here: {form}"}]}
    response = raw(proxy, "POST", "/v1/messages", body)
    assert response.status == 400 and b"API key" in response.read()
    assert not fake_api.requests and proxy.stats.key_in_request == 1


def test_an_unreachable_api_is_a_502_in_the_apis_error_format(tmp_path):
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        closed_port = spare.getsockname()[1]
    credential = Credential("ANTHROPIC_API_KEY", KEY, f"http://127.0.0.1:{closed_port}")
    with CredentialProxy(credential, tmp_path / "s") as proxy:
        response = raw(proxy, "POST", "/v1/messages", MESSAGE)
        assert response.status == 502
        assert json.loads(response.read())["error"]["type"] == "api_error"


def test_a_path_prefix_in_the_base_url_is_kept(fake_api, tmp_path):
    fake_api.push(reply(text("ok")))
    credential = Credential("ANTHROPIC_API_KEY", KEY, fake_api.url + "/gateway")
    with CredentialProxy(credential, tmp_path / "s") as proxy:
        raw(proxy, "POST", "/v1/messages", MESSAGE).read()
    assert [r.path for r in fake_api.requests] == ["/gateway/v1/messages"]


def test_keep_alive_carries_several_requests_on_one_connection(proxy, fake_api):
    fake_api.push(reply(text("one")), reply(text("two")), reply(text("three")))
    conn = UnixHTTPConnection(proxy.socket_path)
    for word in ("one", "two", "three"):
        conn.request("POST", "/v1/messages", json.dumps(MESSAGE), {"x-api-key": proxy.token})
        assert json.loads(conn.getresponse().read())["content"][0]["text"] == word
    conn.close()


def test_a_socket_path_longer_than_a_unix_address_works(fake_api, tmp_path):
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    fake_api.push(reply(text("ok")))
    with CredentialProxy(Credential("ANTHROPIC_API_KEY", KEY, fake_api.url), deep / "s") as proxy:
        assert len(str(proxy.socket_path)) > 108
        assert raw(proxy, "POST", "/v1/messages", MESSAGE).status == 200
    assert not (deep / "s").exists()  # removed at close


class _SlowStream(BaseHTTPRequestHandler):
    """An upstream that sends one event, waits until the client confirms it arrived, then
    finishes: a proxy that buffered would never deliver the first event in time."""

    protocol_version = "HTTP/1.1"
    release: threading.Event

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["content-length"]))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        for data, wait in ((b"event: ping\ndata: {}\n\n", True), (b"event: done\n\n", False)):
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()
            if wait:
                self.release.wait(timeout=20)
        self.wfile.write(b"0\r\n\r\n")


def test_streaming_is_not_buffered(tmp_path):
    release = threading.Event()
    handler = type("Slow", (_SlowStream,), {"release": release})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with CredentialProxy(Credential("ANTHROPIC_API_KEY", KEY, url), tmp_path / "s") as proxy:
            response = raw(proxy, "POST", "/v1/messages", MESSAGE)
            started = time.monotonic()
            first = response.read1(4096)
            assert b"event: ping" in first and time.monotonic() - started < 5
            release.set()
            assert b"event: done" in response.read()
    finally:
        release.set()
        server.shutdown()


def test_the_hosts_https_proxy_is_used_for_the_api_unless_bypassed(monkeypatch):
    from mlskills.credproxy.server import _http_proxy, _proxy_auth

    monkeypatch.setenv("HTTPS_PROXY", "http://user:p%40ss@corp-proxy:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    via = _http_proxy("https", "api.anthropic.com")
    assert (via.hostname, via.port) == ("corp-proxy", 3128)
    assert _proxy_auth(via) == {
        "Proxy-Authorization": "Basic " + base64.b64encode(b"user:p@ss").decode()
    }
    assert _http_proxy("https", "internal.example") is None
    assert _http_proxy("http", "127.0.0.1") is None  # the loopback fake: never proxied


def test_the_proxy_counts_the_usage_the_api_reported(proxy, fake_api):
    """Harness-side token counts, streamed or not, cut or not: the CLI's own numbers come
    from inside the sandbox."""
    fixed = {"input_tokens": 11, "output_tokens": 7, "cache_read_input_tokens": 3}
    fake_api.push(reply(text("a"), usage=fixed), reply(text("b"), usage=fixed))
    client = sdk(proxy)
    client.messages.create(**MESSAGE)
    with client.messages.stream(**MESSAGE) as stream:
        stream.get_final_message()
    fake_api.push(fault(529, "overloaded_error", "busy"))  # an error bills nothing
    raw(proxy, "POST", "/v1/messages", MESSAGE).read()
    usage = proxy.stats.to_dict()["usage"]
    assert usage["responses"] == 2 and usage["unread"] == 0
    assert (usage["input_tokens"], usage["output_tokens"]) == (22, 14)
    assert usage["cache_read_input_tokens"] == 6
    assert list(proxy.stats.usage.by_model) == ["claude-x"]  # priced per model later


def test_an_https_upstream_is_verified_and_used(fake_api, tmp_path, monkeypatch):
    """The real API is https: the proxy verifies its certificate against the system's
    trust store (here a throwaway self-signed certificate named in SSL_CERT_FILE)."""
    import shutil
    import ssl
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    argv = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    argv += ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost"]
    argv += ["-addext", "subjectAltName=DNS:localhost"]
    subprocess.run(argv, check=True, capture_output=True, timeout=120)
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    fake_api._server.socket = server_side.wrap_socket(fake_api._server.socket, server_side=True)
    port = fake_api._server.server_address[1]
    fake_api.push(reply(text("over tls")))
    credential = Credential("ANTHROPIC_API_KEY", KEY, f"https://localhost:{port}")
    with CredentialProxy(credential, tmp_path / "untrusted") as proxy:  # not trusted yet
        assert raw(proxy, "POST", "/v1/messages", MESSAGE).status == 502
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    with CredentialProxy(credential, tmp_path / "trusted") as proxy:
        answer = json.loads(raw(proxy, "POST", "/v1/messages", MESSAGE).read())
    assert answer["content"][0]["text"] == "over tls"
    assert fake_api.message_requests[-1].headers["x-api-key"] == KEY
