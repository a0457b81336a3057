"""`mlskills judge check`: how far to trust the rubric judge, measured on labelled workspaces.

Runs the judge (the same code as in `mlskills run --judge-model`) on every case under
evals/judge/<task-id>/<case>/ and compares its verdicts with the labels: accuracy, false
passes (credit for work that is not there) and false fails per rubric item and overall.
Exit codes: 0 done (and --min-accuracy met), 1 below --min-accuracy or --max-false-pass,
2 bad input.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import asdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

from mlskills import sandbox
from mlskills.cli.argtypes import key_values, positive_int
from mlskills.errors import MlskillsError
from mlskills.judge import JudgeConfig, create
from mlskills.judge.agreement import OVERALL, Agreement, agreement, disagreements
from mlskills.judge.calibration import CaseResult, default_root, load_cases, run_case
from mlskills.schema import Usage


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("judge", help="calibrate the rubric judge against labelled workspaces")
    jsub = p.add_subparsers(dest="judge_command", required=True, metavar="ACTION")
    check = jsub.add_parser(
        "check", help="judge labelled cases; report agreement", description=__doc__
    )
    check.add_argument("--judge-model", metavar="MODEL", help="the judge's model (required)")
    check.add_argument(
        "--judge-epochs", type=positive_int, default=1, metavar="N", help="majority of N"
    )
    check.add_argument("--judge-option", action="append", default=[], metavar="KEY=VALUE")
    check.add_argument("--task", action="append", default=[], metavar="ID", help="repeatable")
    check.add_argument("--cases", type=Path, help="cases folder (default: evals/judge)")
    check.add_argument("--evals", type=Path, help="evals folder (default: the bundled one)")
    check.add_argument("--sandbox", default="auto", choices=["auto", "local", "bwrap"])
    check.add_argument("--logs", type=Path, help="keep the judge's transcripts here")
    check.add_argument("--min-accuracy", type=float, metavar="X", help="exit 1 below this")
    check.add_argument("--max-false-pass", type=float, metavar="X", help="exit 1 above this")
    check.add_argument("--json", action="store_true", help="print the results as JSON")
    check.set_defaults(handler=handle_check)


def handle_check(args: argparse.Namespace) -> int:
    if not args.judge_model:
        raise MlskillsError("give the judge's model: mlskills judge check --judge-model MODEL")
    cases = load_cases(args.cases or default_root(), args.task or None, args.evals)
    if not cases:
        raise MlskillsError(f"no labelled cases found under {args.cases or default_root()}")
    config = JudgeConfig(
        args.judge_model, args.judge_epochs, key_values(args.judge_option, "--judge-option")
    )
    judge = create(config.to_dict())
    results = _run(judge, cases, args)
    rows = agreement(results)
    if args.json:
        print(json.dumps(payload(config, results, rows), indent=2))
    else:
        print_table(rows, results)
    return _exit_code(rows[-1], args)


def _run(judge: object, cases: list, args: argparse.Namespace) -> list[CaseResult]:
    kind = sandbox.choose(args.sandbox)[0]

    def make_sandbox(workdir: Path, limits, scratch: Path) -> sandbox.Sandbox:
        return sandbox.create(kind, workdir, limits, scratch)

    if args.logs:
        return [run_case(judge, c, make_sandbox, args.logs) for c in cases]
    with tempfile.TemporaryDirectory(prefix="judge-logs-") as logs:
        return [run_case(judge, c, make_sandbox, Path(logs)) for c in cases]


def _exit_code(overall: Agreement, args: argparse.Namespace) -> int:
    low = args.min_accuracy is not None and (overall.accuracy or 0.0) < args.min_accuracy
    rate = overall.false_pass_rate or 0.0
    high = args.max_false_pass is not None and rate > args.max_false_pass
    return 1 if low or high else 0


def total_usage(results: list[CaseResult]) -> Usage:
    usage = Usage()
    for result in results:
        usage.add(result.usage)
    return usage


def payload(config: JudgeConfig, results: list[CaseResult], rows: list[Agreement]) -> dict:
    """The --json output: settings, per-item and overall agreement, misses, cost."""
    usage = total_usage(results)
    return {
        "judge": config.to_dict(),
        "cases": [
            {
                "task": r.case.task.id,
                "case": r.case.name,
                "expect": r.case.expect,
                "verdicts": r.verdicts(),
            }
            for r in results
        ],
        "items": [row.to_dict() for row in rows if row.item != OVERALL],
        "overall": rows[-1].to_dict(),
        "disagreements": disagreements(results),
        "usage": {**asdict(usage), "total_tokens": usage.total_tokens},
    }


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def print_table(rows: list[Agreement], results: list[CaseResult]) -> None:
    table = Table(title=f"judge check · {len(results)} labelled workspaces")
    columns = ("task", "item", "cases", "accuracy", "false pass", "false fail", "errors")
    for column in columns:
        table.add_column(column, justify="left" if column in ("task", "item") else "right")
    for row in rows:
        style = "bold" if row.item == OVERALL else None
        table.add_row(
            row.task,
            row.item,
            str(row.cases),
            _rate(row.accuracy),
            f"{_rate(row.false_pass_rate)} ({row.false_pass}/{row.label_fail})",
            f"{_rate(row.false_fail_rate)} ({row.false_fail}/{row.label_pass})",
            str(row.errors),
            style=style,
        )
    console = Console()
    console.print(table)
    for miss in disagreements(results):
        console.print(
            f"[yellow]{miss['task']}/{miss['case']}[/] {miss['item']}: label {miss['label']}, "
            f"judge {miss['verdict']}: {miss['reason']}",
            highlight=False,
            markup=True,
        )
    usage = total_usage(results)
    console.print(f"judge usage: {usage.total_tokens:,} tokens, ${usage.cost:.4f}")
