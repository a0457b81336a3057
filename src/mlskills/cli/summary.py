"""The end-of-run summary: one row per task and arm (full reports: `mlskills report`)."""

from __future__ import annotations

import sys
from collections import defaultdict
from statistics import mean
from typing import Any

from rich.console import Console
from rich.table import Table

from mlskills.schema import TrialRecord
from mlskills.tablewidth import natural_width


def summary_rows(records: list[TrialRecord]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[TrialRecord]] = defaultdict(list)
    for record in records:
        groups[(record.task_id, record.arm)].append(record)
    rows = []
    for (task_id, arm), group in sorted(groups.items()):
        scored = [r for r in group if r.status != "error" and r.score is not None]
        rows.append(
            {
                "task": task_id,
                "arm": arm,
                "trials": len(group),
                "errors": sum(r.status == "error" for r in group),
                "mean_score": round(mean(r.score for r in scored), 4) if scored else None,
                "passed": sum(bool(r.passed) for r in scored),
                "cost": round(sum(r.usage.cost for r in group), 4),
                "seconds": round(sum(r.wall_seconds for r in group), 2),
            }
        )
    return rows


def print_summary(records: list[TrialRecord], skipped: dict[str, str] | None = None) -> None:
    table = Table(title="Run summary")
    # Never cut a task id with "…" (it could not be copied): numbers and the arm keep their
    # width, and a task id too long for what is left folds onto the next line, whole.
    table.add_column("task", justify="left", overflow="fold")
    table.add_column("arm", justify="left", no_wrap=True)
    for column in ("trials", "mean score", "passed", "errors", "cost $", "time s"):
        table.add_column(column, justify="right", no_wrap=True)
    for row in summary_rows(records):
        score = "—" if row["mean_score"] is None else f"{row['mean_score']:.3f}"
        errors = f"[red]{row['errors']}[/]" if row["errors"] else "0"
        table.add_row(
            row["task"],
            row["arm"],
            str(row["trials"]),
            score,
            f"{row['passed']}/{row['trials'] - row['errors']}",
            errors,
            f"{row['cost']:.2f}",
            f"{row['seconds']:.1f}",
        )
    # A pipe or a file (CI logs, `| tee`) has no terminal to fit: as wide as the table needs.
    console = Console() if sys.stdout.isatty() else Console(width=natural_width(table))
    console.print(table)
    for task_id, reason in (skipped or {}).items():
        Console(file=sys.stderr).print(f"[yellow]skipped[/] {task_id}: {reason}")
