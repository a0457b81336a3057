"""An agent's server under test, in a sandbox of its own, reached only through a bridge.

The safe pattern for grader-owned programs: the grader's client never runs beside the
code under test. The server runs in a fresh sandbox on a copy of the workspace (private
network namespace: its loopback is its own). Inside the same sandbox, socat (a system
binary, not a file the agent can replace) forwards a unix socket in the sandbox's /tmp
to the server's loopback port. The grader's HTTP client runs in the harness and connects
to that socket, so every status, body and latency is observed by grader code; nothing
comes back through a file or process the agent's code can touch. An agent that kills or
replaces the bridge only breaks its own answers.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import stat
import subprocess
import threading
import time
from pathlib import Path

from mlskills.errors import SandboxError
from mlskills.grading import http
from mlskills.sandbox import Sandbox
from mlskills.sandbox.output import CappedBuffer

BRIDGE_DIR = ".mlskills-bridge"
SOCKET_NAME = "http.sock"
POLL = 0.25  # seconds between readiness polls (each one forks a bridge process)
# A unix socket refuses connections only when nothing listens on it: socat binds and
# listens at once and then forks per connection, so refusals that last this long mean
# the bridge is dead (killed from inside the sandbox), not that the server is starting.
BRIDGE_GONE = 3.0


class Service:
    """A running server: send it requests, open raw connections, read its log tail."""

    def __init__(self, sandbox: Sandbox, proc: subprocess.Popen, socket_path: Path) -> None:
        self.sandbox = sandbox
        self.proc = proc
        self.socket_path = socket_path
        self.bridge: http.Bridge | None = None
        self._log = CappedBuffer(16 * 1024)
        self._drain = threading.Thread(target=self._read_output, daemon=True)
        self._drain.start()

    def _read_output(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            while chunk := self.proc.stdout.read1(65536):
                self._log.write(chunk)

    # ---- start-up

    def wait_ready(self, path: str = "/health", timeout: float = 40.0) -> str | None:
        """Wait until GET `path` answers 200; None when ready, else why not (agent's fault)."""
        deadline = time.monotonic() + timeout
        refused_since = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return f"the server exited with code {self.proc.returncode} before it was ready"
            if self.bridge is None:
                self.bridge = self._open_bridge()
            if self.bridge is not None:
                left = max(0.1, min(2.0, deadline - time.monotonic()))
                reply = self.request("GET", path, timeout=left)
                if reply.status == 200:
                    return None
                now = time.monotonic()
                refused = reply.error == "ConnectionRefusedError"
                refused_since = (refused_since or now) if refused else None
                if refused_since is not None and now - refused_since > BRIDGE_GONE:
                    return "the bridge to the server stopped listening (killed inside the sandbox)"
            time.sleep(POLL)
        return f"GET {path} did not answer 200 within {timeout:g} s"

    def _open_bridge(self) -> http.Bridge | None:
        try:
            info = self.socket_path.lstat()
        except OSError:
            return None  # socat is not listening yet
        if not stat.S_ISSOCK(info.st_mode):
            return None
        try:
            return http.Bridge(self.socket_path)
        except http.SocketRefused:
            return None

    # ---- talking to it

    def request(
        self, method: str, path: str, body: bytes | None = None, *, timeout: float = 10.0
    ) -> http.Reply:
        """One HTTP request, observed by the grader (status, body, JSON, seconds)."""
        if self.bridge is None:
            return http.Reply(None, error="not started")
        return http.request(self.bridge, method, path, body, timeout=timeout)

    def connect(self, timeout: float = 10.0) -> socket.socket:
        """A raw connection to the server (e.g. a client that stalls mid-request)."""
        if self.bridge is None:
            raise OSError("the service is not started")
        return self.bridge.connect(timeout)

    def log_tail(self, lines: int = 1) -> str:
        """The last lines the server printed (agent text: sanitise before showing)."""
        text = self._log.text().strip().splitlines()
        return "\n".join(text[-lines:]) if text else "(no output)"

    def stop(self) -> None:
        self.sandbox.close()
        if self.bridge is not None:
            self.bridge.close()
            self.bridge = None


def start(sandbox: Sandbox, command: str, *, network: bool = False) -> Service:
    """Start `command` ({port} filled in) with the socat bridge beside it in `sandbox`."""
    socat = shutil.which("socat")
    if not socat:
        raise SandboxError("grading a server needs socat on the host (apt-get install socat)")
    folder = sandbox.tmp / BRIDGE_DIR
    folder.mkdir(mode=0o700)
    socket_path = folder / SOCKET_NAME
    guest = sandbox.guest_path(socket_path)
    listen = f"UNIX-LISTEN:{guest},fork,mode=600"
    port = free_port()
    server = command.replace("{port}", str(port))
    # socat's own complaints (a refused connect while the server starts) stay out of the
    # server's log, whose last line explains a failed start.
    script = f"{socat} {listen} TCP:127.0.0.1:{port} 2>/dev/null & exec {server}"
    proc = sandbox.popen(
        ["bash", "-c", script],
        network=network,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    return Service(sandbox, proc, socket_path)


def free_port() -> int:
    """A port free on the host's loopback: in a sandbox with its own network namespace any
    port would do, but the local backend shares the host's."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
