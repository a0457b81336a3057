"""Start-up cost of one sandboxed command: median wall time of `true`, local vs bwrap.

Every agent tool call pays this once, so it bounds how chatty an agent can be cheaply.
Run: python benchmarks/sandbox_startup.py [--runs 50]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from mlskills import sandbox
from mlskills.sandbox.bwrap import probe
from mlskills.schema import Limits


def time_backend(kind: str, runs: int) -> list[float]:
    """Milliseconds per `exec(["true"])`, after one warm-up run."""
    with tempfile.TemporaryDirectory(prefix="mlskills-bench-") as tmp:
        workdir = Path(tmp) / "workspace"
        workdir.mkdir()
        box = sandbox.create(kind, workdir, Limits(), Path(tmp))
        try:
            box.exec(["true"])
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                result = box.exec(["true"])
                times.append((time.perf_counter() - start) * 1000)
                assert result.exit_code == 0, result.stderr
        finally:
            box.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    kinds = ["local"]
    ok, reason = probe()
    if ok:
        kinds.append("bwrap")
    else:
        print(f"bwrap skipped: {reason}")
    for kind in kinds:
        times = time_backend(kind, args.runs)
        print(
            f"{kind:6s} median {statistics.median(times):7.1f} ms  "
            f"p90 {sorted(times)[int(0.9 * len(times))]:7.1f} ms  ({args.runs} runs of `true`)"
        )


if __name__ == "__main__":
    main()
