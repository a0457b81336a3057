"""Grading: run a task's `grade(ctx)` safely and turn every failure into a reason."""

from __future__ import annotations

import threading
import traceback
from pathlib import Path
from types import ModuleType

from mlskills.grading.context import ExecRun, GradeContext
from mlskills.grading.predictions import Predictions
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


def run_grader(task: TaskSpec, ctx: GradeContext) -> Grade:
    """Call grade(ctx); a raise or a wrong return type becomes GraderError with the reason."""
    try:
        grade = load_grader(task).grade(ctx)
    except Exception as exc:
        where = traceback.extract_tb(exc.__traceback__)[-1]
        raise GraderError(
            f"grader of {task.id} raised {type(exc).__name__}: {exc} "
            f"(at {Path(where.filename).name}:{where.lineno})"
        ) from exc
    if not isinstance(grade, Grade):
        raise GraderError(f"grader of {task.id} returned {type(grade).__name__}, not a Grade")
    return grade


__all__ = [
    "Check",
    "ExecRun",
    "Grade",
    "GradeContext",
    "GraderError",
    "Predictions",
    "combine",
    "failed",
    "load_grader",
    "run_grader",
]
