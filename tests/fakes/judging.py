"""Scripted evaluator verdicts and a rubric task for judge tests (the fake's side of the judge)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from fakes.messages_api import Reply, reply
from mlskills.runner import RunConfig, start_run

API_KEY = "sk-ant-test-judge-DO-NOT-LEAK-4d2e"
FIXTURE_TASK = Path(__file__).resolve().parents[1] / "fixtures" / "evals" / "tasks" / "double"
TASK_YAML = """id: double
title: Double every number
summary: A tiny task for judge tests; the answer is twice each input, with notes.
tags: [harness-test]
requires: [pandas]
limits: {agent_timeout: 60, command_timeout: 30, max_turns: 5}
grading:
  metric: accuracy
  baseline: 0.0
  reference: 1.0
  pass_mark: 0.9
"""
RUBRIC = """  rubric:
    - id: notes_explain
      criterion: NOTES.md explains how y was computed from x.
      weight: 0.5
      evidence: [NOTES.md, "$ wc -l < answers.csv"]
    - id: no_overclaim
      criterion: NOTES.md claims nothing that the files contradict.
      weight: 0.5
      evidence: [NOTES.md]
"""
NOTES = "# Notes\ny is 2 * x for every row; answers.csv has one row per input.\n"


def verdict(*items: tuple[str, str, str], summary: str = "Done.", **kwargs) -> Reply:
    """A final evaluator reply: prose, then the fenced JSON verdict block."""
    payload = {
        "items": [
            {"id": i, "verdict": v, "evidence": e, "reason": f"{i} is {v}"} for i, v, e in items
        ],
        "summary": summary,
    }
    return reply(f"**{summary}**\n\n```json\n{json.dumps(payload)}\n```", **kwargs)


def good(item_id: str) -> tuple[str, str, str]:
    return (item_id, "pass", "NOTES.md:2 `y is 2 * x for every row`")


def bad(item_id: str) -> tuple[str, str, str]:
    return (item_id, "fail", "NOTES.md:2 claims one row per input; wc -l says 3")


def rubric_evals(root: Path) -> Path:
    """An evals folder with the `double` fixture task plus a two-item rubric and NOTES.md."""
    evals = root / "evals"
    task = evals / "tasks" / "double"
    shutil.copytree(FIXTURE_TASK, task)
    (task / "task.yaml").write_text(TASK_YAML + RUBRIC)
    solve = task / "solution" / "solve.sh"
    solve.write_text(solve.read_text() + f"\ncat > NOTES.md <<'EOF'\n{NOTES}EOF\n")
    return evals


def first_message(request) -> str:
    """The text of a judge request's first user message (rubric and evidence)."""
    return request.body["messages"][0]["content"][0]["text"]


def by_marker(table: dict[str, Reply]):
    """A responder: the reply whose marker appears in the judge's prompt (order-free)."""

    def respond(request) -> Reply:
        text = first_message(request)
        for marker, answer in table.items():
            if marker in text:
                return answer
        return reply("no marker matched; this reply has no verdict")

    return respond


JUDGE = {"model": "claude-haiku-4-5", "epochs": 1, "options": {"max_retries": 0}}


def judged_run(tmp_path: Path, evals: Path, judge: dict | None = None, epochs: int = 1):
    """An oracle run of the rubric task, judged by `judge` (None: no judge)."""
    config = RunConfig(
        agent="oracle",
        task_ids=["double"],
        epochs=epochs,
        sandbox="local",
        evals=str(evals),
        cache_dir=str(tmp_path / "cache"),
        judge=judge,
    )
    outcome = start_run(config, tmp_path / "runs")
    return outcome.run, outcome.records
