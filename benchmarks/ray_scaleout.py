"""Ray executor throughput and overhead on real clusters started here (a benchmark).

- scale-out: 40 trials whose agent sleeps 2 s, 1 CPU each, on a one-node cluster of 2 CPUs
  and on a two-node cluster of 2 CPUs per node; the ratio of their wall times;
- overhead: the marginal wall time of a nop-like trial (the command agent runs `true`)
  with `--executor ray` against the local executor at the same parallelism.

Usage: python benchmarks/ray_scaleout.py [--trials 40] [--sleep 2]
Prints a Markdown table. Needs the ray extra.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import ray
from ray.cluster_utils import Cluster

from mlskills.runner import RunConfig, start_run

ROOT = Path(__file__).resolve().parents[1]
EVALS = ROOT / "tests" / "fixtures" / "evals"
SOLVE = 'awk -F, \'NR == 1 {print "id,y"; next} {print $1 "," $2 * 2}\' data/numbers.csv'


def run(tmp: Path, trials: int, sleep: float, executor: str, address: str | None, jobs: int):
    config = RunConfig(
        agent="command",
        task_ids=["double"],
        epochs=trials,
        jobs=jobs,
        sandbox="local",
        evals=str(EVALS),
        cache_dir=str(tmp / "cache"),
        agent_options={"command": f"sleep {sleep}; {SOLVE} > answers.csv"},
        executor=executor,
        ray_address=address,
    )
    start = time.perf_counter()
    outcome = start_run(config, tmp / "runs")
    seconds = time.perf_counter() - start
    failed = [(r.status, r.error, r.score) for r in outcome.records if not r.passed]
    if len(outcome.records) != trials or failed:
        raise SystemExit(f"{executor}: {len(outcome.records)}/{trials} recorded; {failed[:3]}")
    return seconds


def on_cluster(nodes: int, work) -> float:
    cluster = Cluster(
        initialize_head=True, head_node_args={"num_cpus": 2, "include_dashboard": False}
    )
    for _ in range(nodes - 1):
        cluster.add_node(num_cpus=2)
    cluster.wait_for_nodes()
    try:
        return work(cluster.address)
    finally:
        if ray.is_initialized():
            ray.shutdown()
        cluster.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--sleep", type=float, default=2.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        run(tmp, 1, 0.0, "local", None, 1)  # warm the prepared-data cache
        one = on_cluster(1, lambda a: run(tmp, args.trials, args.sleep, "ray", a, 1))
        two = on_cluster(2, lambda a: run(tmp, args.trials, args.sleep, "ray", a, 1))

        def overhead(address: str | None, executor: str) -> float:
            small = run(tmp, 2, 0.0, executor, address, 2)
            big = run(tmp, 22, 0.0, executor, address, 2)
            return (big - small) / 20

        ray_cost = on_cluster(1, lambda a: overhead(a, "ray"))
        local_cost = overhead(None, "local")
    print("| measure | value |\n|---|---|")
    print(f"| {args.trials} trials × {args.sleep:g} s, 1 node of 2 CPUs | {one:.1f} s |")
    print(f"| {args.trials} trials × {args.sleep:g} s, 2 nodes of 2 CPUs | {two:.1f} s |")
    print(f"| throughput ratio (2 nodes / 1 node) | {one / two:.2f}× |")
    print(f"| marginal trial, ray executor (2 CPUs) | {ray_cost * 1000:.0f} ms |")
    print(f"| marginal trial, local executor (-j 2) | {local_cost * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
