"""End to end: a scripted model solves a real example task through bash and editor calls,
driven by the real SDK against the fake API, and the runner grades the trial as passed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fakes.messages_api import FakeMessagesAPI, last_tool_results, reply, result_text, tool_use

from mlskills import paths
from mlskills.runner import RunConfig, start_run

TASK = "churn-imbalanced"
EDIT = "str_replace_based_edit_tool"
SLOW = "max_iter=300, learning_rate=0.05"
SETTING = re.compile(r"max_iter=\d+, learning_rate=[0-9.]+")


def oracle_setting() -> tuple[str, str]:
    """(the oracle's solve.py, its boosting setting): the model first writes a slower
    setting, then edits it back to the oracle's own, so the grade is the oracle's."""
    text = (paths.evals_dir() / "tasks" / TASK / "solution" / "solve.py").read_text()
    found = SETTING.findall(text)
    assert len(found) == 1, f"expected one boosting setting in the oracle, found {found}"
    return text, found[0]


def scripted_model(api: FakeMessagesAPI) -> None:
    """Look around, write the solution, tune it with str_replace, run it, check, finish."""
    text, fast = oracle_setting()
    slow_text = text.replace(fast, SLOW)
    api.push(
        reply(
            "Let me look at the data.",
            tool_use("bash", {"command": "ls data; head -3 data/train.csv"}),
        ),
        reply(tool_use(EDIT, {"command": "create", "path": "solve.py", "file_text": slow_text})),
        reply(
            tool_use(
                EDIT,
                {"command": "str_replace", "path": "solve.py", "old_str": SLOW, "new_str": fast},
            )
        ),
        reply(tool_use("bash", {"command": "python solve.py && wc -l predictions.csv"})),
        reply("predictions.csv and metrics.json are in the workspace."),
    )


@pytest.mark.slow
@pytest.mark.skipif(not (paths.evals_dir() / "tasks" / TASK).is_dir(), reason=f"{TASK} missing")
def test_scripted_model_solves_a_task_and_the_runner_grades_it_passed(
    fake_api: FakeMessagesAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-e2e-test-key-0123456789")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_api.url)
    scripted_model(fake_api)
    config = RunConfig(
        agent="anthropic",
        task_ids=[TASK],
        arms=["bare"],
        sandbox="local",
        cache_dir=str(tmp_path / "cache"),
        agent_options={"model": "claude-sonnet-5-5", "extra": {"max_retries": 1}},
    )
    outcome = start_run(config, tmp_path / "runs")
    [record] = outcome.records
    results = [last_tool_results(r.body) for r in fake_api.message_requests[1:]]
    assert not any(r.get("is_error") for batch in results for r in batch), results
    assert "validation average precision" in result_text(results[3][0])
    assert record.status == "completed" and record.passed, (record.error, record.grade)
    assert record.turns == 5 and record.usage.cache_read_tokens > 0 and record.usage.cost > 0
    transcript = outcome.run.path / "trials" / TASK / "bare" / "0" / "transcript.jsonl"
    kinds = [json.loads(line)["kind"] for line in transcript.read_text().splitlines()]
    assert kinds.count("tool_call") == 4 and kinds[-1] == "agent_end"
    assert "sk-ant-e2e-test-key" not in transcript.read_text()
