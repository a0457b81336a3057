"""Grading: run a task's `grade(ctx)` safely and turn every failure into a reason."""

from __future__ import annotations

import threading
import traceback
from pathlib import Path
from types import ModuleType

from mlskills.deadline import INTERVAL, Deadline, this_thread
from mlskills.grading.context import ExecRun, GradeContext, WorkspaceFault
from mlskills.grading.predictions import Predictions, Read
from mlskills.grading.scoring import combine, failed
from mlskills.schema import Check, Grade, TaskSpec

_graders: dict[tuple[Path, float], ModuleType] = {}
_graders_lock = threading.Lock()


class GraderError(Exception):
    """The grader itself broke: the trial is an infrastructure error, not a 0 for the agent."""


def load_grader(task: TaskSpec) -> ModuleType:
    """The task's grader module, imported once per file version."""
    from mlskills.preparation import load_module

    path = task.path / "grader.py"
    key = (path, path.stat().st_mtime)
    with _graders_lock:
        if key not in _graders:
            _graders[key] = load_module(path, f"mlskills_grader_{task.id.replace('-', '_')}")
        return _graders[key]


DEADLINE_CHECK = "grading finished in time"


def run_grader(task: TaskSpec, ctx: GradeContext, timeout: float | None = None) -> Grade:
    """Call grade(ctx) under the task's deadline and turn every ending into a Grade.

    - the agent's workspace made a step impossible (WorkspaceFault): a failed gate, 0;
    - the deadline passed (agent code that hangs, a hostile file that is slow to parse):
      the sandboxes are closed and the grade is a failed gate, 0. Graders are checked to
      finish in seconds on honest work, so a timeout is charged to the agent's content.
      The deadline counts the grading's own time: time the host kept the grader and agent
      code from a CPU does not count (mlskills.deadline), and a grading the host starved
      to the wall-clock bound is GraderError, not a 0;
    - the grader raised anything else or returned no Grade: GraderError (the harness's).
    """
    limit = timeout if timeout is not None else task.grading.timeout
    outcome: list = []
    worker = threading.Thread(
        target=_call_grader, args=(task, ctx, outcome), name=f"grade-{task.id}", daemon=True
    )
    worker.start()
    deadline = Deadline(limit, ctx.pids, [this_thread(worker.native_id)], interpreter=True)
    while worker.is_alive() and (left := deadline.left()) > 0:
        worker.join(min(left, INTERVAL))
    if worker.is_alive():
        ctx.close()  # ends every sandbox, so a grader waiting on agent code returns
        if deadline.starved():
            raise GraderError(f"grading of {task.id} did not finish: {deadline.describe()}")
        return ctx.fail(DEADLINE_CHECK, f"grading did not finish within {limit:g} s")
    [(grade, exc)] = outcome
    if isinstance(exc, WorkspaceFault):
        return ctx.fail(exc.check, str(exc))
    if exc is not None:
        where = traceback.extract_tb(exc.__traceback__)[-1]
        raise GraderError(
            f"grader of {task.id} raised {type(exc).__name__}: {exc} "
            f"(at {Path(where.filename).name}:{where.lineno})"
        ) from exc
    if not isinstance(grade, Grade):
        raise GraderError(f"grader of {task.id} returned {type(grade).__name__}, not a Grade")
    return grade


def _call_grader(task: TaskSpec, ctx: GradeContext, outcome: list) -> None:
    try:
        outcome.append((load_grader(task).grade(ctx), None))
    except BaseException as exc:  # handed to the caller's thread, which decides
        outcome.append((None, exc))


__all__ = [
    "Check",
    "ExecRun",
    "Grade",
    "GradeContext",
    "GraderError",
    "Predictions",
    "Read",
    "WorkspaceFault",
    "combine",
    "failed",
    "load_grader",
    "run_grader",
]
