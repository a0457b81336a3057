"""`mlskills resume RUN_DIR`: finish an earlier run as it was configured.

Runs what is missing or ended in `error` (an interrupted run, a crash, a lost worker),
with the settings stored in the run folder; only how many trials run at once (-j) may
change, since it does not change results. `mlskills run --resume RUN_DIR` is an alias.
Exit codes as for `run`: 0, 1 (errors or missing trials), 2 (bad input, or the run folder
is in use), 3 (internal error), 130 (interrupted again).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mlskills.cli.argtypes import HelpFormat, positive_int
from mlskills.cli.outcome import finish
from mlskills.runner import resume_run


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "resume",
        help="finish an interrupted or partly failed run",
        description=__doc__,
        formatter_class=HelpFormat,
    )
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="the run folder (runs/<id>)")
    p.add_argument(
        "-j", "--jobs", type=positive_int, help="trials in parallel (default: the run's)"
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    return resume(args.run_dir, args.jobs, args.json)


def resume(run_dir: Path, jobs: int | None, as_json: bool) -> int:
    """The one resume path, for `resume` and `run --resume`."""
    from mlskills.cli.progress import RunProgress  # rich loads only when a run starts

    with RunProgress(quiet=as_json) as progress:
        outcome = resume_run(run_dir, progress, jobs=jobs)
    return finish(outcome, as_json)
