"""Load and validate tasks (evals/tasks/<id>/) and suites (evals/suites/<name>.yaml).

Validation is static (YAML, files present, `def grade` / `def prepare` found by parsing, not
importing) and collects every problem before raising, so one run of `mlskills validate`
shows an author everything to fix.
"""

from __future__ import annotations

import ast
import importlib.util
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from mlskills import paths
from mlskills.errors import InvalidInput, Problem
from mlskills.schema import (
    DEFAULT_GRADING_TIMEOUT,
    SAFE_NAME,
    GradingSpec,
    Limits,
    Resources,
    RubricItem,
    TaskSpec,
)

TASK_KEYS = {"id", "title", "summary", "tags", "requires", "limits", "grading", "resources"}
RESOURCE_KEYS = {"cpus", "memory_mb", "gpus"}
GRADING_KEYS = {
    "metric",
    "baseline",
    "reference",
    "pass_mark",
    "metric_weight",
    "protected",
    "rubric",
    "timeout",
}
MAX_GRADING_TIMEOUT = 3600  # seconds: a grader slower than an hour is a bug, not a task
RUBRIC_KEYS = {"id", "criterion", "weight", "evidence"}
LIMIT_KEYS = {f.name for f in fields(Limits)}
SUITE_KEYS = {"name", "description", "tasks", "epochs", "limits"}


@dataclass(frozen=True)
class Suite:
    name: str
    description: str
    task_ids: tuple[str, ...]
    epochs: int
    limits: dict[str, Any]
    path: Path


class _Collector:
    """Gathers problems for one file so the loader can keep going after the first."""

    def __init__(self, file: Path) -> None:
        self.file = str(file)
        self.problems: list[Problem] = []

    def add(self, field: str, message: str, fix: str = "") -> None:
        self.problems.append(Problem(self.file, field, message, fix))

    def unknown_keys(self, data: dict, allowed: set[str], prefix: str = "") -> None:
        for key in sorted(set(data) - allowed):
            self.add(
                f"{prefix}{key}",
                "unknown key",
                f"remove it, or use one of: {', '.join(sorted(allowed))}",
            )

    def typed(self, data: dict, key: str, kinds: tuple[type, ...], prefix: str = "") -> Any:
        """The value at `key` if it has one of `kinds`; records a problem otherwise."""
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) and bool not in kinds:
            value = object()  # YAML `yes` is not a number
        if not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            self.add(f"{prefix}{key}", f"expected {names}, got {value!r}", f"give a {names}")
            return None
        return value


def read_yaml(path: Path, out: _Collector) -> dict | None:
    """Parse a YAML mapping, turning syntax errors into a problem with the line number."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(syntax)"
        out.add(where, f"invalid YAML: {getattr(exc, 'problem', exc)}", "fix the YAML syntax")
        return None
    except OSError as exc:
        out.add("", f"cannot read: {exc.strerror}", "check the file exists and is readable")
        return None
    except UnicodeDecodeError:
        out.add("", "is not UTF-8 text", "save it as UTF-8")
        return None
    if not isinstance(data, dict):
        out.add("", "must be a YAML mapping of keys to values", "start with `id: <task-id>`")
        return None
    return data


def _defines(path: Path, function: str, out: _Collector) -> None:
    """Check a Python file parses and defines a top-level function, without importing it."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except UnicodeDecodeError:
        out.problems.append(Problem(str(path), "", "is not UTF-8 text", "save it as UTF-8"))
        return
    except SyntaxError as exc:
        out.problems.append(
            Problem(str(path), f"line {exc.lineno}", f"syntax error: {exc.msg}", "fix the code")
        )
        return
    names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    if function not in names:
        out.problems.append(
            Problem(str(path), function, f"no top-level `def {function}(...)`", "define it")
        )


def _load_limits(data: Any, out: _Collector, prefix: str = "limits.") -> Limits:
    if data is None:
        return Limits()
    if not isinstance(data, dict):
        out.add(prefix.rstrip("."), "must be a mapping", "e.g. `limits: {agent_timeout: 900}`")
        return Limits()
    out.unknown_keys(data, LIMIT_KEYS, prefix)
    values = {}
    for key in LIMIT_KEYS & set(data):
        value = out.typed(data, key, (int, float), prefix)
        if value is not None and value <= 0:
            out.add(f"{prefix}{key}", f"must be positive, got {value}", "use a number above 0")
        elif value is not None:
            values[key] = value
    return Limits().override(**values)


def _load_resources(data: Any, out: _Collector) -> Resources:
    """`resources: {cpus: 2, memory_mb: 4096, gpus: 0}`: what a scheduler reserves per trial."""
    if data is None:
        return Resources()
    if not isinstance(data, dict):
        out.add("resources", "must be a mapping", "e.g. `resources: {cpus: 2, memory_mb: 4096}`")
        return Resources()
    out.unknown_keys(data, RESOURCE_KEYS, "resources.")
    values = {}
    for key in sorted(RESOURCE_KEYS & set(data)):
        value = out.typed(data, key, (int, float), "resources.")
        if value is None:
            continue
        if value < 0 or (key != "gpus" and value == 0):
            out.add(f"resources.{key}", f"must be positive, got {value}", "use a number above 0")
            continue
        values[key] = int(value) if key == "memory_mb" else float(value)
    return Resources(**values)


