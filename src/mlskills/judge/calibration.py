"""Judge calibration: run the judge on labelled workspaces and measure how far to trust it.

Layout: `evals/judge/<task-id>/<case>/` holds `workspace/` (the finished work, small) and
`labels.yaml`:

    note: Borderline. States the split, but not what it cannot show.
    expect: {validation_strategy: pass, limits_stated: fail}

Every id in `expect` must be a rubric item of the task. Cases are usually a good, a bad
and a borderline workspace per task; the judge reads them exactly as it reads a trial.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mlskills import paths, tasks
from mlskills.errors import InvalidInput, Problem
from mlskills.instructions import render_instruction
from mlskills.judge.case import Case, SandboxFactory
from mlskills.judge.majority import FAIL, PASS
from mlskills.judge.tools import GUEST_ROOT
from mlskills.schema import TaskSpec, Usage
from mlskills.transcript import TrialLog

LABELS = "labels.yaml"


@dataclass(frozen=True)
class LabelledCase:
    task: TaskSpec
    name: str
    folder: Path
    expect: dict[str, str]  # rubric item id -> pass | fail
    note: str = ""

    @property
    def workspace(self) -> Path:
        return self.folder / "workspace"


@dataclass
class CaseResult:
    case: LabelledCase
    entries: list[dict[str, Any]]
    usage: Usage = field(default_factory=Usage)

    def verdicts(self) -> dict[str, str]:
        return {e["id"]: e["verdict"] for e in self.entries}


def default_root() -> Path:
    return paths.evals_dir() / "judge"


def load_cases(
    root: Path, task_ids: list[str] | None = None, evals: Path | None = None
) -> list[LabelledCase]:
    """Every labelled case under `root` (or those of `task_ids`), checked against the rubric."""
    folders = sorted(p for p in Path(root).glob("*/*") if (p / LABELS).is_file())
    chosen = [f for f in folders if not task_ids or f.parent.name in task_ids]
    specs = {t: tasks.find_task(t, evals) for t in sorted({f.parent.name for f in chosen})}
    problems: list[Problem] = []
    cases = [_load(f, specs[f.parent.name], problems) for f in chosen]
    if problems:
        raise InvalidInput(problems, "judge calibration cases")
    return [c for c in cases if c is not None]


def _load(folder: Path, task: TaskSpec, problems: list[Problem]) -> LabelledCase | None:
    file = str(folder / LABELS)
    data = yaml.safe_load((folder / LABELS).read_text(encoding="utf-8")) or {}
    expect = data.get("expect") if isinstance(data, dict) else None
    if not isinstance(expect, dict) or not expect:
        problems.append(Problem(file, "expect", "missing", "map rubric item ids to pass/fail"))
        return None
    known = {item.id for item in task.grading.rubric}
    for item_id, label in expect.items():
        if item_id not in known:
            fix = f"use one of: {', '.join(sorted(known)) or '(the task has no rubric)'}"
            problems.append(Problem(file, f"expect.{item_id}", "not a rubric item", fix))
        if label not in (PASS, FAIL):
            problems.append(Problem(file, f"expect.{item_id}", f"{label!r}", "use pass or fail"))
    if not (folder / "workspace").is_dir():
        problems.append(Problem(str(folder), "workspace/", "missing", "add the finished work"))
    note = str(data.get("note", "")).strip()
    return LabelledCase(
        task, folder.name, folder, {str(k): str(v) for k, v in expect.items()}, note
    )


def run_case(
    judge: Any, case: LabelledCase, make_sandbox: SandboxFactory, logs: Path
) -> CaseResult:
    """Judge one labelled workspace; its transcript goes to logs/<task>/<case>/."""
    log = TrialLog(logs / case.task.id / case.name)
    with tempfile.TemporaryDirectory(prefix="judge-check-") as scratch:
        try:
            judgement = judge.judge(
                Case(
                    case.task,
                    case.workspace,
                    Path(scratch),
                    make_sandbox,
                    instruction=calibration_instruction(case.task),
                ),
                log,
            )
        finally:
            log.close()
    return CaseResult(case, judgement.entries, judgement.usage)


def calibration_instruction(task: TaskSpec) -> str:
    """A frozen exhibit had no trial: the instruction as an agent under the task's own
    limits read it, with the workspace at the path the judge sees."""
    return render_instruction(task, GUEST_ROOT, task.limits)
