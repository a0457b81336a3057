"""What a task's grader gets: the finished workspace as data, the hidden data, and `exec`.

The grader never imports, unpickles or runs what the agent wrote in the harness process.
When agent code must run (predict on hidden rows, rerun training, start a server) it runs
through `ctx.exec` or `ctx.serve`, each in a fresh sandbox on a fresh copy of the
workspace, and the grader reads the outputs back as data or observes the server itself.
Grader-owned programs (clients, probes, drivers) never run beside the code under test.

Every file operation on the agent's tree goes through `mlskills.fsafe` (no link is ever
followed), and anything the agent left that makes grading impossible (a file where an
input folder goes, a tree too big to copy) raises `WorkspaceFault`: the agent's 0 with
the reason, never an unscored harness error.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlskills import fsafe
from mlskills.grading import predictions as preds
from mlskills.grading import service, sources, tree
from mlskills.grading.predictions import Read
from mlskills.grading.scoring import combine, failed
from mlskills.sandbox import Sandbox
from mlskills.schema import Check, ExecResult, Grade, Limits, TaskSpec

SandboxFactory = Callable[[Path, Limits, Path], Sandbox]


class WorkspaceFault(Exception):
    """The agent's workspace makes a grading step impossible: a failed gate, score 0."""

    def __init__(self, check: str, message: str) -> None:
        super().__init__(message)
        self.check = check


def copy_caps(limits: Limits) -> fsafe.CopyCaps:
    """Copies for grading hold at most what the agent was allowed on disk (apparent size)."""
    return fsafe.CopyCaps(max_bytes=limits.disk_mb * 2**20)


def copy_workspace(source: Path, dest: Path, limits: Limits) -> None:
    """A link-safe, sparse-aware, capped copy; WorkspaceFault when the tree cannot be."""
    try:
        fsafe.copy_tree(source, dest, copy_caps(limits))
    except fsafe.Refused as exc:
        shutil.rmtree(dest, ignore_errors=True)
        raise WorkspaceFault(
            "workspace copyable", f"the workspace cannot be copied: {exc}"
        ) from None


@dataclass(frozen=True)
class Output:
    """A folder a previous `ctx.exec` left, to hand to the next one as an input."""

    root: Path
    rel: str


@dataclass
class ExecRun:
    """A command's result plus the folder it ran in, so outputs can be read back."""

    result: ExecResult
    workdir: Path

    @property
    def ok(self) -> bool:
        """It exited 0 within its time."""
        return self.result.ok

    def failed_gate(self, name: str, what: str = "the command") -> Check | None:
        """A failed gate Check when the command timed out or exited non-zero (with the end
        of its stderr), else None: `if gate := run.failed_gate("predict.py runs"): ...`."""
        if self.result.timed_out:
            return Check(name, False, f"{what} timed out", gate=True)
        if self.result.exit_code != 0:
            tail = (self.result.stderr or "").strip()[-300:]
            return Check(name, False, f"{what} exited {self.result.exit_code}: {tail}", gate=True)
        return None

    def path(self, rel: str) -> Path:
        return self.workdir / rel

    def output(self, rel: str) -> Output:
        """The folder `rel` this command wrote, as an `inputs` value for another exec."""
        return Output(self.workdir, rel)

    def is_file(self, rel: str) -> bool:
        return fsafe.is_file(self.workdir, rel)

    def read_json(self, rel: str, name: str = "output readable", max_bytes: int = 1 << 20) -> Read:
        """A JSON file the command wrote, read defensively like any agent output."""
        return preds.read_json(self.path(rel), self.workdir, name, max_bytes)

    def read_table(self, rel: str, name: str = "output readable") -> Read:
        return preds.read_table(self.path(rel), self.workdir, name)

    def read_predictions(self, rel: str, **kwargs: Any) -> preds.Predictions:
        return preds.read_predictions(self.path(rel), self.workdir, **kwargs)

    def read_bytes(
        self, rel: str, name: str = "output readable", max_bytes: int = preds.MAX_BYTES
    ) -> Read:
        return preds.read_bytes(self.path(rel), self.workdir, name, max_bytes)

    def tree_digest(self, rel: str, name: str = "tree readable") -> Read:
        """A digest of the folder `rel` after the command (see `GradeContext.tree_digest`)."""
        return tree.tree_digest(self.workdir, rel, name)


