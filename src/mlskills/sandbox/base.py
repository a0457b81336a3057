"""The sandbox contract: run commands over one workspace, under limits, and clean up fully.

`Sandbox` holds everything backends share (environment, rlimits, capped output, deadlines,
killing process groups and stray daemons). A backend only decides how an argv is wrapped
(`wrap`): the local backend runs it as is, bubblewrap runs it inside namespaces.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from typing import IO

from mlskills.errors import SandboxError
from mlskills.sandbox.environment import scrubbed_env
from mlskills.sandbox.output import DEFAULT_CAP, CappedBuffer
from mlskills.sandbox.processes import MARKER, kill_group, kill_marked
from mlskills.schema import ExecResult, Limits

MiB = 1024 * 1024
EXIT_GRACE = 0.2  # seconds to keep reading after the command exits (slow pipe flushes)


class Sandbox:
    """A workspace plus the means to run commands in it. Subclasses override `wrap`."""

    kind = "local"
    isolates_filesystem = False  # True where the agent cannot read the host's files

    def __init__(self, workdir: Path, limits: Limits, scratch: Path | None = None) -> None:
        self.workdir = Path(workdir).resolve()
        self.limits = limits
        self.scratch = Path(scratch) if scratch else self.workdir.parent
        self.home = self.scratch / "home"
        self.tmp = self.scratch / "tmp"
        self.home.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.token = uuid.uuid4().hex
        self.shared: dict[Path, str] = {}  # host folder -> where it appears inside (read-only)
        self._groups: list[subprocess.Popen] = []

    # ---- what a backend customises

    def wrap(self, argv: list[str], *, network: bool = False) -> list[str]:
        """The argv that runs `argv` inside this sandbox (local: unchanged)."""
        return argv

    def guest_path(self, host_path: Path) -> str:
        """How the sandboxed process sees a host path under the workspace."""
        return str(host_path)

    def share(self, host_dir: Path, guest_dir: str) -> str:
        """Show a host folder read-only to later commands (the credential proxy's socket
        folder); returns the path a sandboxed process uses for it. Local: the host path."""
        self.shared[Path(host_dir).absolute()] = guest_dir
        return self.guest_path(Path(host_dir))

    # ---- shared machinery

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = scrubbed_env(self.guest_path(self.home), self.guest_path(self.tmp), extra)
        env[MARKER] = self.token
        return env

    def _limited(self, argv: list[str]) -> list[str]:
        """Prefix prlimit (an exec, no Python in the child) to apply rlimits before start."""
        prlimit = shutil.which("prlimit")
        if not prlimit:
            return argv
        lim = self.limits
        return [
            prlimit,
            f"--as={lim.memory_mb * MiB}",
            f"--fsize={lim.file_size_mb * MiB}",
            f"--nproc={lim.max_processes}",
            "--core=0",
            "--",
            *argv,
        ]

    def popen(
        self,
        argv: list[str],
        *,
        env: dict[str, str] | None = None,
        secrets: dict[str, str] | None = None,
        network: bool = False,
        stdin: int | IO | None = subprocess.DEVNULL,
        stdout: int | IO | None = subprocess.PIPE,
        stderr: int | IO | None = subprocess.PIPE,
    ) -> subprocess.Popen:
        """Start a process in its own session; it is killed at `close()` if still alive.

        `secrets` are added to the environment after scrubbing: only an agent whose own
        process needs a credential (e.g. the Claude Code CLI) passes one.
        """
        full_env = self.env(env)
        full_env.update(secrets or {})
        try:
            proc = subprocess.Popen(
                self._limited(self.wrap(argv, network=network)),
                cwd=self.workdir,
                env=full_env,
                stdin=stdin,
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,
            )
        except OSError as exc:
            raise SandboxError(f"{self.kind} sandbox could not start {argv[0]!r}: {exc}") from exc
        self._groups.append(proc)
        return proc

    @property
    def _pid_floor(self) -> int:
        """The first PID this sandbox started: everything it spawned came later."""
        return min((p.pid for p in self._groups), default=0)

    def exec(
        self,
        command: str | list[str],
        *,
        timeout: float | None = None,
        env: dict[str, str] | None = None,
        secrets: dict[str, str] | None = None,
        stdin: bytes | None = None,
        network: bool = False,
        output_cap: int = DEFAULT_CAP,
    ) -> ExecResult:
        """Run a command to completion (a string goes through bash) and capture its output."""
        argv = ["bash", "-c", command] if isinstance(command, str) else list(command)
        timeout = timeout or self.limits.command_timeout
        start = time.monotonic()
        proc = self.popen(
            argv,
            env=env,
            secrets=secrets,
            network=network,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        )
        if stdin:
            _feed(proc, stdin)
        out, err = CappedBuffer(output_cap), CappedBuffer(output_cap)
        timed_out = _pump(proc, out, err, deadline=start + timeout)
        timed_out = timed_out or _await_exit(proc, deadline=start + timeout)
        kill_group(proc.pid)  # whatever it left running in its group goes with it
        code = proc.wait()
        return ExecResult(
            exit_code=code if not timed_out else 124,
            stdout=out.text(),
            stderr=err.text(),
            duration=time.monotonic() - start,
            timed_out=timed_out,
            truncated=out.truncated or err.truncated,
        )

    def close(self) -> None:
        """Kill everything this sandbox started, in its groups or escaped from them."""
        if not self._groups:
            return
        for proc in self._groups:
            kill_group(proc.pid)
        kill_marked(self.token, self._pid_floor)
        for proc in self._groups:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        self._groups.clear()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _feed(proc: subprocess.Popen, data: bytes) -> None:
    try:
        proc.stdin.write(data)
        proc.stdin.close()
    except BrokenPipeError:
        pass


def _await_exit(proc: subprocess.Popen, deadline: float) -> bool:
    """Wait for the command itself after its pipes closed; True if the deadline came first.

    Pipes reach end of file a moment before the exit status is ready (or long before, when
    a command closes them and keeps working); killing the group then would turn a clean
    exit into -9.
    """
    try:
        proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return True
    return False


def _pump(proc: subprocess.Popen, out: CappedBuffer, err: CappedBuffer, deadline: float) -> bool:
    """Drain both pipes until the command exits (plus a grace) or the deadline; True on timeout.

    Background children that inherited the pipes would keep them open forever, so reading
    stops shortly after the command itself exits rather than at end of file.
    """
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, out)
    sel.register(proc.stderr, selectors.EVENT_READ, err)
    exited_at = None
    try:
        while sel.get_map():
            now = time.monotonic()
            if now >= deadline:
                kill_group(proc.pid)
                return True
            if exited_at is None and proc.poll() is not None:
                exited_at = now
            if exited_at is not None and now - exited_at > EXIT_GRACE:
                break
            wait = min(deadline - now, 0.05 if exited_at is None else EXIT_GRACE)
            for key, _ in sel.select(timeout=wait):
                chunk = os.read(key.fd, 65536)
                if chunk:
                    key.data.write(chunk)
                else:
                    sel.unregister(key.fileobj)
        return False
    finally:
        sel.close()
        proc.stdout.close()
        proc.stderr.close()
