"""The task instruction, rendered once per trial below both of its readers.

trial.py renders it with the trial's effective limits (after CLI and suite overrides) and
hands the same text to the agent and, through `judge.Case`, to the judge: a second
rendering could (and once did) tell the judge different limits than the agent was given.
Templates may include the shared partials in evals/_partials/ (the Constraints block).
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from mlskills.paths import evals_dir
from mlskills.schema import Limits, TaskSpec

PARTIALS = "_partials"


@functools.cache
def _environment(partials: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(partials),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


@functools.cache
def _template(path: Path, mtime: float, partials: Path) -> jinja2.Template:
    # keyed on the mtime so an edited instruction is re-read (tasks check, long sessions)
    return _environment(partials).from_string(path.read_text(encoding="utf-8"))


def partials_dir(task: TaskSpec) -> Path:
    """The partials of the evals folder the task lives in (evals/tasks/<id>/ → evals/)."""
    here = task.path.parent.parent / PARTIALS
    return here if here.is_dir() else evals_dir() / PARTIALS


def render_instruction(task: TaskSpec, workspace: str, limits: Limits) -> str:
    """The instruction.md template with the workspace path the reader sees and `limits`."""
    path = task.instruction_path
    template = _template(path, path.stat().st_mtime, partials_dir(task))
    return template.render(workspace=workspace, limits=limits, task=task)


def render_problem(task: TaskSpec) -> str | None:
    """Why the task's instruction would not render for a trial (a typo, a missing partial),
    or None: `mlskills validate` says so before any trial fails on it."""
    try:
        render_instruction(task, "/workspace", task.limits)
    except (jinja2.TemplateError, OSError) as exc:
        return f"does not render: {type(exc).__name__}: {exc}"
    return None