def _load_rubric(items: Any, out: _Collector) -> tuple[RubricItem, ...]:
    if items is None:
        return ()
    if not isinstance(items, list):
        out.add("grading.rubric", "must be a list of items", "use `- id: ...` entries")
        return ()
    rubric = []
    for i, item in enumerate(items):
        prefix = f"grading.rubric[{i}]."
        if not isinstance(item, dict) or not item.get("id") or not item.get("criterion"):
            out.add(prefix.rstrip("."), "needs `id` and `criterion`", "add both")
            continue
        out.unknown_keys(item, RUBRIC_KEYS, prefix)
        weight = out.typed(item, "weight", (int, float), prefix)
        evidence = item.get("evidence") or []
        rubric.append(
            RubricItem(
                id=str(item["id"]),
                criterion=str(item["criterion"]),
                weight=float(weight if weight is not None else 1.0),
                evidence=tuple(str(e) for e in evidence),
            )
        )
    return tuple(rubric)


def _load_grading(data: Any, out: _Collector) -> GradingSpec | None:
    if not isinstance(data, dict):
        out.add("grading", "missing or not a mapping", "add metric, baseline, reference, pass_mark")
        return None
    out.unknown_keys(data, GRADING_KEYS, "grading.")
    metric = out.typed(data, "metric", (str,), "grading.")
    if not metric:
        out.add("grading.metric", "missing", "name the metric, e.g. `average_precision`")
    numbers = {}
    for key in ("baseline", "reference"):
        numbers[key] = out.typed(data, key, (int, float), "grading.")
        if key not in data:
            out.add(f"grading.{key}", "missing", "measure it with a simple / the oracle solution")
    pass_mark = out.typed(data, "pass_mark", (int, float), "grading.")
    if pass_mark is not None and not 0 <= pass_mark <= 1:
        out.add("grading.pass_mark", f"{pass_mark} is outside [0, 1]", "use a value from 0 to 1")
    if None not in numbers.values() and numbers["baseline"] == numbers["reference"]:
        out.add("grading.reference", "equals the baseline", "reference must differ from baseline")
    protected = data.get("protected", ["data/**"])
    if not isinstance(protected, list) or not all(isinstance(p, str) for p in protected):
        out.add("grading.protected", "must be a list of glob patterns", "e.g. ['data/**']")
        protected = []
    rubric = _load_rubric(data.get("rubric"), out)
    weight = out.typed(data, "metric_weight", (int, float), "grading.")
    timeout = out.typed(data, "timeout", (int, float), "grading.")
    if timeout is not None and not 0 < timeout <= MAX_GRADING_TIMEOUT:
        out.add(
            "grading.timeout",
            f"{timeout} is not a number of seconds in (0, {MAX_GRADING_TIMEOUT}]",
            "give the seconds one grading may take, e.g. `timeout: 60` (the default)",
        )
        timeout = None
    if not metric or None in numbers.values():
        return None
    return GradingSpec(
        metric=metric,
        baseline=float(numbers["baseline"]),
        reference=float(numbers["reference"]),
        pass_mark=float(pass_mark if pass_mark is not None else 0.5),
        metric_weight=float(weight if weight is not None else 1.0),
        protected=tuple(protected),
        rubric=rubric,
        timeout=float(timeout if timeout is not None else DEFAULT_GRADING_TIMEOUT),
    )


def _string_list(data: dict, key: str, out: _Collector) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        out.add(key, f"must be a list of strings, got {value!r}", f"e.g. `{key}: [a, b]`")
        return ()
    return tuple(value)


def _check_files(task_dir: Path, out: _Collector) -> None:
    required = {
        "instruction.md": "write what the agent is told",
        "prepare.py": "define prepare(seed, public_dir, hidden_dir)",
        "grader.py": "define grade(ctx) returning a Grade",
        "solution/solve.sh": "add the reference solution the oracle runs",
    }
    for name, fix in required.items():
        if not (task_dir / name).is_file():
            out.problems.append(Problem(str(task_dir / name), "", "missing file", fix))
    if (task_dir / "grader.py").is_file():
        _defines(task_dir / "grader.py", "grade", out)
    if (task_dir / "prepare.py").is_file():
        _defines(task_dir / "prepare.py", "prepare", out)
    for folder in ("right", "wrong"):
        for script in sorted((task_dir / folder).glob("*.sh")):
            _check_script(script, out)


