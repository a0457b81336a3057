"""Review findings, each pinned by a test: secrets in records, bad ids, bad numbers, races."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from mlskills import tasks
from mlskills.preparation import PreparedCache
from mlskills.runner import RunConfig, start_run
from mlskills.schema import Arm
from mlskills.watchdog import Watchdog


def mlskills(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mlskills", *args], capture_output=True, text=True, timeout=120
    )


def test_secrets_are_redacted_from_records_and_grades(tmp_path, fixture_evals, monkeypatch):
    monkeypatch.setenv("MYCRED", "plainsecretvalue999")  # not secret-looking, but passed
    monkeypatch.setenv("SERVICE_API_KEY", "sk-looks-secret-123456")
    template = "echo $MYCRED $SERVICE_API_KEY >&2; exit 127"  # the agent's failure: graded
    config = RunConfig(
        agent="command",
        task_ids=["double"],
        sandbox="local",
        evals=str(fixture_evals),
        cache_dir=str(tmp_path / "cache"),
        agent_options={"command": template, "pass_env": ["MYCRED", "SERVICE_API_KEY"]},
    )
    outcome = start_run(config, tmp_path / "runs")
    [record] = outcome.records
    assert record.status == "completed" and record.score == 0.0  # an agent's exit is its own
    log = (outcome.run.path / record.key.relpath / "agent.log").read_text()
    assert "[redacted] [redacted]" in log
    for path in outcome.run.path.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert "plainsecretvalue999" not in text and "sk-looks-secret" not in text, path


def test_folders_without_task_yaml_and_missing_evals_are_problems(tmp_path, fixture_evals):
    import shutil

    evals = tmp_path / "evals"
    shutil.copytree(fixture_evals, evals)
    (evals / "tasks" / "half-written").mkdir()
    _, problems = tasks.load_all(evals)
    assert any("half-written/task.yaml" in p.file for p in problems)
    _, problems = tasks.load_all(tmp_path / "nowhere")
    assert problems and "no tasks folder" in problems[0].message


@pytest.mark.parametrize("text", ["../../x=a", "Bad Name=a", "bare=a", "pack=a"])
def test_arm_names_that_would_escape_or_collide_are_refused(text):
    with pytest.raises(ValueError, match="arm name"):
        Arm.parse(text)


def test_path_like_task_ids_are_unknown(fixture_evals):
    from mlskills.errors import InvalidInput

    for bad in ("", "..", "../tasks"):
        with pytest.raises(InvalidInput):
            tasks.find_task(bad, fixture_evals)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--epochs", "0"], "at least 1"),
        (["-j", "0"], "at least 1"),
        (["--agent-timeout", "-5"], "above 0"),
        (["--max-turns", "x"], "not a whole number"),
        (["--arm", "bare", "--arm", "bare"], "must be distinct"),
        (["--arm", "x=no-such-skill"], "unknown skills"),
    ],
)
def test_bad_numbers_and_arms_are_refused(fixture_evals, args, message):
    result = mlskills("run", "--agent", "oracle", "--task", "double", "--evals",
                      str(fixture_evals), *args)  # fmt: skip
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_resume_refuses_flags_it_would_ignore(tmp_path, fixture_evals):
    done = mlskills("run", "--agent", "nop", "--task", "double", "--evals", str(fixture_evals),
                    "--sandbox", "local", "--runs-dir", str(tmp_path))  # fmt: skip
    assert done.returncode == 0, done.stderr
    [run_dir] = tmp_path.iterdir()
    again = mlskills("run", "--resume", str(run_dir), "--agent", "oracle", "-j", "4")
    assert again.returncode == 2 and "drop --agent " in again.stderr  # -j changes no result


def test_the_watchdog_survives_a_failing_action():
    dog, fired = Watchdog(), threading.Event()

    def explode() -> None:
        raise RuntimeError("kill failed")

    dog.arm(0.01, explode)
    dog.arm(0.05, fired.set)
    assert fired.wait(timeout=5)
    cancelled = threading.Event()
    dog.disarm(dog.arm(0.01, cancelled.set))
    time.sleep(0.1)
    assert not cancelled.is_set()


def test_two_caches_preparing_one_instance_both_succeed(tmp_path, fixture_evals):
    task = tasks.find_task("double", fixture_evals)
    published = PreparedCache(tmp_path).instance(task, 7)
    before = (published.public_dir / "data" / "numbers.csv").read_text()
    # Another process that prepared the same instance at the same time loses the rename:
    # it must keep the published folder and not fail the trial.
    PreparedCache(tmp_path)._prepare_into(task, 7, published.public_dir.parent)
    assert (published.public_dir / "data" / "numbers.csv").read_text() == before
    assert not list(published.public_dir.parent.parent.glob(".prep-*"))


@pytest.mark.parametrize(
    "argv",
    [
        ["tasks", "check", "double", "--seeds", "0"],
        ["tasks", "check", "double", "-j", "0"],
        ["judge", "check", "--judge-model", "m", "--judge-epochs", "0"],
    ],
)
def test_counts_outside_run_are_refused_too(fixture_evals, argv):
    result = mlskills(*argv)
    assert result.returncode == 2 and "at least 1" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
