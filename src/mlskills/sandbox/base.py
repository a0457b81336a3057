"""The sandbox contract: run commands over one workspace, under limits, and clean up fully.

`Sandbox` holds everything backends share (environment, rlimits, capped output, deadlines,
the process tracker that kills every process a trial leaves, the monitor that enforces
disk and memory) and declares what callers may ask of any backend: `isolates_filesystem`,
`allows_nested_sandbox`, `runs_as`, `limit_hit`, `start_failure`. A backend decides how a
command is launched (`launch`: argv, inherited descriptors, readiness pipes), how host
paths look inside (`guest_path`), and what happens before each start (`prepare_start`).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import selectors
import shutil
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from mlskills.deadline import INTERVAL, Deadline
from mlskills.errors import SandboxError
from mlskills.sandbox.environment import scrubbed_env
from mlskills.sandbox.monitor import Monitor
from mlskills.sandbox.output import DEFAULT_CAP, CappedBuffer
from mlskills.sandbox.processes import MARKER, kill_group
from mlskills.sandbox.tracking import tracker_for
from mlskills.schema import ExecResult, Limits

MiB = 1024 * 1024
EXIT_GRACE = 0.2  # seconds to keep reading after the command exits (slow pipe flushes)


@dataclass
class Launch:
    """How one command starts: its argv, and descriptors only for the way in.

    `fds` are inherited by the child and closed in the harness once it started. Each of
    `ready` is the read end of a pipe that a sandbox stage writes to once it is set up
    (bwrap's --info-fd): a stage that exited without writing never ran the command.
    """

    argv: list[str]
    fds: list[int] = field(default_factory=list)
    ready: list[int] = field(default_factory=list)


class Sandbox:
    """A workspace plus the means to run commands in it. Subclasses override `launch`."""

    kind = "local"

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
        self._ready: dict[int, list[int]] = {}  # pid -> readiness pipes not yet read
        self._ready_lock = threading.Lock()  # close() may run on another thread (Ctrl-C)
        self._start_failure: str | None = None
        self.tracker = tracker_for(self.token, limits.memory_mb * MiB, self.own_pid_namespace)
        self.monitor = Monitor(
            [self.workdir, self.home, self.tmp],
            limits,
            self._list_pids,
            self._stop_all,
            self.tracker.oom_killed,
        )

    # ---- what callers may ask of any backend

    @property
    def isolates_filesystem(self) -> bool:
        """True where the agent cannot read the host's files (the grading data)."""
        return False

    @property
    def allows_nested_sandbox(self) -> bool:
        """Whether a command may build its own sandbox inside (user namespaces, bwrap)."""
        return True

    @property
    def own_pid_namespace(self) -> bool:
        """Whether every command already runs in a PID namespace of the backend's own."""
        return False

    @property
    def runs_as(self) -> str:
        """Who the agent's processes are on the host, for warnings and records."""
        return describe_user(os.geteuid())

    @property
    def limit_hit(self) -> str | None:
        """The Limits field this sandbox enforced by stopping it (disk_mb, memory_mb...)."""
        return self.monitor.hit

    @property
    def start_failure(self) -> str | None:
        """Why a command of this sandbox never started (the sandbox failed, not the agent).

        Known for certain once the command exited (and always after `close`)."""
        for proc in self._groups:
            if proc.poll() is not None:
                self._check_started(proc)
        return self._start_failure

    # ---- what a backend customises

    def launch(self, argv: list[str], *, network: bool = False) -> Launch:
        """How to start `argv` inside this sandbox (local: as it is)."""
        return Launch(list(argv))

    def prepare_start(self) -> None:
        """Called before each command starts (bwrap hands the writable folders over)."""

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
        """The scrubbed environment, with this interpreter's folder first on PATH: the
        agent's `python` is the one with the task's libraries even when the harness was
        started as /path/to/venv/bin/mlskills from a shell that never activated the venv
        (the host PATH then finds a bare system python)."""
        env = scrubbed_env(self.guest_path(self.home), self.guest_path(self.tmp), extra)
        env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
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
        self.prepare_start()
        launch = self.launch(argv, network=network)
        try:
            proc = subprocess.Popen(
                [*self.tracker.prefix(), *self._limited(launch.argv)],
                cwd=self.workdir,
                env=full_env,
                stdin=stdin,
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,
                pass_fds=launch.fds,
            )
        except OSError as exc:
            _close_all(launch.ready)
            raise SandboxError(f"{self.kind} sandbox could not start {argv[0]!r}: {exc}") from exc
        finally:
            _close_all(launch.fds)
        self._groups.append(proc)
        with self._ready_lock:
            self._ready[proc.pid] = launch.ready
        self.monitor.start()
        return proc

    def _check_started(self, proc: subprocess.Popen) -> bool:
        """False once it is certain a stage of `proc`'s sandbox exited before the command.

        Each readiness pipe holds data once its stage is set up, reads end-of-file if the
        stage exited without writing, and would block while set-up is still going on.
        Descriptors are read and closed only under the lock, so a close() on another
        thread can never make us read a reused descriptor number.
        """
        with self._ready_lock:
            pending = self._ready.get(proc.pid)
            while pending:
                try:
                    data = os.read(pending[0], 4096)
                except BlockingIOError:
                    return True  # still setting up: not known to have failed
                os.close(pending.pop(0))
                if not data:
                    _close_all(self._ready.pop(proc.pid))
                    self._start_failure = self._start_failure or (
                        f"the {self.kind} sandbox failed to start (exit {proc.poll()})"
                    )
                    return False
            return True

    def pids(self) -> list[int]:
        """The sandbox's live processes (host PIDs), as its watch listed them at most a
        second ago: what deadlines sample twice a second."""
        return self.monitor.recent_pids()

    def _list_pids(self) -> list[int]:
        return self.tracker.pids([p.pid for p in self._groups], self._pid_floor)

    def _stop_all(self) -> None:
        """Kill every process of this sandbox now (a limit was hit); close() still follows."""
        self.tracker.kill([p.pid for p in self._groups], self._pid_floor)

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
        deadline = Deadline(timeout, self.pids)
        timed_out = _pump(proc, out, err, deadline) or _await_exit(proc, deadline)
        kill_group(proc.pid)  # whatever it left running in its group goes with it
        code = proc.wait()
        if not self._check_started(proc):
            detail = err.text().strip()[-600:] or f"exit {code}"
            self._start_failure = f"the {self.kind} sandbox failed to start: {detail}"
            raise SandboxError(self._start_failure)
        if timed_out and deadline.starved():
            raise SandboxError(f"a command did not finish: {deadline.describe()}")
        return ExecResult(
            exit_code=code if not timed_out else 124,
            stdout=out.text(),
            stderr=err.text(),
            duration=time.monotonic() - start,
            timed_out=timed_out,
            truncated=out.truncated or err.truncated,
        )

    def close(self) -> None:
        """Kill everything this sandbox started, in its groups or escaped from them.

        Disk use left behind still counts, even if no check ran in time.
        """
        self.monitor.stop()
        if self._groups:
            for proc in self._groups:  # before killing: what we kill did not fail to start
                self._check_started(proc)
            self._stop_all()
            for proc in self._groups:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=5)
            self.monitor.check(processes=False)
        with self._ready_lock:
            for pending in self._ready.values():
                _close_all(pending)
            self._ready.clear()
        self._groups.clear()
        self.tracker.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _close_all(fds: list[int]) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)


