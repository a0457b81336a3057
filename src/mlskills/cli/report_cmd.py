"""`mlskills report` and `mlskills compare`: read run folders, print or write their reports.

Both take --format table|md|json|html (default: from --out's extension, else table). HTML
always goes to a file: RUN_DIR/report.html, or RUN_B/compare-<A's id>.html, unless --out.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from mlskills.errors import MlskillsError

FORMATS = ("table", "md", "json", "html")
EXTENSIONS = {".html": "html", ".htm": "html", ".md": "md", ".json": "json", ".txt": "table"}


def non_negative_int(text: str) -> int:
    """An argparse type: a whole number >= 0, with a message argparse prints as a usage error."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="summarise a run: scores, intervals, uplift, HTML viewer")
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    _output_options(p)
    p.add_argument("--treatment", metavar="ARM", help="uplift of this arm (default: pack)")
    p.add_argument("--baseline", metavar="ARM", help="over this arm (default: bare)")
    p.add_argument(
        "--transcript-kb",
        type=non_negative_int,
        default=32,
        metavar="KB",
        help="HTML: transcript text embedded per trial, in thousands of characters (default "
        "32; 0 leaves transcripts out); the middle of longer ones is left out",
    )
    p.set_defaults(handler=handle_report)
    c = sub.add_parser("compare", help="compare two runs task by task, regressions first")
    c.add_argument("run_a", type=Path, metavar="RUN_A", help="the reference run")
    c.add_argument("run_b", type=Path, metavar="RUN_B", help="the run to judge against it")
    _output_options(c)
    c.set_defaults(handler=handle_compare)


def _output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, help="default: from --out's extension, else table")
    p.add_argument("--out", type=Path, metavar="FILE", help="write here instead of stdout")
    p.add_argument(
        "--seed", type=non_negative_int, default=0, help="bootstrap seed, 0 or more (default 0)"
    )


def output_format(args: argparse.Namespace) -> str:
    """--format, else from --out's extension (an unknown one is refused), else table. A
    missing folder for --out is refused too: a typo would otherwise create a tree."""
    out = args.out
    if out is not None and not out.parent.is_dir():
        raise MlskillsError(f"--out {out}: the folder {out.parent} does not exist")
    if args.format:
        return args.format
    if out is None:
        return "table"
    if out.suffix.lower() not in EXTENSIONS:
        known = ", ".join(EXTENSIONS)
        raise MlskillsError(
            f"--out {out}: unknown extension {out.suffix or '(none)'!r}; use one of {known}, "
            "or name the format with --format"
        )
    return EXTENSIONS[out.suffix.lower()]


def emit(text: str, out: Path | None, started: float) -> None:
    """Print, or write the file and say where it went and how long it took."""
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise MlskillsError(f"cannot write {out}: {exc}") from exc
    size = out.stat().st_size / 1024
    print(f"wrote {out} ({size:,.0f} KiB in {time.monotonic() - started:.1f} s)", file=sys.stderr)


def handle_report(args: argparse.Namespace) -> int:
    from mlskills.report import Budget, build_report, render

    started = time.monotonic()
    fmt = output_format(args)
    report = build_report(args.run_dir, args.treatment, args.baseline, seed=args.seed)
    out = args.out
    if fmt == "html" and out is None:
        out = args.run_dir / "report.html"
    if fmt == "table" and out is None:
        from rich.console import Console

        from mlskills.report.terminal import renderables
        from mlskills.tablewidth import natural_width

        if sys.stdout.isatty():
            console = Console()
            console.print(renderables(report, console.width))
        else:  # a pipe or file: as wide as the tables need, so no id folds mid-word
            parts = renderables(report, 140)
            Console(width=natural_width(parts, least=140)).print(parts)
        return 0
    budget = Budget(trial_chars=args.transcript_kb * 1000)
    emit(render(report, fmt, budget), out, started)
    return 0


def handle_compare(args: argparse.Namespace) -> int:
    from mlskills.report.compare import compare_runs
    from mlskills.report.compare_render import render

    started = time.monotonic()
    fmt = output_format(args)
    comparison = compare_runs(args.run_a, args.run_b, seed=args.seed)
    out = args.out
    if fmt == "html" and out is None:
        out = args.run_b / f"compare-{args.run_a.resolve().name}.html"
    emit(render(comparison, fmt), out, started)
    return 0
