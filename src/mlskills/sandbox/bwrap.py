"""The bubblewrap backend: every command in fresh Linux namespaces over one workspace.

Inside, the process sees the system and the Python environment read-only, the workspace
read-write at /workspace, a private HOME and /tmp (the trial's own folders), its own
/proc, a minimal /dev, no network unless asked (loopback works in its own namespace), no
capabilities, and never uid 0. Nothing else of the host exists there: not the repository,
the evals, the prepared-data cache, the run folder or other trials.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from mlskills.sandbox import identity, mounts
from mlskills.sandbox.base import MiB, Sandbox
from mlskills.sandbox.monitor import Monitor
from mlskills.sandbox.processes import kill_group, kill_marked
from mlskills.schema import Limits

GUEST_WORKSPACE = "/workspace"
GUEST_HOME = "/home/agent"
GUEST_TMP = "/tmp"
HOSTNAME = "sandbox"
SHM_MB = 512  # /dev/shm is memory: cap it (PyTorch data loaders and joblib need some)
# Capabilities bwrap keeps only long enough for setpriv to switch to the sandbox's uid.
DROP_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP")


class BwrapSandbox(Sandbox):
    kind = "bwrap"
    isolates_filesystem = True

    def __init__(self, workdir: Path, limits: Limits, scratch: Path | None = None) -> None:
        super().__init__(workdir, limits, scratch)
        self.ident = identity.allocate()
        self._private = Path(tempfile.mkdtemp(prefix=".sandbox-", dir=self.scratch))
        self._write_private_files()
        self.monitor = Monitor(
            self._writable(), limits, self.token, self._stop_all, lambda: self._pid_floor
        )

    # ---- the view

    def _writable(self) -> list[Path]:
        return [self.workdir, self.home, self.tmp]

    def _write_private_files(self) -> None:
        (self._private / "passwd").write_text(self.ident.passwd(GUEST_HOME))
        (self._private / "group").write_text(self.ident.group())
        (self._private / "empty").write_text("")

    def _mount_args(self, network: bool) -> list[str]:
        view = mounts.Mounts()
        mounts.add_system(view)
        for name in mounts.secret_files():
            view.add("--ro-bind", str(self._private / "empty"), name)
        view.add("--ro-bind", str(self._private / "passwd"), "/etc/passwd")
        view.add("--ro-bind", str(self._private / "group"), "/etc/group")
        if network:
            _add_resolver(view)
        mounts.add_python(view)
        view.add("--proc", "/proc")
        view.add("--dev", "/dev")
        view.add("--tmpfs", "/dev/shm", pre=("--perms", "01777", "--size", str(SHM_MB * MiB)))
        view.add("--bind", str(self.workdir), GUEST_WORKSPACE)
        view.add("--bind", str(self.home), GUEST_HOME)
        view.add("--bind", str(self.tmp), GUEST_TMP)
        for host, guest in self.shared.items():
            view.add("--ro-bind", str(host), guest)
        return view.args

    def _namespace_args(self, network: bool) -> list[str]:
        if self.ident.drop:  # root: no user namespace, or setpriv could not switch uid
            spaces = ["--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"]
            spaces += [] if network else ["--unshare-net"]
            caps = ["--cap-drop", "ALL"]
            for cap in DROP_CAPS:
                caps += ["--cap-add", cap]
            return spaces + caps
        spaces = ["--unshare-all", "--unshare-user", "--disable-userns"]
        return spaces + (["--share-net"] if network else []) + ["--cap-drop", "ALL"]

    def wrap(self, argv: list[str], *, network: bool = False) -> list[str]:
        return [
            _bwrap(),
            *self._namespace_args(network),
            "--die-with-parent",
            "--new-session",
            "--hostname",
            HOSTNAME,
            *self._mount_args(network),
            "--remount-ro",
            "/",
            "--chdir",
            GUEST_WORKSPACE,
            "--",
            *self.ident.setpriv(),
            *argv,
        ]

    def guest_path(self, host_path: Path) -> str:
        """Host paths under the workspace, HOME or /tmp of this sandbox, as seen inside."""
        host = Path(host_path).absolute()
        for root, guest in (
            (self.workdir, GUEST_WORKSPACE),
            (self.home, GUEST_HOME),
            (self.tmp, GUEST_TMP),
            *self.shared.items(),
        ):
            if host.is_relative_to(root):
                rel = host.relative_to(root).as_posix()
                return guest if rel == "." else f"{guest}/{rel}"
        return str(host)

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The base environment, with this interpreter first on PATH and a user name."""
        env = super().env(extra)
        env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
        env.setdefault("USER", identity.USER_NAME)
        env.setdefault("LOGNAME", identity.USER_NAME)
        return env

    # ---- running, watching, stopping

    def popen(self, argv: list[str], **kwargs: Any) -> subprocess.Popen:
        """Hand the writable folders to the sandbox's uid, start, and watch the limits."""
        identity.hand_over(self._writable(), self.ident)
        proc = super().popen(argv, **kwargs)
        self.monitor.start()
        return proc

    def _stop_all(self) -> None:
        """Kill every process of this sandbox now (a limit was hit); close() still follows."""
        for proc in list(self._groups):
            kill_group(proc.pid)
        kill_marked(self.token, self._pid_floor)

    @property
    def limit_hit(self) -> str | None:
        """The Limits field this sandbox broke (disk_mb, max_processes, file_size_mb)."""
        return self.monitor.hit

    def close(self) -> None:
        self.monitor.stop()
        super().close()
        self.monitor.check()  # disk use left behind counts even if no check ran in time
        shutil.rmtree(self._private, ignore_errors=True)


def _add_resolver(view: mounts.Mounts) -> None:
    """With network, DNS must work: /etc/resolv.conf may point into /run (systemd)."""
    resolv = Path("/etc/resolv.conf")
    if resolv.is_symlink():
        target = resolv.resolve()
        if target.is_file() and not target.is_relative_to("/etc"):
            view.add("--ro-bind", str(target), str(target))


@cache
def _bwrap() -> str:
    return shutil.which("bwrap") or "bwrap"


@cache
def probe() -> tuple[bool, str]:
    """Whether bubblewrap works here (checked once by running a command), and why."""
    if not shutil.which("bwrap"):
        return False, "bubblewrap is not installed (apt-get install bubblewrap)"
    if identity.allocate().drop and not shutil.which("setpriv"):
        return False, "running as root needs setpriv (util-linux) to drop to a sandbox uid"
    with tempfile.TemporaryDirectory(prefix="mlskills-probe-") as tmp:
        (Path(tmp) / "workspace").mkdir()
        sandbox = BwrapSandbox(Path(tmp) / "workspace", Limits(), Path(tmp))
        try:
            result = sandbox.exec(["sh", "-c", "echo ok"], timeout=30)
        finally:
            sandbox.close()
    if result.ok and result.stdout.strip() == "ok":
        return True, f"{_version()} works here"
    detail = (result.stderr or result.stdout).strip()[-400:]
    return False, f"bubblewrap is installed but cannot create a sandbox here: {detail}"


def _version() -> str:
    try:
        out = subprocess.run([_bwrap(), "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "bubblewrap"
    return out.stdout.strip() or "bubblewrap"
