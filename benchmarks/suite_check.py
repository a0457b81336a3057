"""What `tasks check` costs, per task, through the real CLI (a benchmark, not a test).

Runs `mlskills tasks check --suite SUITE --seeds N -j J --json` once and prints, per task,
its trials' summed wall time (its share of the check; with -j 2 the check's wall time is
about half the sum), its slowest grading and its number of solutions; then the whole
check's wall time. The bound it answers to: 3 seeds of the core suite under 10 minutes on
2 cores at -j 2 (issue 18), so CI can run it.

Usage: python benchmarks/suite_check.py [--suite core] [--seeds 3] [-j 2] [--sandbox auto]
Prints a Markdown table and writes benchmarks/results/suite_check.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default="core")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--sandbox", default="auto")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        command = [
            sys.executable, "-m", "mlskills", "tasks", "check", "--suite", args.suite,
            "--seeds", str(args.seeds), "-j", str(args.jobs), "--sandbox", args.sandbox,
            "--json", "--cache-dir", tmp,
        ]  # fmt: skip
        load = os.getloadavg()[0]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - start
    verdicts = json.loads(done.stdout or "[]")
    if not verdicts:
        print(done.stderr[-2000:], file=sys.stderr)
        return 1
    rows = sorted(verdicts, key=lambda v: -v["trial_seconds"])
    print("| task | ok | solutions | trial s (sum) | slowest grade s |")
    print("|---|---|---|---|---|")
    for v in rows:
        solutions = len({(r["kind"], r["name"]) for r in v["runs"]})
        ok = "skipped" if v["skipped"] else ("yes" if v["ok"] else "NO")
        print(
            f"| {v['task_id']} | {ok} | {solutions} | {v['trial_seconds']:.1f} "
            f"| {v['grade_seconds']:.1f} |"
        )
    total = sum(v["trial_seconds"] for v in verdicts)
    print(
        f"\n{len(verdicts)} tasks, {args.seeds} seeds, -j {args.jobs}: **{wall:.0f} s wall** "
        f"({wall / 60:.1f} min), trials summed {total:.0f} s; load average at the start "
        f"{load:.1f}; exit {done.returncode}"
    )
    out = ROOT / "benchmarks" / "results" / "suite_check.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    result = {"wall_seconds": wall, "load_at_start": load, "args": vars(args), "tasks": verdicts}
    out.write_text(json.dumps(result, indent=2))
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
