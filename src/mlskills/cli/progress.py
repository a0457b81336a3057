"""A rich progress bar for runs: trials done, passes, errors, elapsed and remaining time."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from mlskills.schema import TrialRecord
from mlskills.textsafe import clean


class RunProgress:
    """Implements the runner's Observer; draws to stderr so stdout stays for results."""

    def __init__(self, quiet: bool = False, label: str = "trials") -> None:
        self.console = Console(file=sys.stderr)
        self.quiet = quiet
        self.label = label
        self.passed = self.errors = 0
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[tally]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self.console,
            disable=quiet,
            transient=False,
        )
        self._task = None

    def __enter__(self) -> RunProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(*exc)

    def started(self, total: int) -> None:
        self._task = self._progress.add_task(self.label, total=total, tally="")

    def finished(self, record: TrialRecord) -> None:
        self.passed += bool(record.passed)
        self.errors += record.status == "error"
        tally = f"passed {self.passed}" + (f", errors {self.errors}" if self.errors else "")
        self._progress.update(self._task, advance=1, tally=tally)
        if record.status == "error" and not self.quiet:
            self._progress.console.print(
                f"[red]error[/] {escape(record.task_id)}/{escape(record.arm)}/{record.epoch}: "
                f"{escape(clean(record.error))}"
            )
