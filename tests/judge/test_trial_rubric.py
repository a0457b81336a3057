"""Rubric grading inside real runs: oracle trials, a scripted judge, records and reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fakes.judging import JUDGE, bad, first_message, good, judged_run, verdict

from mlskills.errors import AgentSetupError
from mlskills.runner import resume_run
from mlskills.schema import JudgeFacts


def test_without_a_judge_items_are_not_judged_and_the_score_stands(tmp_path, evals) -> None:
    _, [record] = judged_run(tmp_path, evals)
    assert (record.status, record.score, record.passed) == ("completed", 1.0, True)
    rubric = record.grade["rubric"]
    assert [e["verdict"] for e in rubric] == ["not judged", "not judged"]
    assert "no judge configured" in rubric[0]["reason"]
    assert record.judge == JudgeFacts(configured=False, grader_score=1.0, grader_passed=True)
    assert "judge" not in record.details  # the agent's facts only


def test_a_judged_rubric_joins_the_score_and_is_kept_apart(api, tmp_path, evals) -> None:
    api.push(verdict(good("notes_explain"), bad("no_overclaim")))
    run_dir, [record] = judged_run(tmp_path, evals, judge=JUDGE)
    assert record.status == "completed" and record.usage.total_tokens == 0  # the oracle's
    # metric weight 1 scored 1.0; one of two items (0.5 each) passed: (1 + 0.5) / (1 + 1)
    assert record.score == 0.75 and record.passed is False  # pass mark 0.9
    judge = record.judge
    assert (judge.grader_score, judge.grader_passed) == (1.0, True)
    assert judge.rubric_fraction == 0.5 and judge.model == "claude-haiku-4-5"
    assert judge.usage.cost > 0 and judge.requests == 1
    folder = run_dir.path / "trials/double/bare/0"
    assert (folder / judge.transcript).is_file()
    [line] = run_dir.records()  # as stored in trials.jsonl, read back
    assert line.judge == judge and "judge" not in line.details
    assert (
        not (folder / "transcript.jsonl").exists()
        or "judge_vote" not in (folder / "transcript.jsonl").read_text()
    )
    grade = json.loads((folder / "grade.json").read_text())
    assert [e["verdict"] for e in grade["rubric"]] == ["pass", "fail"]
    meta = run_dir.read_meta()
    assert meta["config"]["judge"] == JUDGE and meta["judge"]["model"] == "claude-haiku-4-5"


def test_the_judge_sees_what_the_agent_left(api, tmp_path, evals) -> None:
    api.push(verdict(good("notes_explain"), good("no_overclaim")))
    _, [record] = judged_run(tmp_path, evals, judge=JUDGE)
    assert record.score == 1.0 and record.passed
    message = api.message_requests[0].body["messages"][0]["content"][0]["text"]
    assert "y is 2 * x for every row" in message  # NOTES.md written by the oracle
    assert "\n51\n[exit code 0]" in message  # `wc -l < answers.csv` on a copy


def test_a_broken_judge_is_a_judge_error_not_a_failed_trial(api, tmp_path, evals) -> None:
    api.push(verdict(good("notes_explain")), verdict(good("notes_explain")))
    _, [record] = judged_run(tmp_path, evals, judge=JUDGE)
    assert record.status == "completed"
    assert [e["verdict"] for e in record.grade["rubric"]] == ["pass", "judge error"]
    assert record.score == 1.0  # (1 + 0.5) / (1 + 0.5): the errored item weighs nothing


def test_resume_rebuilds_the_judge_from_run_json(api, tmp_path, evals) -> None:
    api.push(verdict(good("notes_explain"), good("no_overclaim")))
    run_dir, _ = judged_run(tmp_path, evals, judge=JUDGE)
    lines = (run_dir.path / "trials.jsonl").read_text().splitlines()
    broken = {**json.loads(lines[0]), "status": "error"}
    (run_dir.path / "trials.jsonl").write_text(json.dumps(broken) + "\n")
    api.push(verdict(bad("notes_explain"), good("no_overclaim")))
    outcome = resume_run(run_dir.path)
    assert [e["verdict"] for e in outcome.records[0].grade["rubric"]] == ["fail", "pass"]


def test_a_judge_without_an_api_key_stops_the_run_before_it_starts(
    tmp_path, evals, monkeypatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(AgentSetupError, match="ANTHROPIC_API_KEY"):
        judged_run(tmp_path, evals, judge=JUDGE)
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


def test_a_cli_limit_override_reaches_the_agent_and_the_judge_alike(api, tmp_path, evals) -> None:
    """One rendering per trial, with the effective limits: the agent (a command that prints
    the instruction file it was given) and the judge read "77 seconds", not the task's."""
    api.push(verdict(good("notes_explain"), good("no_overclaim")))
    solve = 'awk -F, \'NR == 1 {print "id,y"; next} {print $1 "," $2 * 2}\' data/numbers.csv'
    command = f"cat {{instruction_file}}; {solve} > answers.csv"
    args = ["run", "--task", "double", "--agent", "command", "--agent-command", command]
    args += ["--agent-timeout", "77", "--judge-model", "claude-haiku-4-5", "--json"]
    args += ["--judge-option", "max_retries=0", "--sandbox", "local", "--evals", str(evals)]
    args += ["--runs-dir", str(tmp_path / "runs"), "--cache-dir", str(tmp_path / "cache")]
    done = subprocess.run(
        [sys.executable, "-m", "mlskills", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    trial = Path(json.loads(done.stdout)["run_dir"]) / "trials/double/bare/0"
    agent_saw = (trial / "agent.log").read_text().split("\n--- stderr ---")[0]
    assert "You have 77 seconds." in agent_saw
    [request] = api.message_requests
    judge_saw = first_message(request)
    assert f"<task>\n{agent_saw}" in judge_saw  # word for word what the agent was given
    assert "You have 77 seconds." in judge_saw and "60 seconds" not in judge_saw
