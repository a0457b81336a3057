"""What of the host a bubblewrap sandbox sees: system and Python read-only, nothing else.

The view is an allowlist. Anything not named here (the repository, evals/, the prepared
data cache, the run folder, other trials' scratch, the harness's HOME) simply does not
exist inside. Paths the harness must hide but which live under an allowed folder (an
installed `mlskills` wheel carries the tasks and graders inside site-packages) are
covered with an empty tmpfs.

Small files the sandbox needs (its own /etc/passwd, the stub that makes a hidden package
unimportable) are handed to bwrap as in-memory file descriptors: nothing is left on disk.
"""

from __future__ import annotations

import os
import site
import sys
from functools import cache
from pathlib import Path

import mlskills
from mlskills import paths
from mlskills.sandbox.seccomp import memfd

# Merged-/usr systems have these as symlinks; older ones as real folders.
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# Covered even though an unprivileged sandbox user could not read most of them anyway.
ETC_SECRET_DIRS = ("/etc/ssh", "/etc/ssl/private", "/etc/sudoers.d")
ETC_SECRET_FILES = ("/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-")


class Mounts:
    """bwrap mount arguments, creating parent folders world-traversable (0755).

    bubblewrap makes missing parents 0700 owned by root, which an unprivileged sandbox
    user could not enter (e.g. /root for a pyenv under /root/.pyenv).
    """

    def __init__(self) -> None:
        self.args: list[str] = []
        self._dirs: set[Path] = {Path("/")}  # folders made so far
        self._mounts: list[Path] = []  # destinations
        self._full: list[Path] = []  # binds of host folders: what lies below them exists
        self.data: dict[str, bytes] = {}  # placeholder operand -> file content

    def _exists(self, path: Path) -> bool:
        if path in self._dirs or path in self._mounts:
            return True
        return any(path.is_relative_to(m) for m in self._full)

    def add(
        self, option: str, *operands: str, pre: tuple[str, ...] = (), full: bool = True
    ) -> None:
        """One mount option; its last operand is the destination inside the sandbox.

        `pre` holds modifiers of this option (--perms, --size), placed right before it.
        `full=False` says nothing below the destination can be assumed to exist (a tmpfs,
        or a folder the agent writes, such as its /tmp): folders made below it get 0755.
        """
        dest = Path(operands[-1])
        for parent in reversed(dest.parents):
            if not self._exists(parent):
                self.args += ["--perms", "0755", "--dir", str(parent)]
                self._dirs.add(parent)
        self.args += [*pre, option, *operands]
        self._mounts.append(dest)
        if full and option in ("--bind", "--ro-bind", "--dev-bind"):
            self._full.append(dest)

    def add_data(self, content: bytes, dest: str, name: str = "", perms: str = "0444") -> None:
        """A read-only file at `dest` from an in-memory file made at `render`, where a
        value for `name` (a placeholder) replaces `content`."""
        placeholder = name or f"\0data{len(self.data)}"
        self.data[placeholder] = content
        self.add("--ro-bind-data", placeholder, dest, pre=("--perms", perms))

    def render(self, values: dict[str, str | bytes]) -> tuple[list[str], list[int]]:
        """The arguments with placeholders filled: strings as they are, file contents as
        fresh in-memory descriptors (returned; the caller closes them)."""
        args, fds = [], []
        for arg in self.args:
            if arg in self.data:
                content = values.get(arg, self.data[arg])
                fd = memfd(content if isinstance(content, bytes) else content.encode(), "view")
                fds.append(fd)
                args.append(str(fd))
            else:
                value = values.get(arg, arg)
                args.append(value if isinstance(value, str) else value.decode())
        return args, fds


def add_system(mounts: Mounts) -> None:
    """/usr and friends read-only (symlinks recreated as symlinks), /etc minus secrets."""
    for name in SYSTEM_PATHS:
        path = Path(name)
        if path.is_symlink():
            mounts.add("--symlink", os.readlink(path), name)
        elif path.is_dir():
            mounts.add("--ro-bind", name, name)
    mounts.add("--ro-bind", "/etc", "/etc")
    for name in ETC_SECRET_DIRS:
        if Path(name).is_dir():
            mounts.add("--tmpfs", name)


