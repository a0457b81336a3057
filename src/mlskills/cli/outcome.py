"""How a run ends on the terminal, shared by `run` and `resume`: notes, the summary (or
JSON), the resume hint, and the exit code."""

from __future__ import annotations

import json
import sys

from mlskills.cli.summary import print_summary, summary_rows
from mlskills.runner import RunOutcome


def finish(outcome: RunOutcome, as_json: bool) -> int:
    """Print what the run left and return its exit code (see run_cmd's docstring)."""
    for note in outcome.notes:
        print(f"note: {note}", file=sys.stderr)
    if outcome.nothing_to_resume:
        print(
            f"nothing to resume: every planned trial of {outcome.run.path} is recorded "
            f"(see `mlskills report {outcome.run.path}`)",
            file=sys.stderr,
        )
        return 0
    return _report(outcome, as_json)


def _report(outcome: RunOutcome, as_json: bool) -> int:
    records = list(outcome.run.latest().values())
    if as_json:
        payload = {
            "run_dir": str(outcome.run.path),
            "interrupted": outcome.interrupted,
            "skipped": outcome.skipped,
            "rows": summary_rows(records),
        }
        print(json.dumps(payload, indent=2))
    else:
        print_summary(records, outcome.skipped)
        print(f"run folder: {outcome.run.path}")
    if outcome.interrupted:
        print(f"interrupted: resume with `mlskills resume {outcome.run.path}`", file=sys.stderr)
        return 130
    if outcome.missing:
        print(f"error: {outcome.missing} planned trials produced no record", file=sys.stderr)
        return 1
    return 1 if any(r.status == "error" for r in records) else 0
