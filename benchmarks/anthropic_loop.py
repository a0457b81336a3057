"""Measure the anthropic agent's loop on one scripted 10-turn trial against the fake API.

Reports: requests sent, prompt tokens sent (the fake's estimate, 4 characters a token),
the share of them behind a cache breakpoint (cacheable) and the share the simulated cache
served, and the harness's own time per turn with the fake server's time taken out (and
also with tool execution taken out: the loop's pure overhead), and the harness process's CPU
time per turn (robust to a busy machine; the fake server runs in another process).

    python benchmarks/anthropic_loop.py [--arm bare|pack] [--repeat 3] [--json]

Timings are medians over the repeats; results also go to benchmarks/results/anthropic_loop.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakes.messages_api import FakeMessagesAPI, reply, tool_use

from mlskills import sandbox as sandboxes
from mlskills.agents import AgentOptions, AgentRequest, create
from mlskills.schema import Arm, Limits
from mlskills.transcript import TrialLog

EDIT = "str_replace_based_edit_tool"
RESULTS = Path(__file__).resolve().parent / "results" / "anthropic_loop.json"
TRAIN = "".join(f"def step_{i}(x):\n    return x * {i}  # step {i}\n\n\n" for i in range(40))


def script() -> list:
    """Nine tool turns of the kinds a real trial has, then a final answer: 10 requests."""
    calls = [
        tool_use("bash", {"command": "ls -la"}),
        tool_use(EDIT, {"command": "create", "path": "train.py", "file_text": TRAIN}),
        tool_use(EDIT, {"command": "view", "path": "train.py", "view_range": [1, 40]}),
        tool_use(
            EDIT,
            {
                "command": "str_replace",
                "path": "train.py",
                "old_str": "x * 7 ",
                "new_str": "x * 70 ",
            },
        ),
        tool_use("bash", {"command": "wc -l train.py && head -5 train.py"}),
        tool_use("bash", {"command": "seq 1 300"}),
        tool_use(
            EDIT,
            {"command": "insert", "path": "train.py", "insert_line": 0, "new_str": "import math\n"},
        ),
        tool_use("bash", {"command": "grep -n 'def step_1' train.py"}),
        tool_use(EDIT, {"command": "view", "path": "."}),
    ]
    turns = [reply(f"Step {i}: next I will run a tool.", call) for i, call in enumerate(calls)]
    return [*turns, reply("Done: train.py is written and checked.")]


def serve(items: list, conn) -> None:
    """Run the fake API in its own process, so its work does not compete for our GIL."""
    with FakeMessagesAPI(*items) as api:
        conn.send(api.url)
        conn.recv()
        conn.send(
            {
                "requests": len(api.message_requests),
                "server_seconds": sum(r.seconds for r in api.message_requests),
            }
        )


def one_trial(arm: Arm, scratch: Path) -> dict:
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.get_context("fork").Process(target=serve, args=(script(), theirs))
    server.start()
    try:
        os.environ["ANTHROPIC_BASE_URL"] = ours.recv()
        result, total, cpu = run_agent(arm, scratch)
        ours.send("done")
        figures = measure(ours.recv(), result, total)
        return {**figures, "cpu_ms_per_turn": round(1000 * cpu / result.turns, 2)}
    finally:
        server.join(timeout=10)


def run_agent(arm: Arm, scratch: Path) -> tuple:
    agent = create("anthropic", AgentOptions(model="claude-sonnet-5-5"))
    workspace = scratch / "workspace"
    workspace.mkdir(parents=True)
    limits = Limits()
    log = TrialLog(scratch / "log")
    with sandboxes.create("local", workspace, limits, scratch) as sandbox:
        request = AgentRequest("Write train.py and check it.", sandbox, limits, log, arm, "b")
        start, cpu = time.perf_counter(), time.process_time()
        result = agent.run(request)
        total, cpu = time.perf_counter() - start, time.process_time() - cpu
    log.close()
    return result, total, cpu


def measure(fake: dict, result, total: float) -> dict:
    usage = result.usage
    sent = usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens
    server = fake["server_seconds"]
    turns = result.turns
    return {
        "status": result.status,
        "requests": fake["requests"],
        "turns": turns,
        "prompt_tokens_sent": sent,
        "uncached_input_tokens": usage.input_tokens,
        "cache_write_tokens": usage.cache_write_tokens,
        "cache_read_tokens": usage.cache_read_tokens,
        "cacheable_share": round((usage.cache_read_tokens + usage.cache_write_tokens) / sent, 4),
        "cache_read_share": round(usage.cache_read_tokens / sent, 4),
        "cost_usd": round(usage.cost, 6),
        "ms_per_turn_total": round(1000 * total / turns, 2),
        "ms_per_turn_without_server": round(1000 * (total - server) / turns, 2),
        "ms_per_turn_without_server_and_tools": round(
            1000 * (total - server - result.details["tool_seconds"]) / turns, 2
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arm", default="bare", help="bare, pack, or NAME=skill-a,skill-b")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("ANTHROPIC_API_KEY", "benchmark-fake-key")
    runs = []
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="mlskills-bench-") as tmp:
            runs.append(one_trial(Arm.parse(args.arm), Path(tmp) / str(i)))
    timing = [k for k in runs[0] if "ms_" in k]
    summary = {**runs[-1], **{k: statistics.median(r[k] for r in runs) for k in timing}}
    summary.update(arm=args.arm, repeats=args.repeat, load_average=os.getloadavg()[0])
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    for key, value in summary.items():
        print(f"{key:40} {value}")


if __name__ == "__main__":
    main()
