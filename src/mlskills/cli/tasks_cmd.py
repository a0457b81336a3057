"""`mlskills tasks list|show|check`: browse tasks and prove each one grades what it claims."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mlskills import paths, sandbox, tasks
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
    check = tsub.add_parser("check", help="oracle passes, nop and wrong/* fail, grading is stable")
    check.add_argument("task_ids", nargs="*", metavar="ID", help="default: all tasks")
    check.add_argument("--suite", help="check the tasks of this suite")
    check.add_argument("--seeds", type=int, default=1, help="oracle seeds per task (default 1)")
    check.add_argument("-j", "--jobs", type=int, default=1)
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
    console.print(f"wrong solutions: {', '.join(p.stem for p in task.wrong_solutions) or 'none'}")
    console.print("\n[bold]instruction.md[/] (template)\n")
    console.print(task.instruction_path.read_text(encoding="utf-8"), markup=False)
    return 0


def handle_check(args: argparse.Namespace) -> int:
    from mlskills.cli.progress import RunProgress
    from mlskills.selfcheck import check_tasks

    if args.seeds < 1:
        raise MlskillsError("--seeds must be at least 1")
    kind = sandbox.choose(args.sandbox)[0]
    with RunProgress(quiet=args.json, label="checking") as progress:
        results = check_tasks(
            _selected(args, args.task_ids),
            seeds=args.seeds,
            jobs=args.jobs,
            cache_dir=args.cache_dir or paths.default_cache_dir(),
            sandbox_kind=kind,
            observer=progress,
            evals=args.evals,
        )
    if args.json:
        print(json.dumps([r.to_dict() for r in results], indent=2))
    else:
        _print_checks(results)
    return 0 if all(r.ok for r in results) else 1


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _print_checks(results: list) -> None:
    table = Table(title="tasks check")
    for column in ("task", "ok", "oracle", "nop", "best wrong", "oracle s", "grade s"):
        table.add_column(column, justify="left" if column == "task" else "right")
    for r in results:
        wrong_scores = [s for s in r.wrong_scores.values() if s is not None]
        verdict = "[yellow]skip[/]" if r.skipped else ("[green]yes[/]" if r.ok else "[red]NO[/]")
        table.add_row(
            r.task_id,
            verdict,
            _fmt(min(r.oracle_scores) if r.oracle_scores else None),
            _fmt(r.nop_score),
            _fmt(max(wrong_scores) if wrong_scores else None),
            f"{r.oracle_seconds:.1f}",
            f"{r.grade_seconds:.2f}",
        )
    console = Console()
    console.print(table)
    for r in results:
        for problem in r.problems:
            console.print(f"[red]{r.task_id}[/]: {escape(problem)}", highlight=False)
        if r.skipped:
            console.print(f"[yellow]{r.task_id}[/]: skipped: {escape(r.skipped)}")