def _check_script(script: Path, out: _Collector) -> None:
    """A right/ or wrong/ script: a safe name, and a comment saying what it does and why.

    `tasks check` runs right/<name>.sh as an alternative correct solution (it must pass)
    and wrong/<name>.sh as a known mistake (it must fail); the comment is how a reader
    knows which approach or which mistake each one is.
    """
    if not SAFE_NAME.fullmatch(script.stem):
        fix = "use lower-case letters, digits, '.', '_' and '-'"
        out.problems.append(Problem(str(script), "", f"unsafe script name {script.stem!r}", fix))
    try:
        lines = script.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        out.problems.append(Problem(str(script), "", "is not UTF-8 text", "save it as UTF-8"))
        return
    body = [line for line in lines if not line.startswith("#!")]
    if not body or not body[0].startswith("# ") or len(body[0].strip()) < 12:
        kind = "approach" if script.parent.name == "right" else "mistake"
        fix = f"start it with a comment saying which {kind} it takes"
        out.problems.append(Problem(str(script), "line 1", f"no comment naming the {kind}", fix))


def load_task(task_dir: Path) -> TaskSpec:
    """Load one task folder, raising InvalidInput with every problem found."""
    task_dir = Path(task_dir)
    yaml_path = task_dir / "task.yaml"
    out = _Collector(yaml_path)
    if not task_dir.is_dir():
        raise InvalidInput([Problem(str(task_dir), "", "no such task folder", "check the id")])
    data = read_yaml(yaml_path, out) or {}
    out.unknown_keys(data, TASK_KEYS)
    for key in ("id", "title", "summary"):
        if not isinstance(data.get(key), str) or not data.get(key, "").strip():
            out.add(key, "missing or empty", f"add a `{key}:` line")
    if isinstance(data.get("id"), str) and data["id"] != task_dir.name:
        out.add("id", f"{data['id']!r} differs from the folder name {task_dir.name!r}", "rename")
    tags = _string_list(data, "tags", out)
    requires = _string_list(data, "requires", out)
    limits = _load_limits(data.get("limits"), out)
    resources = _load_resources(data.get("resources"), out)
    grading = _load_grading(data.get("grading"), out) if data else None
    _check_files(task_dir, out)
    if out.problems or grading is None:
        raise InvalidInput(out.problems, f"task {task_dir.name}")
    return TaskSpec(
        id=data["id"],
        title=data["title"].strip(),
        summary=data["summary"].strip(),
        path=task_dir,
        tags=tags,
        requires=requires,
        limits=limits,
        grading=grading,
        resources=resources,
    )


def tasks_root(evals: Path | None = None) -> Path:
    return (evals or paths.evals_dir()) / "tasks"


def task_ids(evals: Path | None = None) -> list[str]:
    root = tasks_root(evals)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "task.yaml").is_file())


def find_task(task_id: str, evals: Path | None = None) -> TaskSpec:
    folder = tasks_root(evals) / task_id
    if not SAFE_NAME.fullmatch(task_id) or not folder.is_dir():
        known = ", ".join(task_ids(evals)) or "none"
        raise InvalidInput(
            [Problem(str(folder), "", f"no task {task_id!r}", f"use one of: {known}")], "task id"
        )
    return load_task(folder)


def load_all(evals: Path | None = None) -> tuple[list[TaskSpec], list[Problem]]:
    """Every task that loads, plus every problem in those that do not (and stray folders)."""
    tasks, problems = [], []
    root = tasks_root(evals)
    if not root.is_dir():
        fix = "pass --evals a folder holding tasks/ and suites/"
        return [], [Problem(str(root), "", "no tasks folder here", fix)]
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if not (folder / "task.yaml").is_file() and not folder.name.startswith((".", "_")):
            fix = "add task.yaml, or remove the folder"
            problems.append(Problem(str(folder / "task.yaml"), "", "missing file", fix))
    for task_id in task_ids(evals):
        try:
            tasks.append(load_task(tasks_root(evals) / task_id))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    return tasks, problems


def load_suite(name_or_path: str, evals: Path | None = None) -> Suite:
    """A suite by name (evals/suites/NAME.yaml) or by path to its YAML file."""
    path = Path(name_or_path)
    if not path.suffix:
        path = (evals or paths.evals_dir()) / "suites" / f"{name_or_path}.yaml"
    out = _Collector(path)
    if not path.is_file():
        folder = path.parent
        known = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
        raise InvalidInput(
            [Problem(str(path), "", "no such suite", f"use one of: {', '.join(known) or 'none'}")],
            "suite",
        )
    data = read_yaml(path, out) or {}
    out.unknown_keys(data, SUITE_KEYS)
    ids = _string_list(data, "tasks", out)
    if not ids:
        out.add("tasks", "no tasks listed", "list task ids under `tasks:`")
    missing = [t for t in ids if t not in task_ids(evals)]
    for task_id in missing:
        out.add("tasks", f"unknown task {task_id!r}", "create evals/tasks/<id> or remove it")
    epochs = out.typed(data, "epochs", (int,)) or 1
    limits = data.get("limits") or {}
    _load_limits(limits, out)
    if out.problems:
        raise InvalidInput(out.problems, f"suite {path.stem}")
    return Suite(
        name=str(data.get("name", path.stem)),
        description=str(data.get("description", "")),
        task_ids=ids,
        epochs=epochs,
        limits=limits,
        path=path,
    )


def missing_requirements(task: TaskSpec) -> list[str]:
    """Modules the task needs that this Python cannot import (the task is then skipped)."""
    return [name for name in task.requires if importlib.util.find_spec(name) is None]
