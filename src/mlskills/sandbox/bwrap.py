"""The bubblewrap backend: every command in fresh Linux namespaces over one workspace.

Inside, the process sees the system and the Python environment read-only, the workspace
read-write at /workspace, a private HOME and /tmp (the trial's own folders), its own
/proc, a minimal /dev, no network unless asked (loopback works in its own namespace), no
capabilities, and never uid 0. Nothing else of the host exists there: not the repository,
the evals, the prepared-data cache, the run folder or other trials.

Every command also gets a user namespace of its own (so the kernel keyring, and anything
else keyed by user namespace, is private), may not create further user namespaces, and
cannot call the key syscalls at all (seccomp). bwrap reads its arguments from a
descriptor, so /proc/1/cmdline inside names no host path.

As root, bwrap itself must do the mounts (only root can bind a Python that lives under
/root), so it runs in two stages: an outer bwrap (root, no user namespace) builds the view
and the namespaces, `setpriv` drops to the sandbox's own uid, and an inner bwrap (that
uid) creates the user namespace, disables nested ones and loads the seccomp filter.
Without root, one bwrap does all of it in a user namespace.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path, PurePosixPath

from mlskills.sandbox import identity, mounts, seccomp
from mlskills.sandbox.base import Launch, MiB, Sandbox
from mlskills.schema import Limits

GUEST_WORKSPACE = "/workspace"
GUEST_HOME = "/home/agent"
GUEST_TMP = "/tmp"
HOSTNAME = "sandbox"
SHM_MB = 512  # /dev/shm is memory: cap it (PyTorch data loaders and joblib need some)
# Capabilities the outer bwrap keeps only long enough for setpriv to switch uid.
DROP_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP")
# The inner stage: the outer sandbox's view as it is, in a user namespace of its own.
INNER_VIEW = ["--bind", "/", "/", "--dev-bind", "/dev", "/dev"]


class BwrapSandbox(Sandbox):
    kind = "bwrap"

    def __init__(self, workdir: Path, limits: Limits, scratch: Path | None = None) -> None:
        super().__init__(workdir, limits, scratch)
        self.ident = identity.allocate()

    # ---- capabilities

    @property
    def isolates_filesystem(self) -> bool:
        return True

    @property
    def allows_nested_sandbox(self) -> bool:
        return False  # --disable-userns: no user namespace, so no bwrap, inside

    @property
    def own_pid_namespace(self) -> bool:
        return True

    @property
    def runs_as(self) -> str:
        return f"uid {self.ident.uid} in a user namespace of its own (never root)"

    # ---- the view

    def _writable(self) -> list[Path]:
        return [self.workdir, self.home, self.tmp]

    def _view(self, network: bool) -> tuple[list[str], list[int]]:
        """The mount arguments for one command, and the descriptors they name."""
        args, fds = _view_template(network).render(
            {
                WORKSPACE_SOURCE: str(self.workdir),
                HOME_SOURCE: str(self.home),
                TMP_SOURCE: str(self.tmp),
                PASSWD: self.ident.passwd(GUEST_HOME),
                GROUP: self.ident.group(),
            }
        )
        for host, guest in self.shared.items():  # e.g. the credential proxy's socket folder
            parent = str(PurePosixPath(guest).parent)
            if parent != "/":  # bwrap would make it 0700 for root: the sandbox uid must pass
                args += ["--perms", "0755", "--dir", parent]
            args += ["--ro-bind", str(host), guest]
        return args, fds

    def _namespace_args(self, network: bool) -> list[str]:
        if self.ident.drop:  # root: the outer stage; the user namespace comes inside
            spaces = ["--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"]
            spaces += [] if network else ["--unshare-net"]
            caps = ["--cap-drop", "ALL"]
            for cap in DROP_CAPS:
                caps += ["--cap-add", cap]
            return spaces + caps
        spaces = ["--unshare-all", "--unshare-user", "--disable-userns"]
        return spaces + (["--share-net"] if network else []) + ["--cap-drop", "ALL"]

    def launch(self, argv: list[str], *, network: bool = False) -> Launch:
        """bwrap with its arguments on a descriptor; as root, a second bwrap as the uid."""
        view_args, view_fds = self._view(network)
        out = Launch([], fds=view_fds)
        args = [
            *self._namespace_args(network),
            "--die-with-parent",
            "--new-session",
            "--hostname",
            HOSTNAME,
            *_ready_pipe(out),
            *view_args,
            "--remount-ro",
            "/",
            "--chdir",
            GUEST_WORKSPACE,
        ]
        confine = ["--seccomp", str(_filter_fd(out))]
        if self.ident.drop:
            inner = ["--unshare-user", "--disable-userns", *confine, *_ready_pipe(out)]
            inner += [*INNER_VIEW, "--die-with-parent", "--chdir", GUEST_WORKSPACE]
            tail = [*self.ident.setpriv(), _inner_bwrap(), *inner, "--", *argv]
        else:
            args += confine
            tail = list(argv)
        args_fd = seccomp.memfd(_nul_joined([*args, "--"]), "bwrap-args")
        out.fds.append(args_fd)
        out.argv = [_bwrap(), "--args", str(args_fd), *tail]
        return out

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
        """The base environment, with a user name."""
        env = super().env(extra)
        env.setdefault("USER", identity.USER_NAME)
        env.setdefault("LOGNAME", identity.USER_NAME)
        return env

    def prepare_start(self) -> None:
        """Hand the writable folders to the sandbox's uid before each command."""
        identity.hand_over(self._writable(), self.ident)


