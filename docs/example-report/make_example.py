"""Build the example report: the real harness and anthropic agent, driven by a scripted model.

No API key and no real model: the agent talks over HTTP to the loopback fake Messages API
(tests/fakes/messages_api.py), whose responder plays a model that behaves differently per arm.

- pack arm (its system prompt lists skills): reads a skill, profiles the data, writes the
  task's reference solution into the workspace and runs it.
- bare arm: profiles the data, then, keyed to a hash of what it saw (so it differs by seed),
  either writes the reference solution or one of the task's plausible wrong solutions
  (evals/tasks/<id>/wrong/*.sh): a half-solving agent.

Everything else is real: trials in the bwrap sandbox (local when bwrap is unavailable),
graders, token counts with the fake's simulated prompt caching, cost at the model's list
price, transcripts, and `mlskills report`. The numbers illustrate the report; they say
nothing about any real model.

    python docs/example-report/make_example.py [--task ID ...] [--epochs 3] [--keep DIR]
    python docs/example-report/make_example.py --run RUN_DIR   # re-render an earlier run
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))

from fakes.messages_api import (
    FakeMessagesAPI,
    Recorded,
    blocks,
    conversation,
    reply,
    result_text,
    system_text,
    text,
    tool_use,
)

from mlskills import sandbox, tasks
from mlskills.report import build_report, render
from mlskills.runner import RunConfig, start_run

HERE = Path(__file__).resolve().parent
EDIT = "str_replace_based_edit_tool"
PROFILE = (
    "ls -la data/ && wc -l data/*.csv 2>/dev/null; head -4 data/*.csv 2>/dev/null | cut -c1-160"
)


TASKS: list[Any] = []  # the specs of the tasks being run


def task_for(instruction: str) -> Any:
    """The task whose instruction's first heading opens this conversation."""
    for spec in TASKS:
        first = spec.instruction_path.read_text(encoding="utf-8").splitlines()[0].strip()
        if first and first in instruction:
            return spec
    raise LookupError("no task matches the instruction")


def solution_calls(spec: Any) -> list[dict[str, Any]]:
    """Editor calls that write the reference solution's files, then a bash call running it."""
    files = sorted(p for p in spec.solution_dir.iterdir() if p.is_file())
    calls = [
        tool_use(EDIT, {"command": "create", "path": f"work/{p.name}", "file_text": p.read_text()})
        for p in files
    ]  # solve.sh copies its siblings into the working directory, so they live in work/
    return [*calls, tool_use("bash", {"command": "bash work/solve.sh"})]


def wrong_calls(spec: Any, digest: int) -> list[dict[str, Any]]:
    wrong = spec.wrong_solutions
    if not wrong:
        return [tool_use("bash", {"command": "echo 'not sure how to start'"})]
    script = wrong[digest % len(wrong)]
    create = {"command": "create", "path": "attempt.sh", "file_text": script.read_text("utf-8")}
    return [tool_use(EDIT, create), tool_use("bash", {"command": "bash attempt.sh"})]


def first_skill(system: str) -> str | None:
    found = re.search(r"Read `([^`]+SKILL\.md)`", system)
    return found.group(1) if found else None


def plan(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The whole scripted trial, as the model's tool calls in order (one per turn)."""
    messages = conversation(body)
    spec = task_for(" ".join(b.get("text", "") for b in blocks(messages[0])))
    system = system_text(body)
    skill = first_skill(system) if "## Skills" in system else None
    steps = [tool_use("bash", {"command": f"cat {skill}"})] if skill else []
    steps.append(tool_use("bash", {"command": PROFILE}))
    if skill:
        return [*steps, *solution_calls(spec)]
    seen = _profile_output(messages)
    if seen is None:
        return steps  # the profile has not run yet: its output decides what comes next
    digest = int(hashlib.sha256(seen.encode()).hexdigest()[:8], 16)
    follow = solution_calls(spec) if digest % 2 == 0 else wrong_calls(spec, digest // 2)
    return [*steps, *follow]


def _profile_output(messages: list[dict[str, Any]]) -> str | None:
    for message in messages:
        for block in blocks(message):
            if block.get("type") == "tool_result":
                return result_text(block)
    return None


NOTES = {
    "cat": "Reading the skill that fits this task before touching the data.",
    "ls": "Looking at the data first: sizes, columns, a few rows.",
    "create": "Writing the pipeline.",
    "bash": "Running it.",
}


def responder(request: Recorded) -> Any:
    """The scripted model: the next step of the plan, with a line of narration, or done."""
    body = request.body or {}
    done = sum(1 for m in conversation(body) if m.get("role") == "assistant")
    steps = plan(body)
    if done >= len(steps):
        return reply(text("Done: the deliverables are in the workspace."))
    step = steps[done]
    command = step["input"].get("command", "")
    note = NOTES.get(command.split()[0] if step["name"] == "bash" else command, "Next step.")
    return reply(text(note), step)


def run(task_ids: list[str], epochs: int, runs_dir: Path) -> Path:
    kind, _ = sandbox.default_kind()
    with FakeMessagesAPI(responder=responder) as api:
        os.environ["ANTHROPIC_API_KEY"] = "example-not-a-key"
        os.environ["ANTHROPIC_BASE_URL"] = api.url
        config = RunConfig(
            agent="anthropic", task_ids=task_ids, arms=["bare", "pack"], epochs=epochs,
            sandbox=kind, agent_options={"model": "claude-sonnet-5-5"},
        )  # fmt: skip
        outcome = start_run(config, runs_dir)
    return outcome.run.path


def screenshot(page: Path, out: Path) -> None:
    """The summary at the top and one trial's drill-down, in one image."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        tab = browser.new_page(viewport={"width": 1280, "height": 2300}, device_scale_factor=1)
        tab.goto(page.as_uri())
        tab.wait_for_selector("body[data-ready='1']")
        tab.click("#trial-rows tr >> nth=3")  # a pack trial: reads a skill, then solves
        tab.wait_for_selector("#transcript")
        tab.screenshot(path=str(out), full_page=False, type="png")
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", action="append", default=[], metavar="ID")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the run folder here")
    parser.add_argument("--run", type=Path, help="render this earlier run instead of running")
    args = parser.parse_args()
    task_ids = args.task or ["churn-imbalanced"]
    TASKS.extend(tasks.find_task(t) for t in task_ids)
    runs_dir = args.keep or Path(tempfile.mkdtemp(prefix="mlskills-example-"))
    path = args.run or run(task_ids, args.epochs, runs_dir)
    report = build_report(path)
    report.run.path = f"runs/{path.name}"  # no temporary paths in the committed files
    (HERE / "report.md").write_text(render(report, "md"), encoding="utf-8")
    report.run.path = str(path)  # the HTML reads trial folders from here
    page = HERE / "report.html"
    page.write_text(render(report, "html").replace(str(path), f"runs/{path.name}"), "utf-8")
    screenshot(page, HERE / "screenshot.png")
    print(f"run: {path}\nwrote {page}, report.md and screenshot.png")
    if not args.keep and not args.run:
        shutil.rmtree(runs_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
