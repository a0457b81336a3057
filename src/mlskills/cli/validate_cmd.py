"""`mlskills validate`: static checks of every task, suite and the pack, all problems at once."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mlskills import paths, tasks
from mlskills.errors import InvalidInput, Problem
from mlskills.grading.lint import api_problems, lint_tasks
from mlskills.instructions import render_problem
from mlskills.schema import TaskSpec


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check tasks, suites and the pack without running them")
    p.add_argument("--evals", type=Path, help="evals folder (default: the bundled one)")
    p.add_argument("--pack", type=Path, help="pack root holding agents/ and skills/")
    p.add_argument("--json", action="store_true", help="problems as a JSON list")
    p.set_defaults(handler=handle)


def suite_problems(evals: Path) -> list[Problem]:
    problems = []
    for path in sorted((evals / "suites").glob("*.yaml")):
        try:
            tasks.load_suite(str(path), evals)
        except InvalidInput as exc:
            problems.extend(exc.problems)
    return problems


def instruction_problems(specs: list[TaskSpec]) -> list[Problem]:
    """Each instruction.md renders (partials found, every variable known)."""
    fix = "use only workspace, limits and task, and partials that exist in evals/_partials/"
    return [
        Problem(str(spec.instruction_path), "", message, fix)
        for spec in specs
        if (message := render_problem(spec))
    ]


def pack_problems(root: Path) -> list[Problem]:
    try:
        from mlskills.pack.validate import validate_pack
    except ModuleNotFoundError:
        return []  # no pack validator in this version
    return validate_pack(root)


def handle(args: argparse.Namespace) -> int:
    evals = args.evals or paths.evals_dir()
    specs, problems = tasks.load_all(evals)
    problems += instruction_problems(specs)
    problems += suite_problems(evals)
    problems += pack_problems(args.pack or paths.resource_root())
    problems += api_problems(evals)  # a grader's API is ctx alone: going around it is an error
    for warning in lint_tasks(evals):  # advice, never a failure: printed apart, on stderr
        print(f"mlskills: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps([p.__dict__ for p in problems], indent=2))
    elif problems:
        print(f"{len(problems)} problem(s):")
        for problem in problems:
            print(f"  - {problem}")
    else:
        print(f"ok: {len(specs)} tasks, their suites and the pack are valid")
        if budget := _budget_line(args.pack or paths.resource_root()):
            print(budget)
    return 1 if problems else 0


def _budget_line(root: Path) -> str | None:
    try:
        from mlskills.pack.validate import DESCRIPTION_BUDGET, description_budget_used
    except ModuleNotFoundError:
        return None
    used = description_budget_used(root)
    return f"pack descriptions: {used} of {DESCRIPTION_BUDGET} characters"