# Placeholders in the view template, filled per sandbox (NUL cannot occur in a real path).
WORKSPACE_SOURCE, HOME_SOURCE, TMP_SOURCE = "\0workspace", "\0home", "\0tmp"
PASSWD, GROUP = "\0data-passwd", "\0data-group"


@cache
def _view_template(network: bool) -> mounts.Mounts:
    """What every sandbox of this process sees, built once: only sources and the passwd
    and group contents differ between sandboxes, and guest paths never do."""
    view = mounts.Mounts()
    mounts.add_system(view)
    for name in mounts.secret_files():
        view.add_data(b"", name)
    view.add_data(b"", "/etc/passwd", name=PASSWD)
    view.add_data(b"", "/etc/group", name=GROUP)
    if network:
        _add_resolver(view)
    view.add("--proc", "/proc")
    view.add("--dev", "/dev")
    view.add("--tmpfs", "/dev/shm", pre=("--perms", "01777", "--size", str(SHM_MB * MiB)))
    view.add("--bind", WORKSPACE_SOURCE, GUEST_WORKSPACE, full=False)
    view.add("--bind", HOME_SOURCE, GUEST_HOME, full=False)
    view.add("--bind", TMP_SOURCE, GUEST_TMP, full=False)
    mounts.add_python(view)  # after /tmp: a venv under the host's /tmp goes on top
    return view


def _nul_joined(args: list[str]) -> bytes:
    return b"".join(arg.encode() + b"\0" for arg in args)


def _ready_pipe(launch: Launch) -> list[str]:
    """`--info-fd W`: bwrap writes to W once its sandbox is set up (see Launch.ready)."""
    read, write = os.pipe2(os.O_CLOEXEC | os.O_NONBLOCK)
    os.set_blocking(write, True)
    os.set_inheritable(write, True)
    launch.fds.append(write)
    launch.ready.append(read)
    return ["--info-fd", str(write)]


def _filter_fd(launch: Launch) -> int:
    fd = seccomp.memfd(seccomp.program(), "bwrap-seccomp")
    launch.fds.append(fd)
    return fd


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
def _inner_bwrap() -> str:
    """The bwrap the sandbox itself can see: only system folders are mounted inside."""
    return shutil.which("bwrap", path="/usr/local/bin:/usr/bin:/bin") or "bwrap"


def installed() -> bool:
    return shutil.which("bwrap") is not None


# What usually stops bubblewrap, and what to do about it.
FIXES = (
    (
        "setting up uid map",
        "allow unprivileged user namespaces: "
        "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 (Ubuntu 24.04+), or "
        "sudo sysctl -w kernel.unprivileged_userns_clone=1, or run as root",
    ),
    (
        "No permissions to create new namespace",
        "allow unprivileged user namespaces: "
        "sudo sysctl -w user.max_user_namespaces=15000, or run as root",
    ),
    (
        "Operation not permitted",
        "in a container, run it with --privileged or with "
        "seccomp=unconfined and user namespaces allowed; or run as root on the host",
    ),
)


def fix_for(message: str) -> str:
    for needle, fix in FIXES:
        if needle in message:
            return fix
    return "see docs/sandbox.md (Requirements)"


@cache
def probe() -> tuple[bool, str]:
    """Whether bubblewrap works here (checked once by running a command), and why."""
    if not installed():
        return False, "bubblewrap is not installed (apt-get install bubblewrap)"
    if identity.allocate().drop and not shutil.which("setpriv"):
        return False, "running as root needs setpriv (util-linux) to drop to a sandbox uid"
    if identity.allocate().drop and not shutil.which("bwrap", path="/usr/local/bin:/usr/bin:/bin"):
        return False, "running as root needs bwrap in /usr/bin or /usr/local/bin (seen inside)"
    if not seccomp.supported():
        return False, f"no seccomp filter for this architecture ({os.uname().machine})"
    with tempfile.TemporaryDirectory(prefix="mlskills-probe-") as tmp:
        (Path(tmp) / "workspace").mkdir()
        sandbox = BwrapSandbox(Path(tmp) / "workspace", Limits(), Path(tmp))
        try:
            result = sandbox.exec(["sh", "-c", "echo ok"], timeout=30)
        except Exception as exc:  # the sandbox's own failure, with bwrap's message
            return False, f"bubblewrap is installed but cannot create a sandbox here: {exc}"
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
