"""Runs end to end on fixture tasks: records, statuses, clean-up, secrets, Ctrl-C + resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from foreground import interruptible
from sandbox.helpers import gone_soon

from mlskills.errors import AgentSetupError
from mlskills.records import RunDir
from mlskills.runner import RunConfig, start_run

SOLVE_DOUBLE = 'awk -F, \'NR == 1 {print "id,y"; next} {print $1 "," $2 * 2}\' '
SOLVE_DOUBLE += "data/numbers.csv > answers.csv"


def run(tmp_path: Path, evals: Path, agent: str = "oracle", **overrides) -> list:
    config = RunConfig(
        agent=agent,
        task_ids=overrides.pop("task_ids", ["double"]),
        sandbox="local",
        evals=str(evals),
        cache_dir=str(tmp_path / "cache"),
        **overrides,
    )
    outcome = start_run(config, tmp_path / "runs")
    return outcome.run, outcome.records


def command(template: str) -> dict:
    return {"agent_options": {"command": template}}


def test_oracle_run_writes_records_grades_and_metadata(tmp_path, fixture_evals):
    run_dir, records = run(tmp_path, fixture_evals, task_ids=["double", "double-exec"], epochs=2)
    assert sorted((r.task_id, r.epoch) for r in records) == [
        ("double", 0),
        ("double", 1),
        ("double-exec", 0),
        ("double-exec", 1),
    ]
    assert all(r.status == "completed" and r.passed and r.score == 1.0 for r in records)
    assert {r.seed for r in records if r.task_id == "double"} == {0, 1}
    meta = run_dir.read_meta()
    assert meta["status"] == "finished" and meta["grading_data_readable_by_agent"] is True
    grade = json.loads((run_dir.path / "trials/double/bare/0/grade.json").read_text())
    assert grade["passed"] and any(c["name"] == "provided data unchanged" for c in grade["checks"])


def test_grader_crash_is_an_error_not_a_zero(tmp_path, fixture_evals):
    _, [record] = run(tmp_path, fixture_evals, task_ids=["broken-grader"])
    assert record.status == "error" and record.score is None
    assert "RuntimeError: grader bug (at grader.py:2)" in record.error


def test_agent_past_its_deadline_is_timeout_and_its_processes_die(tmp_path, fixture_evals):
    # found by a unique command line: inside a PID namespace, $! is not the host's PID
    token = f"{300 + os.getpid() % 1000}.{time.monotonic_ns() % 10**6}"
    template = f"sleep {token} & wait"
    _, [record] = run(
        tmp_path, fixture_evals, "command", limits={"agent_timeout": 1}, **command(template)
    )
    assert record.status == "timeout" and record.limit == "agent_timeout"
    assert record.score == 0.0 and not record.passed  # graded: nothing was delivered
    assert record.agent_seconds < 5
    assert gone_soon(f"sleep {token}")


def test_a_daemon_left_behind_is_killed_after_the_trial(tmp_path, fixture_evals):
    token = f"{300 + os.getpid() % 1000}.{time.monotonic_ns() % 10**6}"
    template = f"setsid bash -c 'exec sleep {token}' & sleep 0.2; {SOLVE_DOUBLE}"
    _, [record] = run(tmp_path, fixture_evals, "command", **command(template))
    assert record.status == "completed" and record.passed
    assert gone_soon(f"sleep {token}")


def test_an_agent_printing_100_mb_is_captured_with_a_cap(tmp_path, fixture_evals):
    template = f"yes | head -c 100000000; {SOLVE_DOUBLE}"
    run_dir, [record] = run(tmp_path, fixture_evals, "command", **command(template))
    assert record.status == "completed" and record.passed
    log = run_dir.path / "trials/double/bare/0/agent.log"
    assert log.stat().st_size < 1_000_000 and "bytes of output omitted" in log.read_text()


def test_api_keys_never_reach_the_sandbox_or_the_records(tmp_path, fixture_evals, monkeypatch):
    secret = "sk-ant-test-0123456789abcdef"
    monkeypatch.setenv("ANTHROPIC_API_KEY", secret)
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    envfile = tmp_path / "env.txt"
    template = f"env > {envfile}; echo leaked=$ANTHROPIC_API_KEY; {SOLVE_DOUBLE}"
    run_dir, [record] = run(tmp_path, fixture_evals, "command", **command(template))
    assert record.passed
    seen = envfile.read_text()
    assert secret not in seen and "ANTHROPIC" not in seen and "API_KEY" not in seen
    for path in run_dir.path.rglob("*"):
        if path.is_file():
            assert secret not in path.read_text(errors="replace"), path


def test_an_explicitly_passed_variable_is_redacted_from_logs(tmp_path, fixture_evals, monkeypatch):
    secret = "tok-abcdefghijklmnop"
    monkeypatch.setenv("MY_AGENT_TOKEN", secret)
    options = {
        "agent_options": {"command": "echo using $MY_AGENT_TOKEN", "pass_env": ["MY_AGENT_TOKEN"]}
    }
    run_dir, [_record] = run(tmp_path, fixture_evals, "command", **options)
    log = (run_dir.path / "trials/double/bare/0/agent.log").read_text()
    assert "using [redacted]" in log and secret not in log


def test_a_missing_agent_binary_is_refused_before_the_run(tmp_path, fixture_evals):
    with pytest.raises(AgentSetupError, match="was not found"):
        run(tmp_path, fixture_evals, "command", **command("no-such-agent-xyz {instruction_file}"))
    assert not list(tmp_path.rglob("trials.jsonl")), "no trial may start"


def test_an_agent_exiting_127_mid_run_is_graded(tmp_path, fixture_evals):
    """What the agent left is scored: exit 127 from inside its work is its own result."""
    _, [record] = run(
        tmp_path, fixture_evals, "command", **command(f"{SOLVE_DOUBLE}; no-such-tool-xyz")
    )
    assert record.status == "completed" and record.details["exit_code"] == 127
    assert record.passed


def cli(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mlskills", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,
        **kwargs,
    )


def wait_for_lines(path: Path, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and len(path.read_text().splitlines()) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"{path} never reached {count} lines")


def test_ctrl_c_then_resume_runs_every_trial_exactly_once(tmp_path, fixture_evals):
    runs = tmp_path / "runs"
    args = [
        "run",
        "--evals",
        str(fixture_evals),
        "--task",
        "double",
        "--epochs",
        "20",
        "--agent",
        "command",
        "--agent-command",
        f"sleep 0.3; {SOLVE_DOUBLE}",
        "-j",
        "2",
        "--sandbox",
        "local",
        "--runs-dir",
        str(runs),
        "--cache-dir",
        str(tmp_path),
    ]
    first = cli(*args)
    wait_for_lines(next(iter_run_dirs(runs)) / "trials.jsonl", 4)
    first.send_signal(signal.SIGINT)
    _out, err = first.communicate(timeout=30)
    assert first.returncode == 130, err
    run_dir = next(iter_run_dirs(runs))
    done_before = len((run_dir / "trials.jsonl").read_text().splitlines())
    assert 4 <= done_before < 20
    assert RunDir.open(run_dir).read_meta()["status"] == "interrupted"
    assert "mlskills resume" in err and "Traceback" not in err

    second = cli("run", "--resume", str(run_dir))
    _out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    lines = [json.loads(line) for line in (run_dir / "trials.jsonl").read_text().splitlines()]
    keys = [(r["task_id"], r["arm"], r["epoch"]) for r in lines]
    assert sorted(keys) == sorted(("double", "bare", e) for e in range(20))
    assert all(r["passed"] for r in lines)


def iter_run_dirs(runs: Path):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = [p for p in runs.glob("*") if (p / "run.json").exists()] if runs.exists() else []
        if found:
            yield from found
            return
        time.sleep(0.05)
    raise AssertionError("no run folder appeared")
