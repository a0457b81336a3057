"""What must match between the driver and every Ray worker: the harness and the evals.

A worker that runs another mlskills, or other task files, would grade differently and the
run would mix two harnesses silently; both sides hash what they have and compare.
"""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
from pathlib import Path

import mlskills

SKIP_DIRS = {"__pycache__", ".pytest_cache"}


def _files(root: Path, suffixes: tuple[str, ...] | None = None) -> list[Path]:
    """Every regular file under `root`, in a fixed order. A link to a file inside `root`
    counts as that file's bytes under the link's name (tasks share a reference script that
    way), so a node gets a plain copy of it; a link out of `root`, or to nothing, is refused
    here rather than dropped: the node would run without a file the driver has."""
    out = []
    inside = root.resolve()
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_symlink():
                target = path.resolve()
                if not (target.is_relative_to(inside) and target.is_file()):
                    raise ValueError(
                        f"{path} links to {target}, which is not a file inside {root}:"
                        " a Ray node would not have it"
                    )
            elif not path.is_file():
                continue
            if suffixes is None or path.suffix in suffixes:
                out.append(path)
    return out


def tree_digest(root: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """sha256 over every file's relative path and bytes, in a fixed order."""
    digest = hashlib.sha256()
    for path in _files(root, suffixes):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def harness_digest() -> str:
    """This process's mlskills: its version and the bytes of its Python source."""
    package = Path(mlskills.__file__).resolve().parent
    return f"{mlskills.__version__}+{tree_digest(package, ('.py',))}"


def pack_tree(root: Path) -> bytes:
    """A gzip'd tar of a folder (the evals), for the cluster's object store."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path in _files(root):
            # resolve(): a link travels as the file it names (extract_data takes no links)
            tar.add(path.resolve(), arcname=str(path.relative_to(root)), recursive=False)
    return buffer.getvalue()


def unpack_tree(data: bytes, digest: str, cache: Path) -> Path:
    """The evals at `cache/<digest>`, unpacked once per node and checked against `digest`."""
    target = cache / digest
    if target.is_dir():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    staging = cache / f".{digest}.{os.getpid()}"
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        extract_data(tar, staging)
    found = tree_digest(staging)
    if found != digest:
        raise ValueError(f"the evals unpacked on this node hash to {found}, not {digest}")
    try:
        staging.rename(target)
    except OSError:  # another worker on this node won the race: use theirs
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
    return target


def extract_data(tar: tarfile.TarFile, dest: Path) -> None:
    """Extract only plain data: regular files and folders, named relative to and inside
    `dest`. tarfile's "data" filter does this where it exists (Python 3.11.4+); Debian 12's
    3.11.2 has no filter argument, and extracting unchecked there would let a crafted
    archive write anywhere, so the same rules are checked here first on every Python."""
    members = checked_members(tar)
    if hasattr(tarfile, "data_filter"):
        tar.extractall(dest, members=members, filter="data")
    else:
        tar.extractall(dest, members=members)


def checked_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Every member, or ValueError naming the first that is not a plain file or folder at
    a relative path inside the archive's root (links, devices, `..` and absolute paths)."""
    members = tar.getmembers()
    for member in members:
        name = member.name
        parts = Path(name).parts
        if Path(name).is_absolute() or ".." in parts or not parts:
            raise ValueError(f"archive member {name!r} is not a relative path inside it")
        if not (member.isfile() or member.isdir()):
            raise ValueError(f"archive member {name!r} is not a regular file or folder")
        member.mode &= 0o755  # no setuid, setgid or world-writable bits
    return members
