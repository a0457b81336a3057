"""The host side of the credential proxy: an HTTP server on a unix socket that adds the key.

A sandboxed client (the Claude Code CLI) talks plain HTTP to it with a per-proxy token in
place of a key. The proxy checks the token, drops it, adds the real credential and forwards
the request to the upstream API; the response streams back unbuffered, byte for byte (a
cut upstream stream is cut downstream too). Only the Messages API is forwarded, and a
request that carries the real key in its body (a model pasting it into a tool result) is
refused: the key can only leave the harness in the header it belongs in.
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import http.client
import json
import os
import secrets
import socket
import socketserver
import ssl
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from mlskills import api_gate
from mlskills.credproxy.credential import Credential
from mlskills.credproxy.usage import ResponseUsage, UsageTotals
from mlskills.redaction import secret_forms

FORWARDED_PATHS = ("/v1/messages", "/v1/messages/count_tokens")
PROBE_PATHS = ("/", "/api/hello")  # HEAD connectivity checks some CLI versions send
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
REPLACED = {"host", "content-length", "x-api-key", "authorization"}
MAX_BODY = 64 * 1024 * 1024  # the API itself refuses requests far smaller than this
UPSTREAM_TIMEOUT = 900.0  # seconds without a byte from the API (streams send pings)
IDLE_TIMEOUT = 900.0  # seconds a client connection may sit idle
UNIX_PATH_MAX = 107


@dataclass
class ProxyStats:
    """What went through, for the trial record (never the key or the token)."""

    forwarded: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    upstream_errors: int = 0
    error_responses: int = 0  # every failure a client saw: API errors, cuts, our refusals
    key_in_request: int = 0  # requests refused because their body held the real key
    usage: UsageTotals = field(default_factory=UsageTotals)  # as the API reported it

    def refuse(self, reason: str) -> None:
        self.refused[reason] = self.refused.get(reason, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "forwarded": self.forwarded,
            "refused": dict(self.refused),
            "upstream_errors": self.upstream_errors,
            "error_responses": self.error_responses,
            "key_in_request": self.key_in_request,
            "usage": self.usage.to_dict(),
        }


class CredentialProxy:
    """One proxy on one unix socket; `token` is the only key its clients ever see."""

    def __init__(self, credential: Credential, socket_path: Path) -> None:
        self.credential = credential
        self.socket_path = Path(socket_path)
        self.token = "sk-ant-proxy-" + secrets.token_urlsafe(24)
        self.stats = ProxyStats()
        self.lock = threading.Lock()
        self._leak_forms = tuple(f.encode() for f in secret_forms(credential.value))
        self._server: _UnixServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()

    def start(self) -> CredentialProxy:
        handler = type("Handler", (_Handler,), {"proxy": self})
        with _bindable(self.socket_path) as address:
            self._server = _UnixServer(address, handler, self)
        os.chmod(self.socket_path, 0o666)  # the sandbox's uid differs when the harness is root
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.1,), name="credproxy", daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop accepting, cut open connections (the trial is over), remove the socket."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server = None
        with self.lock:
            for conn in list(self._connections):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()

    def __enter__(self) -> CredentialProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- used by the handler

    def authorised(self, headers: Any) -> bool:
        presented = headers.get("x-api-key") or ""
        bearer = headers.get("authorization") or ""
        if bearer.lower().startswith("bearer "):
            presented = presented or bearer[7:].strip()
        return hmac.compare_digest(presented.encode(), self.token.encode())

    def carries_key(self, body: bytes) -> bool:
        return any(form in body for form in self._leak_forms)

    def track(self, conn: socket.socket, active: bool) -> None:
        with self.lock:
            (self._connections.add if active else self._connections.discard)(conn)


class _UnixServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, path: str, handler: type, proxy: CredentialProxy) -> None:
        self.proxy = proxy
        super().__init__(path, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up mid-stream are normal here; never print (headers hold keys)."""


@contextlib.contextmanager
def _bindable(path: Path) -> Iterator[str]:
    """A path bind() accepts: a long one (over 107 bytes) goes through /proc/self/fd."""
    if len(os.fsencode(path)) <= UNIX_PATH_MAX:
        yield str(path)
        return
    folder = os.open(path.parent, os.O_PATH | os.O_DIRECTORY)
    try:
        yield f"/proc/self/fd/{folder}/{path.name}"
    finally:
        os.close(folder)


