"""`mlskills tasks list|show|check`: browse tasks and prove each one grades what it claims."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mlskills import bytecode, paths, sandbox, tasks
from mlskills.cli.argtypes import positive_int
from mlskills.errors import MlskillsError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tasks", help="list, show and check eval tasks")
    tsub = p.add_subparsers(dest="tasks_command", required=True, metavar="ACTION")
    ls = tsub.add_parser("list", help="every task with its tags")
    ls.add_argument("--suite", help="only the tasks of this suite")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=handle_list)
    show = tsub.add_parser("show", help="one task's metadata and instruction")
    show.add_argument("task_id", metavar="ID")
    show.set_defaults(handler=handle_show)
    check = tsub.add_parser(
        "check",
        help="oracle and right/* pass, nop and wrong/* fail, grading is stable; margins",
        description="Exit 1 when a task fails (a right solution fails, a wrong one passes, "
        "nop scores, grading differs twice); a margin within 0.05 of the pass mark is a "
        "warning (exit 0) unless --strict.",
    )
    check.add_argument("task_ids", nargs="*", metavar="ID", help="default: all tasks")
    check.add_argument("--suite", help="check the tasks of this suite")
    check.add_argument(
        "--seeds",
        type=positive_int,
        default=3,
        help="seeds per solution (default 3); nop runs seed 0",
    )
    check.add_argument(
        "--wrong-seeds",
        type=positive_int,
        metavar="N",
        help="run wrong/* on the first N seeds only (default: every seed), to save time; "
        "the oracle and right/* still run on every seed",
    )
    check.add_argument(
        "--metrics", action="store_true", help="also show the raw metric behind each score"
    )
    check.add_argument(
        "--strict", action="store_true", help="a flagged margin fails the check (exit 1)"
    )
    check.add_argument("-j", "--jobs", type=positive_int, default=1)
    check.add_argument("--sandbox", default="auto", choices=["auto", "local", "bwrap"])
    check.add_argument("--cache-dir", type=Path)
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=handle_check)
    for action in (ls, show, check):
        action.add_argument("--evals", type=Path, help="evals folder (default: the bundled one)")


def _selected(args: argparse.Namespace, ids: list[str] | None = None) -> list[str]:
    if ids:
        return ids
    if args.suite:
        return list(tasks.load_suite(args.suite, args.evals).task_ids)
    return tasks.task_ids(args.evals)


def handle_list(args: argparse.Namespace) -> int:
    specs = [tasks.find_task(t, args.evals) for t in _selected(args)]
    if args.json:
        rows = [
            {"id": t.id, "title": t.title, "tags": list(t.tags), "requires": list(t.requires)}
            for t in specs
        ]
        print(json.dumps(rows, indent=2))
        return 0
    table = Table(title=f"{len(specs)} tasks")
    for column in ("id", "title", "metric", "tags"):
        table.add_column(column)
    for t in specs:
        table.add_row(t.id, t.title, t.grading.metric, ", ".join(t.tags))
    Console().print(table)
    return 0


def handle_show(args: argparse.Namespace) -> int:
    task = tasks.find_task(args.task_id, args.evals)
    console = Console()
    console.print(f"[bold]{task.id}[/]: {task.title}\n{task.summary}\n")
    g = task.grading
    console.print(
        f"metric {g.metric}: baseline {g.baseline}, reference {g.reference}, "
        f"pass mark {g.pass_mark}; tags: {', '.join(task.tags)}"
    )
    console.print(f"right solutions: {', '.join(p.stem for p in task.right_solutions) or 'none'}")
    console.print(f"wrong solutions: {', '.join(p.stem for p in task.wrong_solutions) or 'none'}")
    console.print("\n[bold]instruction.md[/] (template)\n")
    console.print(task.instruction_path.read_text(encoding="utf-8"), markup=False)
    return 0


def handle_check(args: argparse.Namespace) -> int:
    from mlskills.cli.progress import RunProgress
    from mlskills.selfcheck import check_tasks

    if args.wrong_seeds and args.wrong_seeds > args.seeds:
        raise MlskillsError(f"--wrong-seeds {args.wrong_seeds} is more than --seeds {args.seeds}")
    kind = sandbox.choose(args.sandbox)[0]
    if kind == "bwrap" and (slow := bytecode.hint()):
        print(slow, file=sys.stderr)
    with RunProgress(quiet=args.json, label="checking") as progress:
        results = check_tasks(
            _selected(args, args.task_ids),
            seeds=args.seeds,
            wrong_seeds=args.wrong_seeds,
            jobs=args.jobs,
            cache_dir=args.cache_dir or paths.default_cache_dir(),
            sandbox_kind=kind,
            observer=progress,
            evals=args.evals,
        )
    if args.json:
        print(json.dumps([r.to_dict() for r in results], indent=2))
    else:
        _print_checks(results, metrics=args.metrics, seeds=args.seeds, wrong=args.wrong_seeds)
    if not all(r.ok for r in results):
        return 1
    return 1 if args.strict and any(r.flags for r in results) else 0


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _solution(run, metrics: bool) -> str:
    """`score name/seed`, with the raw metric in brackets under --metrics."""
    if run is None:
        return "—"
    text = f"{_fmt(run.score)} {run.name}/{run.seed}"
    return f"{text} [{_fmt(run.metric)}]" if metrics else text


def _verdict(r) -> str:
    if r.skipped:
        return "[yellow]skip[/]"
    if not r.ok:
        return "[red]NO[/]"
    return "[yellow]flag[/]" if r.flags else "[green]yes[/]"


def _print_checks(
    results: list, *, metrics: bool = False, seeds: int = 3, wrong: int | None = None
) -> None:
    title = f"{seeds} seed{'s' if seeds > 1 else ''}"
    if wrong and wrong < seeds:
        title += f"; wrong/* on the first {wrong} only"
    table = Table(title=f"tasks check ({title})")
    columns = ("task", "ok", "pass", "worst right", "best wrong", "nop", "oracle s", "grade s")
    for column in columns:
        table.add_column(column, justify="left" if column in ("task", "ok") else "right")
    for r in results:
        table.add_row(
            r.task_id,
            _verdict(r),
            "—" if r.skipped else f"{r.pass_mark:.2f}",
            escape(_solution(r.worst_right, metrics)),
            escape(_solution(r.best_wrong, metrics)),
            _fmt(r.nop_score),
            f"{r.oracle_seconds:.1f}",
            f"{r.grade_seconds:.2f}",
        )
    console = Console()
    console.print(table)
    for r in results:
        for problem in r.problems:
            console.print(f"[red]{r.task_id}[/]: {escape(problem)}", highlight=False)
        for flag in r.flags:
            console.print(f"[yellow]{r.task_id}[/]: margin: {escape(flag)}", highlight=False)
        if r.skipped:
            console.print(f"[yellow]{r.task_id}[/]: skipped: {escape(r.skipped)}")