class GradeContext:
    """The grader's view of one trial. Use it with `with` (or `close` it): sandboxes end."""

    def __init__(
        self,
        task: TaskSpec,
        seed: int,
        workspace: Path,
        hidden: Path,
        make_sandbox: SandboxFactory,
        scratch: Path,
        integrity: list[Check] | None = None,
    ) -> None:
        self.task = task
        self.seed = seed
        self.workspace = workspace
        self.hidden = hidden
        self.spec = task.grading
        self._make_sandbox = make_sandbox
        self._scratch = scratch
        self._sandboxes: list[Sandbox] = []
        self._services: list[service.Service] = []
        self._closed = False  # after the deadline: a runaway grader starts nothing more
        self.integrity = integrity or []  # checks the harness made (e.g. provided data intact)

    # ---- reading the agent's files as data (never through a link)

    def path(self, rel: str) -> Path:
        """Where `rel` is in the graded copy: pass it to ctx readers, never open it yourself."""
        return self.workspace / rel

    def is_file(self, rel: str) -> bool:
        """A regular file, reached through real folders only (links are not followed)."""
        return fsafe.is_file(self.workspace, rel)

    def read_predictions(self, rel: str, **kwargs: Any) -> preds.Predictions:
        return preds.read_predictions(self.path(rel), self.workspace, **kwargs)

    def read_table(self, rel: str, name: str = "table readable") -> Read:
        return preds.read_table(self.path(rel), self.workspace, name)

    def read_json(self, rel: str, name: str = "json readable", max_bytes: int = 1 << 20) -> Read:
        return preds.read_json(self.path(rel), self.workspace, name, max_bytes)

    def read_bytes(
        self, rel: str, name: str = "file readable", max_bytes: int = preds.MAX_BYTES
    ) -> Read:
        return preds.read_bytes(self.path(rel), self.workspace, name, max_bytes)

    def tree_digest(self, rel: str, name: str = "tree readable") -> Read:
        """A sha256 of the folder tree `rel` (names, kinds, file bytes, link targets), walked
        without following a link and capped in entries, depth and bytes: compare it with
        `run.tree_digest(rel)` to tell whether agent code changed the tree. Read.value is
        None, with the reason in the check, when `rel` is missing, a link or too big."""
        return tree.tree_digest(self.workspace, rel, name)

    def producing_code(
        self, reads: str, makes: tuple[str, ...] | None = None, name: str = "code present"
    ) -> Check:
        """A gate for a ticket that asks for "the code that produced" its deliverables: some
        code file (.py, .ipynb, .sh; outside data/ and hidden folders) names the input file
        `reads` and an output that exists in the workspace, one of `makes` or, when None,
        any file that is not code (a saved model; named by its file name or extension).
        Read as text, never run."""
        return sources.producing_code(self.workspace, reads, makes, name)

    # ---- numbers the agent's files hold

    @staticmethod
    def number(data: Any, key: str | None = None) -> float | None:
        """data[key] (or data) as a finite float, else None (text, bool, NaN, overflow)."""
        return preds.finite_number(data, key)

    @staticmethod
    def numbers(data: Any, keys: tuple[str, ...] | list[str]) -> dict[str, float] | None:
        """{key: finite float} for every key, or None when any is missing or not finite."""
        values = {key: preds.finite_number(data, key) for key in keys}
        return None if None in values.values() else values  # type: ignore[return-value]

    # ---- the grader's own files

    def staging(self, prefix: str) -> Path:
        """A fresh host folder for files the grader builds to pass as `exec` inputs. It lies
        in this grading's scratch, which the trial removes with everything else, so a grader
        stopped at its deadline leaves nothing behind."""
        return Path(tempfile.mkdtemp(prefix=f"{prefix}-", dir=self._scratch))

    # ---- running agent code, isolated

    def exec(
        self,
        command: str | list[str],
        *,
        timeout: float = 60.0,
        inputs: dict[str, Path | Output] | None = None,
        network: bool = False,
        memory_mb: int | None = None,
    ) -> ExecRun:
        """Run `command` in a fresh sandbox on a fresh copy of the finished workspace.

        `inputs` maps workspace-relative destinations to host files (hidden features) or
        to `run.output(rel)` (a previous run's output folder), copied in first and never
        through a link, so agent code can read them without ever seeing the hidden folder.
        Put only what agent code may see there: never labels, never a grader's own script
        (run grader code in the harness instead).
        """
        self._ensure_open()
        root = Path(tempfile.mkdtemp(prefix="exec-", dir=self._scratch))
        workdir = root / "workspace"
        copy_workspace(self.workspace, workdir, self.task.limits)
        for dest, source in (inputs or {}).items():
            try:
                if isinstance(source, Output):  # a previous run's folder: agent-made
                    caps = copy_caps(self.task.limits)
                    fsafe.copy_into(workdir, dest, source.root, source.rel, caps)
                else:
                    fsafe.write_file(workdir, dest, Path(source))
            except fsafe.Refused as exc:
                raise WorkspaceFault(
                    "grader inputs staged", f"the grader's input {dest} cannot be put in: {exc}"
                ) from None
        limits = self.task.limits.override(command_timeout=timeout, memory_mb=memory_mb)
        sandbox = self._make_sandbox(workdir, limits, root)
        self._sandboxes.append(sandbox)
        try:
            result = sandbox.exec(command, timeout=timeout, network=network)
        finally:
            sandbox.close()  # nothing it started may outlive the command
        return ExecRun(result, workdir)

    def serve(
        self, command: str, *, ready: str = "/health", startup: float = 40.0, timeout: float = 120.0
    ) -> tuple[service.Service, str | None]:
        """Start the agent's server (`command`, with `{port}` for its port) in its own
        sandbox, and wait until GET `ready` answers 200.

        Returns the Service and None when it is ready, or why it is not (the agent's
        fault: a failed gate). Talk to it with `service.request(...)` from the grader:
        the client runs here, in the harness, so every answer and latency is observed
        by grader code. The sandbox ends when the grade does (or `service.stop()`).
        """
        self._ensure_open()
        root = Path(tempfile.mkdtemp(prefix="svc-", dir=self._scratch))
        workdir = root / "workspace"
        copy_workspace(self.workspace, workdir, self.task.limits)
        limits = self.task.limits.override(command_timeout=timeout)
        sandbox = self._make_sandbox(workdir, limits, root)
        self._sandboxes.append(sandbox)
        running = service.start(sandbox, command)
        self._services.append(running)
        return running, running.wait_ready(ready, startup)

    def sandbox(self, timeout: float = 60.0) -> Sandbox:
        """A fresh sandbox on a workspace copy (prefer `serve` for servers)."""
        self._ensure_open()
        root = Path(tempfile.mkdtemp(prefix="svc-", dir=self._scratch))
        copy_workspace(self.workspace, root / "workspace", self.task.limits)
        sandbox = self._make_sandbox(
            root / "workspace", self.task.limits.override(command_timeout=timeout), root
        )
        self._sandboxes.append(sandbox)
        return sandbox

    # ---- building the grade

    @staticmethod
    def check(
        name: str, passed: bool, message: str = "", *, weight: float = 0.0, gate: bool = False
    ) -> Check:
        """A named finding; weighted checks add to the score, gates zero it when failed."""
        return Check(name, bool(passed), message, weight=weight, gate=gate)

    def grade(
        self,
        metric: float | None,
        checks: list[Check] | None = None,
        metrics: dict[str, float] | None = None,
    ) -> Grade:
        """The normalised score from the task's baseline/reference, with the given checks."""
        return combine(self.spec, metric, [*self.integrity, *(checks or [])], metrics)

    def fail(self, name: str, message: str) -> Grade:
        """Zero, explained by one failed gate (plus the harness's integrity checks)."""
        grade = failed(self.spec, name, message)
        grade.checks = [*self.integrity, *grade.checks]
        return grade

    def pids(self) -> list[int]:
        """Every live process of this grading's sandboxes: agent code the deadline waits on."""
        return [pid for sandbox in list(self._sandboxes) for pid in sandbox.pids()]

    def _ensure_open(self) -> None:
        if self._closed:
            raise WorkspaceFault("grading finished in time", "grading was stopped at its deadline")

    def close(self) -> None:
        self._closed = True
        for running in self._services:
            running.stop()
        self._services.clear()
        for sandbox in self._sandboxes:
            sandbox.close()
        self._sandboxes.clear()

    def __enter__(self) -> GradeContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