class _Handler(BaseHTTPRequestHandler):
    proxy: CredentialProxy
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT
    server_version = "mlskills-credproxy"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        self._upstream: http.client.HTTPConnection | None = None
        self.proxy.track(self.connection, True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.proxy.track(self.connection, False)
        if self._upstream is not None:
            self._upstream.close()

    def log_message(self, format: str, *args: Any) -> None:  # never print (headers hold keys)
        pass

    def address_string(self) -> str:
        return "sandbox"

    # ---- methods

    def do_HEAD(self) -> None:
        if urlsplit(self.path).path in PROBE_PATHS:
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()
            return
        self._refuse(404, "not_found_error", "path", "the credential proxy has nothing here")

    def do_POST(self) -> None:
        if urlsplit(self.path).path not in FORWARDED_PATHS:
            message = "the credential proxy forwards only the Messages API"
            self._discard_body()
            self._refuse(403, "permission_error", "path", message)
            return
        body = self._read_body()
        if body is None:
            return
        if not self.proxy.authorised(self.headers):
            self._refuse(401, "authentication_error", "token", "unknown proxy token")
            return
        if self.proxy.carries_key(body):
            with self.proxy.lock:
                self.proxy.stats.key_in_request += 1
            message = "the request holds the API key itself; the proxy does not send it"
            self._refuse(400, "invalid_request_error", "key_in_body", message)
            return
        with api_gate.slot():  # --api-concurrency: at most N model calls in flight, run-wide
            self._forward(body)

    def do_GET(self) -> None:
        self._refuse(403, "permission_error", "method", "only POST to the Messages API")

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    # ---- request side

    def _read_body(self) -> bytes | None:
        if "chunked" in (self.headers.get("transfer-encoding") or "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("content-length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._refuse(413, "request_too_large", "size", "bad or too large content-length")
            return None
        return self.rfile.read(length)

    def _read_chunked(self) -> bytes | None:
        parts, total = [], 0
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            total += size
            if total > MAX_BODY:
                self._refuse(413, "request_too_large", "size", "request body too large")
                return None
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def _discard_body(self) -> None:
        """Read a refused request's body so the connection stays usable, or close it."""
        try:
            length = int(self.headers.get("content-length") or 0)
        except ValueError:
            length = -1
        if 0 <= length <= MAX_BODY and "transfer-encoding" not in self.headers:
            self.rfile.read(length)
        else:
            self.close_connection = True

    def _upstream_headers(self, body: bytes) -> list[tuple[str, str]]:
        kept = [
            (name, value)
            for name, value in self.headers.items()
            if name.lower() not in HOP_BY_HOP | REPLACED
        ]
        kept += list(self.proxy.credential.headers.items())
        kept.append(("content-length", str(len(body))))
        return kept

    # ---- upstream

    def _connection(self) -> http.client.HTTPConnection:
        if self._upstream is None:
            self._upstream = _connect(self.proxy.credential.upstream)
        return self._upstream

    def _send_upstream(self, body: bytes) -> http.client.HTTPResponse:
        """Send the request; a kept-alive connection the API closed meanwhile is retried once
        on a new one (nothing was answered, so nothing was processed twice)."""
        path = urlsplit(self.proxy.credential.upstream).path.rstrip("/") + self.path
        for attempt in (0, 1):
            reused = self._upstream is not None
            conn = self._connection()
            try:
                conn.putrequest("POST", path, skip_accept_encoding=True)
                for name, value in self._upstream_headers(body):
                    conn.putheader(name, value)
                conn.endheaders(body)
                return conn.getresponse()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                conn.close()
                self._upstream = None
                if not reused or attempt:
                    raise
        raise AssertionError("unreachable")

    def _forward(self, body: bytes) -> None:
        try:
            response = self._send_upstream(body)
        except (OSError, http.client.HTTPException) as exc:
            with self.proxy.lock:
                self.proxy.stats.upstream_errors += 1
            if self._upstream is not None:
                self._upstream.close()
                self._upstream = None
            message = f"credential proxy: the API could not be reached: {type(exc).__name__}"
            self._error(502, "api_error", message)
            return
        with self.proxy.lock:
            self.proxy.stats.forwarded += 1
        self._relay(response)

    def _relay(self, response: http.client.HTTPResponse) -> None:
        """Status and headers, then the body as it arrives (chunked unless sized).

        The response is accounted (usage, errors) before its last byte goes out, so anyone
        who has read the whole response can rely on the counts.
        """
        sized = response.length is not None and not response.chunked
        self.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP | {"content-length"}:
                self.send_header(name, value)
        if sized:
            self.send_header("content-length", str(response.length))
        else:
            self.send_header("transfer-encoding", "chunked")
        meter = ResponseUsage(
            response.getheader("content-type") or "", response.getheader("content-encoding") or ""
        )
        if sized and response.length == 0:
            self._account(response, meter)
        self.end_headers()
        try:
            while piece := response.read1(65536):
                meter.feed(piece)
                if meter.error_event or (sized and response.length == 0):  # the end is here
                    self._account(response, meter)
                framed = piece if sized else f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
                self.wfile.write(framed)
                self.wfile.flush()
        except (OSError, http.client.HTTPException):
            self._account(response, meter)  # billed even when cut: count what was reported
            self._cut(response)  # the API cut the stream: so does the proxy
            return
        if not sized:
            self._account(response, meter)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        response.read()  # marks the response done, so the connection can carry the next one
        if response.will_close:
            self._upstream.close()
            self._upstream = None

    def _account(self, response: http.client.HTTPResponse, meter: ResponseUsage) -> None:
        """Count one relayed response once: its usage, and whether it was an error."""
        if meter.accounted:
            return
        meter.accounted = True
        with self.proxy.lock:
            if response.status == 200:
                self.proxy.stats.usage.add(meter.result(), meter.model)
            if response.status >= 400 or meter.error_event:
                self.proxy.stats.error_responses += 1

    def _cut(self, response: http.client.HTTPResponse) -> None:
        with self.proxy.lock:
            self.proxy.stats.upstream_errors += 1
            self.proxy.stats.error_responses += 1
        response.close()
        if self._upstream is not None:
            self._upstream.close()
            self._upstream = None
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)

    # ---- answers the proxy gives itself

    def _refuse(self, status: int, error_type: str, reason: str, message: str) -> None:
        with self.proxy.lock:
            self.proxy.stats.refuse(reason)
        self._error(status, error_type, message)

    def _error(self, status: int, error_type: str, message: str) -> None:
        with self.proxy.lock:
            self.proxy.stats.error_responses += 1
        payload = json.dumps(
            {"type": "error", "error": {"type": error_type, "message": message}}
        ).encode()
        self.send_response_only(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.send_header("x-should-retry", "false")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        self.wfile.flush()


def _connect(upstream: str) -> http.client.HTTPConnection:
    """A connection to the API, through the host's HTTPS_PROXY/HTTP_PROXY when one is set
    for it (a CONNECT tunnel for https), as the SDK would."""
    parts = urlsplit(upstream)
    host, port = parts.hostname, parts.port
    via = _http_proxy(parts.scheme, host)
    if parts.scheme == "https":
        context = ssl.create_default_context()
        target = (via.hostname, via.port or 80) if via else (host, port)
        conn = http.client.HTTPSConnection(*target, timeout=UPSTREAM_TIMEOUT, context=context)
        if via:
            conn.set_tunnel(host, port or 443, headers=_proxy_auth(via))
    else:
        conn = http.client.HTTPConnection(host, port, timeout=UPSTREAM_TIMEOUT)
    conn.connect()
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # small SSE chunks
    return conn


def _proxy_auth(via: Any) -> dict[str, str]:
    if not via.username:
        return {}
    user = f"{unquote(via.username)}:{unquote(via.password or '')}"
    return {"Proxy-Authorization": "Basic " + base64.b64encode(user.encode()).decode()}


def _http_proxy(scheme: str, host: str | None) -> Any:
    """The proxy URL (split) the environment names for this upstream, if any."""
    if scheme != "https" or not host or urllib.request.proxy_bypass(host):
        return None
    found = urllib.request.getproxies().get("https")
    return urlsplit(found) if found else None