def secret_files() -> list[str]:
    """Files in /etc to replace with an empty one (a bind needs a file, not a tmpfs)."""
    return [name for name in ETC_SECRET_FILES if Path(name).is_file()]


def _pyenv_root() -> Path | None:
    """The pyenv root when the interpreter lives in one, so `python` shims keep working."""
    if root := os.environ.get("PYENV_ROOT"):
        return Path(root)
    parts = Path(sys.base_prefix).parts
    if "versions" in parts:
        candidate = Path(*parts[: parts.index("versions")])
        if (candidate / "shims").is_dir():
            return candidate
    return None


def _find_links() -> list[Path]:
    """Local wheel folders pip is told to use (PIP_FIND_LINKS), for offline installs."""
    links = os.environ.get("PIP_FIND_LINKS", "")
    return [Path(p) for p in links.split() if p.startswith("/") and Path(p).is_dir()]


def _outermost(candidates: list[Path]) -> list[Path]:
    """Existing folders, resolved, without those already inside another one."""
    resolved = sorted({p.resolve() for p in candidates if p.is_dir()})
    kept: list[Path] = []
    for path in resolved:
        if not any(path.is_relative_to(k) for k in kept):
            kept.append(path)
    return kept


@cache
def python_dirs() -> tuple[Path, ...]:
    """The running interpreter's prefixes and site-packages (the agent's numpy, torch...)."""
    candidates = [Path(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)]
    candidates += [Path(p) for p in site.getsitepackages()]
    if site.ENABLE_USER_SITE and site.getusersitepackages():
        candidates.append(Path(site.getusersitepackages()))
    if pyenv := _pyenv_root():
        candidates.append(pyenv)
    candidates += _find_links()
    system = system_dirs()
    return tuple(p for p in _outermost(candidates) if not any(p.is_relative_to(s) for s in system))


@cache
def system_dirs() -> tuple[Path, ...]:
    """The system folders mounted whole (resolved: /lib may be a link to /usr/lib)."""
    return tuple(Path(p).resolve() for p in SYSTEM_PATHS if Path(p).exists())


def importable_folders(entries: list[str]) -> list[Path]:
    """`<entry>/mlskills` for each sys.path entry where that is a folder.

    Only a folder can be imported as a package: a console script's own folder (venv/bin)
    is first on sys.path and holds a *file* named mlskills, the script itself, which must
    stay as it is (bwrap cannot cover a file with a tmpfs, and nothing imports it).
    """
    found = []
    for entry in entries:
        if not entry:
            continue
        candidate = Path(entry) / "mlskills"
        if candidate.is_dir():
            found.append(candidate)
    return found


@cache
def hidden_paths() -> list[Path]:
    """What must never be readable: our package, the pack and evals, the data cache.

    Besides the package that is imported, every `mlskills` package folder on sys.path is
    hidden: an editable install by hatchling materialises the force-included evals
    (graders, prepare.py) as site-packages/mlskills/_data while the code runs from the
    checkout.
    """
    found = [
        Path(mlskills.__file__).resolve().parent,
        paths.resource_root().resolve(),
        paths.default_cache_dir(),
        *importable_folders(sys.path),
    ]
    unique = dict.fromkeys(p.resolve() for p in found if p.exists())
    return list(unique)


# An __init__.py that makes a hidden package fail to import, as if it were not there.
ABSENT_PACKAGE = b"raise ModuleNotFoundError(\"No module named 'mlskills'\", name='mlskills')\n"


def add_python(mounts: Mounts) -> None:
    """Read-only binds of the Python environment, with hidden paths inside it covered.

    Call this after the sandbox's private /tmp is mounted: a venv under the host's /tmp is
    then bound at its own path on top of it, where the interpreter expects to find it.
    """
    dirs = python_dirs()
    for path in dirs:
        mounts.add("--ro-bind", str(path), str(path))
    mounted = [*dirs, *system_dirs()]  # a system install lives under /usr
    for secret in hidden_paths():
        if any(secret.is_relative_to(d) for d in mounted):
            mounts.add("--tmpfs", str(secret))
            if secret.name == "mlskills":  # an empty folder would import as a namespace
                mounts.add_data(ABSENT_PACKAGE, f"{secret}/__init__.py")
