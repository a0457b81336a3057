"""Build the rubric example: a judged run where rubric and grader parts are visibly apart.

The agent is the scripted model of ../make_example.py (real harness, real anthropic agent,
fake Messages API), which also writes the task's write-up: the pack arm the `good` note of
the judge calibration set (evals/judge/<task>/good), the bare arm the `borderline` one.
The judge is the real judge code (`--judge-model claude-haiku-4-5`, 3 votes) talking to
the same fake server, whose judge responder views the note once and answers with the
calibration labels of the matching case (one borderline vote dissents, to show a split
majority).

    python docs/example-report/rubric/make_rubric_example.py [--epochs 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path[:0] = [str(ROOT / "tests"), str(HERE.parent)]

import make_example  # noqa: E402  (the scripted agent of the main example)
import yaml  # noqa: E402
from fakes.messages_api import FakeMessagesAPI, Recorded, conversation, reply, tool_use  # noqa: E402

from mlskills import paths, sandbox, tasks  # noqa: E402
from mlskills.report import build_report, render  # noqa: E402
from mlskills.runner import RunConfig, start_run  # noqa: E402

TASK_IDS = ["churn-imbalanced", "leaky-pipeline"]
NOTE_FILE = {"churn-imbalanced": "MODEL_CARD.md", "leaky-pipeline": "VALIDATION.md"}
JUDGE = {"model": "claude-haiku-4-5", "epochs": 3, "options": {"max_retries": 2}}
CASES = paths.evals_dir() / "judge"


def case_note(task_id: str, case: str) -> str:
    return (CASES / task_id / case / "workspace" / NOTE_FILE[task_id]).read_text("utf-8")


def case_labels(task_id: str, case: str) -> dict[str, Any]:
    return yaml.safe_load((CASES / task_id / case / "labels.yaml").read_text("utf-8"))


# ---- the agent: make_example's scripted model, plus the write-up


def agent_steps(body: dict[str, Any]) -> list[dict[str, Any]]:
    steps = make_example.plan(body)
    finished = steps and steps[-1]["input"].get("command", "").startswith("bash ")
    if not finished:
        return steps  # the bare arm decides after it has seen the data profile
    first = " ".join(b.get("text", "") for b in conversation(body)[0]["content"])
    spec = make_example.task_for(first)
    pack = "## Skills" in make_example.system_text(body)
    case = "good" if pack else "borderline"
    note = {"command": "create", "path": NOTE_FILE[spec.id], "file_text": case_note(spec.id, case)}
    return [*steps, tool_use(make_example.EDIT, note)]


def agent(request: Recorded) -> Any:
    body = request.body or {}
    done = sum(1 for m in conversation(body) if m.get("role") == "assistant")
    steps = agent_steps(body)
    if done >= len(steps):
        return reply("Done: the deliverables and the write-up are in the workspace.")
    return reply("Next step.", steps[done])


# ---- the judge: views the note, then answers with the matching case's labels

_votes: dict[str, int] = {}
_lock = threading.Lock()


def matching_case(task_id: str, prompt: str) -> str | None:
    for case in ("good", "borderline", "bad"):
        if case_note(task_id, case).strip() in prompt:
            return case
    return None


def verdicts(task_id: str, prompt: str, vote: int) -> list[dict[str, str]]:
    spec = tasks.find_task(task_id)
    case = matching_case(task_id, prompt)
    labels = case_labels(task_id, case)["expect"] if case else {}
    note = NOTE_FILE[task_id]
    quote = next((line for line in (case_note(task_id, case) if case else "").splitlines()
                  if line.strip() and not line.startswith("#")), "")  # fmt: skip
    items = []
    for n, item in enumerate(spec.grading.rubric):
        verdict = labels.get(item.id, "fail")
        if case == "borderline" and vote == 1 and verdict == "fail" and n == 1:
            verdict = "pass"  # one dissenting vote: the majority still decides
        evidence = f"{note}: `{quote[:90]}`" if case else f"{note}: no such file in the workspace"
        reason = (
            f"Scripted judge: this is the `{case}` calibration note, labelled {verdict}."
            if case
            else f"{note} is missing, so nothing can be checked."
        )
        items.append({"id": item.id, "verdict": verdict, "evidence": evidence, "reason": reason})
    return items


def judge(request: Recorded) -> Any:
    body = request.body or {}
    messages = conversation(body)
    prompt = messages[0]["content"][0]["text"]
    spec = make_example.task_for(prompt)
    if len(messages) == 1:
        return reply("Reading the write-up first.", tool_use("view", {"path": NOTE_FILE[spec.id]}))
    key = hashlib.sha256(prompt.encode()).hexdigest()
    with _lock:
        vote = _votes.get(key, 0)
        _votes[key] = vote + 1
    payload = {"items": verdicts(spec.id, prompt, vote % 3), "summary": "See the items."}
    return reply(f"Review done.\n\n```json\n{json.dumps(payload, indent=1)}\n```")


def responder(request: Recorded) -> Any:
    tools = [t.get("name") for t in (request.body or {}).get("tools", [])]
    return judge(request) if tools == ["view"] else agent(request)


def run(epochs: int, runs_dir: Path) -> Path:
    kind, _ = sandbox.default_kind()
    make_example.TASKS.extend(tasks.find_task(t) for t in TASK_IDS)
    with FakeMessagesAPI(responder=responder) as api:
        os.environ["ANTHROPIC_API_KEY"] = "example-not-a-key"
        os.environ["ANTHROPIC_BASE_URL"] = api.url
        config = RunConfig(
            agent="anthropic", task_ids=TASK_IDS, arms=["bare", "pack"], epochs=epochs,
            jobs=2, sandbox=kind, agent_options={"model": "claude-sonnet-5-5"}, judge=JUDGE,
        )  # fmt: skip
        return start_run(config, runs_dir).run.path


def screenshot(page: Path, out: Path) -> None:
    """The rubric box of the summary, and one judged trial's drill-down (drilldown.png)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        tab = browser.new_page(viewport={"width": 1280, "height": 1800}, device_scale_factor=1)
        tab.goto(page.as_uri())
        tab.wait_for_selector("body[data-ready='1']")
        tab.locator("section#heat div.rubric").screenshot(path=str(out))
        tab = browser.new_page(viewport={"width": 1280, "height": 1800}, device_scale_factor=1)
        tab.goto(page.as_uri() + "#trial=leaky-pipeline/bare/0")
        tab.wait_for_selector("body[data-ready='1']")
        tab.wait_for_selector("#transcript")
        tab.locator("details.judge > summary").click()
        tab.locator("#detail").screenshot(path=str(out.with_name("drilldown.png")))
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="keep the run folder here")
    args = parser.parse_args()
    runs_dir = args.keep or Path(tempfile.mkdtemp(prefix="mlskills-rubric-example-"))
    path = run(args.epochs, runs_dir)
    report = build_report(path)
    report.run.path = f"runs/{path.name}"
    (HERE / "report.md").write_text(render(report, "md"), encoding="utf-8")
    report.run.path = str(path)
    page = HERE / "report.html"
    page.write_text(render(report, "html").replace(str(path), f"runs/{path.name}"), "utf-8")
    screenshot(page, HERE / "screenshot.png")
    records = [json.loads(line) for line in (path / "trials.jsonl").read_text().splitlines()]
    (HERE / "judge-usage.json").write_text(json.dumps(judge_usage(records), indent=2) + "\n")
    print(f"run: {path}\nwrote report.md, report.html, the screenshots and judge-usage.json")
    if not args.keep:
        shutil.rmtree(runs_dir, ignore_errors=True)
    return 0


def judge_usage(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The judge's tokens and dollars per trial (the figure the issue asks for)."""
    rows = []
    for r in records:
        judge = r.get("judge") or {}  # the record's JudgeFacts (schema 2)
        usage = judge.get("usage") or {}
        tokens = sum(v for k, v in usage.items() if k.endswith("_tokens"))
        rows.append({"trial": f"{r['task_id']}/{r['arm']}/{r['epoch']}", "requests":
                     judge.get("requests"), "tokens": tokens, **usage})  # fmt: skip
    costs = [row.get("cost", 0.0) for row in rows]
    tokens = [row["tokens"] for row in rows]
    return {
        "judge": JUDGE,
        "per_trial_mean": {"tokens": sum(tokens) / len(rows), "cost": sum(costs) / len(rows)},
        "trials": rows,
    }


if __name__ == "__main__":
    sys.exit(main())
