"""Grade a changed copy of a finished workspace the way a trial does (trial._Trial.grade):
the link-safe copy for grading (a tree that cannot be copied is a failed gate), the
provided-files integrity check, then the task's grader through GradeContext and
run_grader, with the run's bwrap sandboxes. A GraderError, or any other exception, is what
a trial records as the harness's `error`: the outcome this module reports, never raises."""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hostile.oracle import Finished
from hostile.variants import Plant, Variant
from mlskills import fsafe
from mlskills.grading import GradeContext, GraderError, failed, run_grader
from mlskills.grading.context import WorkspaceFault, copy_workspace
from mlskills.grading.integrity import verify
from mlskills.schema import Grade


@dataclass
class Graded:
    """One grading of one variant: the Grade, or the error a trial would have recorded."""

    rel: str
    variant: str
    grade: Grade | None
    error: str | None
    seconds: float
    watched: list[Path]

    @property
    def messages(self) -> str:
        return "\n".join(c.message for c in self.grade.checks) if self.grade else ""

    def describe(self) -> str:
        if self.grade is None:
            return f"{self.rel} [{self.variant}]: error after {self.seconds:.1f} s: {self.error}"
        failed_checks = [f"{c.name}: {c.message}" for c in self.grade.checks if not c.passed]
        return (
            f"{self.rel} [{self.variant}]: score {self.grade.score} passed {self.grade.passed} "
            f"in {self.seconds:.1f} s; failed: {'; '.join(failed_checks)[:300]}"
        )


def grade_variant(
    finished: Finished, rel: str, variant: Variant, scratch_root: Path, host: Path
) -> Graded:
    """Copy the oracle's workspace, plant `variant` at `rel`, grade it; clean up after.
    `host` is a folder outside every sandbox's view, for link targets."""
    scratch = Path(tempfile.mkdtemp(prefix="hostile-", dir=scratch_root))
    try:
        workspace = scratch / "workspace"  # beside `graded`: a relative link resolves alike
        fsafe.copy_tree(finished.workspace, workspace)
        plant = Plant(
            workspace / rel,
            (finished.workspace / rel).read_bytes(),
            finished.instance.hidden_dir,
            host,
        )
        variant.plant(plant)
        return _timed(rel, variant.name, plant.watched, lambda: grade_tree(finished, scratch))
    finally:
        subprocess.run(["rm", "-rf", "--", str(scratch)], check=True)


def grade_unchanged(finished: Finished, scratch_root: Path) -> Graded:
    """The oracle's workspace graded through this module: the control for every variant."""
    scratch = Path(tempfile.mkdtemp(prefix="hostile-", dir=scratch_root))
    try:
        fsafe.copy_tree(finished.workspace, scratch / "workspace")
        return _timed("*", "unchanged", [], lambda: grade_tree(finished, scratch))
    finally:
        subprocess.run(["rm", "-rf", "--", str(scratch)], check=True)


def grade_tree(finished: Finished, scratch: Path) -> Grade:
    """scratch/workspace graded like a trial's finished workspace (may raise GraderError)."""
    task = finished.task
    graded = scratch / "graded"
    try:
        copy_workspace(scratch / "workspace", graded, task.limits)
    except WorkspaceFault as exc:
        return failed(task.grading, "workspace copyable", str(exc)[:400])
    integrity = verify(graded, finished.protected)
    ctx = GradeContext(
        task,
        finished.instance.seed,
        graded,
        finished.instance.hidden_dir,
        finished.env.make_sandbox,
        scratch,
        integrity=[integrity] if integrity else [],
    )
    with ctx:
        return run_grader(task, ctx)


def _timed(rel: str, name: str, watched: list[Path], grade: Callable[[], Grade]) -> Graded:
    start = time.monotonic()
    try:
        result, error = grade(), None
    except GraderError as exc:
        result, error = None, str(exc)
    except Exception as exc:  # a trial records any exception while grading as `error`
        result, error = None, f"{type(exc).__name__}: {exc}"
    return Graded(rel, name, result, error, time.monotonic() - start, watched)
