"""Warnings for graders that let the code under test steer its own grade (read, not run).

Two patterns have produced forged scores before (model-serving's probe.py, the torch
task's rerun.py): a grader that copies its own helper script into the workspace copy and
runs it there, beside the agent's code, in the same sandbox and uid (a planted module or
a watcher process rewrites what it reports), and a grader that takes a measurement from a
file written inside that sandbox. The safe pattern is in docs/writing-tasks.md: grader
code runs in the harness (`ctx.serve` for servers, one `ctx.exec` per agent-code run,
metrics computed by the grader from raw outputs). An error, not a warning: a grader that
imports anything from `mlskills`, since its whole API comes through `ctx` (a grader tied to
harness internals breaks when they move), and one that takes a host path into an agent-made
tree (`ctx.path("x")`, `run.path("x")`, or the root `ctx.workspace`, `run.workdir`) to open
or walk it itself: pathlib and os.walk follow links and the grader runs as root, so a
linked deliverable would be read wherever it points; the ctx readers (and tree_digest for
a folder) take the relative path and never follow one. The checks parse grader.py; nothing
is imported.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from mlskills.errors import Problem

SCRIPT = re.compile(r"\.(py|sh|bash|pl|rb|js|r)$", re.IGNORECASE)
MEASUREMENT = re.compile(r"(result|report|probe|latenc|timing|measure|score)", re.IGNORECASE)
READERS = {"read_json", "read_table", "read_predictions", "read_bytes"}
# The host folders of the graded copy and of an exec's copy: a grader holding one walks or
# opens agent-made paths itself (os.walk, pathlib follow links), so it must not take one.
TREE_ROOTS = {"workspace", "workdir"}


def lint_grader(path: Path) -> list[Problem]:
    """Warnings (not errors) about grader.py, each with the safe alternative."""
    if (tree := _parsed(path)) is None:
        return []
    found: list[Problem] = []
    staged_dirs: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):  # an `inputs=` mapping, inline or in a variable
            found += _staged_scripts(path, node, staged_dirs)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found += _measurement_reads(path, node, staged_dirs)
    return found


def grader_errors(path: Path) -> list[Problem]:
    """Errors: every import of `mlskills` in grader.py (graders get everything from ctx),
    and every agent-made path the grader touches itself instead of through ctx."""
    if (tree := _parsed(path)) is None:
        return []
    found: list[Problem] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom | ast.Import):
            found += _internal_imports(path, node)
        elif isinstance(node, ast.Call):
            found += _direct_access(path, node)
        elif isinstance(node, ast.Attribute) and node.attr in TREE_ROOTS:
            found += _tree_root(path, node)
    return found


def _parsed(path: Path) -> ast.Module | None:
    """grader.py's syntax tree; None when unreadable (the task loader reports that already)."""
    try:
        return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None


def _staged_scripts(path: Path, inputs: ast.Dict, staged_dirs: set[str]) -> list[Problem]:
    """{"x/probe.py": ctx.task.path / "probe.py"}: a grader script put beside agent code."""
    problems = []
    for key, value in zip(inputs.keys, inputs.values, strict=True):
        dest = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else ""
        source = ast.unparse(value) if value is not None else ""
        from_task = "task" in source or "__file__" in source
        if from_task and (SCRIPT.search(dest) or SCRIPT.search(source)):
            staged_dirs.add(dest.rsplit("/", 1)[0] if "/" in dest else dest)
            problems.append(
                Problem(
                    str(path),
                    f"line {inputs.lineno}",
                    f"warning: the grader puts its own script {dest or source} into the "
                    "workspace and runs it beside the agent's code, which can shadow its "
                    "imports or rewrite what it reports",
                    "run grader code in the harness: ctx.serve(...) for a server, one "
                    "ctx.exec per agent-code run, and compute metrics from raw outputs",
                )
            )
    return problems


def _measurement_reads(path: Path, call: ast.Call, staged_dirs: set[str]) -> list[Problem]:
    """A reader on a file that code in the sandbox wrote and that holds a measurement."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    if name not in READERS or not call.args:
        return []
    target = ast.unparse(call.args[0])
    literal = re.findall(r"['\"]([^'\"]+)['\"]", target)
    rel = literal[0] if literal else ""
    in_staged = any(d and rel.startswith(f"{d}/") for d in staged_dirs)
    from_run = isinstance(call.func, ast.Attribute) and "ctx" not in ast.unparse(call.func.value)
    if not (in_staged or (from_run and MEASUREMENT.search(rel))):
        return []
    return [
        Problem(
            str(path),
            f"line {call.lineno}",
            f"warning: the grader reads {rel or target} as a measurement, but code in the "
            "sandbox could have written it",
            "observe the measurement in the grader (ctx.serve's client times requests) or "
            "compute it from raw outputs (predictions, weights), never from a reported number",
        )
    ]


def _direct_access(path: Path, call: ast.Call) -> list[Problem]:
    """`ctx.path(...)`, `run.path(...)`: a host path into an agent-made tree, which the
    grader could only use by opening it itself (pathlib and open() follow links)."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "path"):
        return []
    return [
        Problem(
            str(path),
            f"line {call.lineno}",
            f"the grader takes a host path into an agent-made tree ({ast.unparse(call)}): "
            "opening, stat-ing or listing it follows links, as root",
            "pass the relative path to ctx.is_file / ctx.read_* (or run.is_file / "
            "run.read_*): they never follow a link",
        )
    ]


def _tree_root(path: Path, node: ast.Attribute) -> list[Problem]:
    """`ctx.workspace`, `run.workdir`: the root of an agent-made tree, as a host path."""
    return [
        Problem(
            str(path),
            f"line {node.lineno}",
            f"the grader takes the root of an agent-made tree ({ast.unparse(node)}): "
            "walking or opening paths under it follows links, as root",
            "read files with ctx.read_* / run.read_*, compare folders with "
            "ctx.tree_digest(rel) / run.tree_digest(rel): they never follow a link",
        )
    ]


def _internal_imports(path: Path, node: ast.Import | ast.ImportFrom) -> list[Problem]:
    modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
    if isinstance(node, ast.ImportFrom) and node.level:  # `from . import x`: not mlskills
        return []
    internal = [m for m in modules if m == "mlskills" or m.startswith("mlskills.")]
    return [
        Problem(
            str(path),
            f"line {node.lineno}",
            f"the grader imports harness internals ({module})",
            "import nothing from mlskills: use the ctx API (ctx.read_*, ctx.number, "
            "run.failed_gate, ctx.serve; docs/writing-tasks.md)",
        )
        for module in internal
    ]


def lint_tasks(evals: Path) -> list[Problem]:
    """Warnings for every task's grader under `evals/tasks`."""
    problems = []
    for grader in sorted((evals / "tasks").glob("*/grader.py")):
        problems += lint_grader(grader)
    return problems


def api_problems(evals: Path) -> list[Problem]:
    """Errors for every task's grader under `evals/tasks` that goes around the ctx API."""
    problems = []
    for grader in sorted((evals / "tasks").glob("*/grader.py")):
        problems += grader_errors(grader)
    return problems
