"""Harness overhead, measured through the real CLI (a benchmark, not a test).

- start-up: `mlskills --version`, and a 1-trial run minus one marginal trial;
- marginal time per nop trial: (T(200 trials) - T(1 trial)) / 199, where each trial does
  workspace creation, cached prepare, one sandboxed command, grading, record and clean-up;
- parallelism: 40 trials whose agent sleeps 0.5 s, at -j 1 and -j 4.

Usage: python benchmarks/harness_overhead.py [--sandbox local|bwrap] [--repeat 3]
Prints a Markdown table and writes benchmarks/results/harness_overhead.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVALS = ROOT / "tests" / "fixtures" / "evals"


def timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mlskills", *args], cwd=cwd, check=True, capture_output=True
    )
    return time.perf_counter() - start


def run_args(tmp: Path, sandbox: str, epochs: int, agent: list[str], jobs: int = 1) -> list[str]:
    return [
        "run", "--evals", str(EVALS), "--task", "double", "--epochs", str(epochs),
        "--sandbox", sandbox, "-j", str(jobs), "--runs-dir", str(tmp / "runs"),
        "--cache-dir", str(tmp / "cache"), "--json", *agent,
    ]  # fmt: skip


def best(fn, repeat: int) -> float:
    """The fastest of `repeat` runs: the least disturbed by other load on the machine."""
    return min(fn() for _ in range(repeat))


def measure(sandbox: str, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        nop = ["--agent", "nop"]
        sleeper = ["--agent", "command", "--agent-command", "sleep 0.5"]
        timed(run_args(tmp, sandbox, 1, nop), tmp)  # warm the prepared-data cache
        version = best(lambda: timed(["--version"], tmp), repeat)
        one = best(lambda: timed(run_args(tmp, sandbox, 1, nop), tmp), repeat)
        many = best(lambda: timed(run_args(tmp, sandbox, 200, nop), tmp), repeat)
        per_trial = (many - one) / 199
        j1 = timed(run_args(tmp, sandbox, 40, sleeper, jobs=1), tmp)
        j4 = timed(run_args(tmp, sandbox, 40, sleeper, jobs=4), tmp)
    return {
        "version_s": version,
        "startup_s": one - per_trial,
        "run_1_trial_s": one,
        "run_200_trials_s": many,
        "per_nop_trial_ms": per_trial * 1000,
        "sleep40_j1_s": j1,
        "sleep40_j4_s": j4,
        "speedup_j4": j1 / j4,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sandbox", default="local", choices=["local", "bwrap"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    figures = measure(args.sandbox, args.repeat)
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / f"harness_overhead_{args.sandbox}.json").write_text(json.dumps(figures, indent=2))
    print(f"| measure ({args.sandbox} sandbox) | value |\n|---|---|")
    for name, value in figures.items():
        print(f"| {name} | {value:.3f} |")


if __name__ == "__main__":
    main()
