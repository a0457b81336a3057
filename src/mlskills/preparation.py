"""Prepared task instances: `prepare(seed, public_dir, hidden_dir)`, cached on disk.

The cache key is (task id, seed, hash of every file in the task folder), so editing a task
invalidates its data and two seeds never share a folder. Writes go to a temporary folder
renamed into place, so a crash never leaves half an instance that looks complete.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from mlskills.errors import MlskillsError
from mlskills.schema import TaskSpec

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()
_IGNORED_PARTS = {"__pycache__", ".pytest_cache"}


@dataclass(frozen=True)
class Instance:
    """One seeded instance of a task: what the agent gets and what only the grader sees."""

    task: TaskSpec
    seed: int
    public_dir: Path
    hidden_dir: Path


class PrepareError(MlskillsError):
    """prepare.py failed: a bug in the task, reported as an infrastructure error."""


def task_hash(task_dir: Path) -> str:
    """A digest of every file of the task (names and contents), stable across machines."""
    digest = hashlib.sha256()
    for path in sorted(task_dir.rglob("*")):
        rel = path.relative_to(task_dir)
        if path.is_file() and not _IGNORED_PARTS & set(rel.parts) and path.suffix != ".pyc":
            digest.update(str(rel).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def load_module(path: Path, name: str) -> ModuleType:
    """Import a task's Python file under a private name (no sys.path changes)."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PrepareError(f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _lock_for(key: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


class PreparedCache:
    """Prepared instances under `root/<task>/<seed>-<hash>/{public,hidden}`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._hashes: dict[Path, str] = {}

    def instance(self, task: TaskSpec, seed: int) -> Instance:
        """The cached instance, preparing it first if needed (once, even across threads)."""
        if task.path not in self._hashes:
            self._hashes[task.path] = task_hash(task.path)
        folder = self.root / task.id / f"{seed}-{self._hashes[task.path]}"
        with _lock_for(str(folder)):
            if not (folder / "public").is_dir():
                self._prepare_into(task, seed, folder)
        return Instance(task, seed, folder / "public", folder / "hidden")

    def _prepare_into(self, task: TaskSpec, seed: int, folder: Path) -> None:
        folder.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".prep-", dir=folder.parent))
        try:
            (scratch / "public").mkdir()
            (scratch / "hidden").mkdir()
            module = load_module(task.path / "prepare.py", f"mlskills_prepare_{task.id}")
            module.prepare(seed, scratch / "public", scratch / "hidden")
            _make_read_only(scratch)
            _publish(scratch, folder)
        except MlskillsError:
            raise
        except Exception as exc:
            raise PrepareError(
                f"task {task.id}: prepare.py failed for seed {seed}: {type(exc).__name__}: {exc}"
            ) from exc
        finally:
            if scratch.exists():
                shutil.rmtree(scratch, ignore_errors=True)


def _publish(scratch: Path, folder: Path) -> None:
    """Rename into place; another process that prepared the same instance first wins."""
    try:
        os.replace(scratch, folder)
    except OSError:
        if not (folder / "public").is_dir():
            raise


def _make_read_only(folder: Path) -> None:
    """Cached files are shared by trials: keep anyone from editing them in place."""
    for path in folder.rglob("*"):
        if path.is_file():
            path.chmod(0o444)