def describe_user(uid: int) -> str:
    try:
        name = pwd.getpwuid(uid).pw_name
    except KeyError:
        name = "?"
    return f"{name} (uid {uid}{', root' if uid == 0 else ''})"


def _feed(proc: subprocess.Popen, data: bytes) -> None:
    try:
        proc.stdin.write(data)
        proc.stdin.close()
    except BrokenPipeError:
        pass


def _await_exit(proc: subprocess.Popen, deadline: Deadline) -> bool:
    """Wait for the command itself after its pipes closed; True if the deadline came first.

    Pipes reach end of file a moment before the exit status is ready (or long before, when
    a command closes them and keeps working); killing the group then would turn a clean
    exit into -9.
    """
    while (left := deadline.left()) > 0:
        try:
            proc.wait(timeout=min(left, INTERVAL))
        except subprocess.TimeoutExpired:
            continue
        return False
    return True


def _pump(proc: subprocess.Popen, out: CappedBuffer, err: CappedBuffer, deadline: Deadline) -> bool:
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
            now, left = time.monotonic(), deadline.left()
            if left <= 0:
                kill_group(proc.pid)
                return True
            if exited_at is None and proc.poll() is not None:
                exited_at = now
            if exited_at is not None and now - exited_at > EXIT_GRACE:
                break
            wait = min(left, 0.05 if exited_at is None else EXIT_GRACE)
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
