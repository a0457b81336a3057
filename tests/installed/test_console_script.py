"""The installed `mlskills` command, as users run it: which sandbox it gets, and when it
refuses. Every test runs the console script of a freshly built venv as a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from installed.fixtures import run_mlskills

from mlskills.sandbox.bwrap import probe

FIXTURE_EVALS = Path(__file__).resolve().parents[1] / "fixtures" / "evals"
BWRAP_OK, BWRAP_REASON = probe()
needs_bwrap = pytest.mark.skipif(not BWRAP_OK, reason=f"bwrap does not work here: {BWRAP_REASON}")
BROKEN = "bwrap: setting up uid map: Permission denied"


def oracle_args(tmp: Path, *more: str) -> list[str]:
    return [
        "run", "--evals", str(FIXTURE_EVALS), "--task", "double", "--agent", "oracle",
        "--runs-dir", str(tmp / "runs"), "--cache-dir", str(tmp / "cache"), *more,
    ]  # fmt: skip


def run_folder(tmp: Path) -> Path:
    (folder,) = (tmp / "runs").iterdir()
    return folder


def run_json(tmp: Path) -> dict:
    return json.loads((run_folder(tmp) / "run.json").read_text())


def records(tmp: Path) -> list[dict]:
    lines = (run_folder(tmp) / "trials.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def executable(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def path_without_bwrap(folder: Path) -> str:
    """A PATH where every system tool is found except bubblewrap."""
    folder.mkdir()
    for system in ("/usr/local/bin", "/usr/bin", "/bin"):
        for tool in Path(system).iterdir() if Path(system).is_dir() else []:
            link = folder / tool.name
            if tool.name != "bwrap" and not link.exists() and not link.is_symlink():
                link.symlink_to(tool)
    return str(folder)


@needs_bwrap
def test_the_installed_command_gets_bwrap_with_the_venv_under_tmp(installed_mlskills, tmp_path):
    done = run_mlskills(installed_mlskills, *oracle_args(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    meta = run_json(tmp_path)
    assert meta["config"]["sandbox"] == "bwrap", meta["config"]["sandbox_reason"]
    assert meta["grading_data_readable_by_agent"] is False
    (record,) = records(tmp_path)
    assert record["status"] == "completed" and record["passed"] is True, record
    assert "sandbox: bwrap" in done.stderr


@needs_bwrap
def test_the_installed_command_gets_bwrap_with_the_venv_on_disk(disk_mlskills, tmp_path):
    assert not str(disk_mlskills).startswith("/tmp/")
    done = run_mlskills(disk_mlskills, *oracle_args(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert run_json(tmp_path)["config"]["sandbox"] == "bwrap"
    (record,) = records(tmp_path)
    assert record["status"] == "completed" and record["score"] == 1.0, record


@needs_bwrap
def test_agent_code_in_the_installed_sandbox_cannot_import_or_see_the_harness(
    installed_mlskills, tmp_path
):
    """The command agent runs the venv's python: mlskills is not importable, the venv
    works, and the harness left no stub folder in the host's /tmp."""
    stubs_before = set(Path("/tmp").glob("mlskills-stub-*"))
    probe_cmd = (
        "python -c 'import numpy; print(\"numpy ok\")'; "
        "python -c 'import mlskills' 2>&1 | tail -1; "
        "ls /evals /cache 2>&1 | head -2; true"
    )
    args = oracle_args(tmp_path)[:-2]  # keep runs and cache, swap the agent
    args = [a if a != "oracle" else "command" for a in args]
    args += ["--cache-dir", str(tmp_path / "cache"), "--agent-command", probe_cmd]
    done = run_mlskills(installed_mlskills, *args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [r["status"] for r in records(tmp_path)] == ["completed"]
    log = (run_folder(tmp_path) / "trials/double/bare/0/agent.log").read_text()
    assert "numpy ok" in log
    assert "No module named 'mlskills'" in log
    assert set(Path("/tmp").glob("mlskills-stub-*")) == stubs_before


@pytest.mark.skipif(not shutil.which("bwrap"), reason="needs bubblewrap installed")
def test_installed_but_broken_bwrap_refuses_with_its_message_and_the_fix(
    installed_mlskills, tmp_path
):
    fake = tmp_path / "fakebin"
    fake.mkdir()
    executable(fake / "bwrap", f"#!/bin/sh\necho '{BROKEN}' >&2\nexit 1\n")
    env = {"PATH": f"{installed_mlskills.parent}:{fake}:/usr/local/bin:/usr/bin:/bin"}
    for args in (
        oracle_args(tmp_path),
        ["tasks", "check", "double", "--evals", str(FIXTURE_EVALS), "--seeds", "1", "-j", "1",
         "--cache-dir", str(tmp_path / "cache")],
    ):  # fmt: skip
        done = run_mlskills(installed_mlskills, *args, cwd=tmp_path, env=env)
        assert done.returncode == 2, done.stderr
        assert BROKEN in done.stderr
        assert "fix:" in done.stderr and "--sandbox local" in done.stderr
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())
    done = run_mlskills(
        installed_mlskills, *oracle_args(tmp_path, "--sandbox", "local"), cwd=tmp_path, env=env
    )
    assert done.returncode == 0, done.stderr
    assert run_json(tmp_path)["config"]["sandbox"] == "local"
    who = "root" if os.geteuid() == 0 else "uid"
    assert "warning: local sandbox" in done.stderr and who in done.stderr


def test_auto_picks_local_only_without_bwrap_and_says_so_everywhere(installed_mlskills, tmp_path):
    env = {"PATH": f"{installed_mlskills.parent}:{path_without_bwrap(tmp_path / 'bin')}"}
    done = run_mlskills(installed_mlskills, *oracle_args(tmp_path), cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "warning: local sandbox (auto chose local: bubblewrap is not installed" in done.stderr
    meta = run_json(tmp_path)
    assert meta["config"]["sandbox"] == "local"
    assert meta["config"]["sandbox_reason"].startswith("auto chose local: bubblewrap is not")
    for fmt in ("table", "md", "html", "json"):
        out = tmp_path / f"report.{fmt}"
        report = run_mlskills(
            installed_mlskills, "report", str(run_folder(tmp_path)), "--format", fmt,
            "--out", str(out), cwd=tmp_path, env=env,
        )  # fmt: skip
        assert report.returncode == 0, report.stderr
        text = out.read_text() if out.exists() else report.stdout
        assert "bubblewrap is not installed" in text, fmt


@pytest.mark.skipif(not BWRAP_OK or os.geteuid() != 0, reason="the fake wraps bwrap as root")
def test_a_sandbox_that_fails_to_start_for_a_trial_is_an_error_not_a_zero(
    installed_mlskills, tmp_path
):
    """bwrap works for the start-up probe, then fails: the trial is `error` with bwrap's
    message, never a graded 0 (it used to be `completed` with score 0)."""
    fake = tmp_path / "fakebin"
    fake.mkdir()
    count = tmp_path / "calls"
    fail = 'echo "bwrap: Can\'t mkdir /x: Not a directory" >&2; exit 1'
    executable(
        fake / "bwrap",
        f"#!/bin/sh\necho x >> {count}\n"
        f'if [ "$(wc -l < {count})" -gt 1 ]; then {fail}; fi\n'
        f'exec {shutil.which("bwrap")} "$@"\n',
    )
    env = {"PATH": f"{installed_mlskills.parent}:{fake}:/usr/local/bin:/usr/bin:/bin"}
    done = run_mlskills(installed_mlskills, *oracle_args(tmp_path), cwd=tmp_path, env=env)
    assert done.returncode == 1, done.stderr
    (record,) = records(tmp_path)
    assert record["status"] == "error" and record["score"] is None, record
    assert "Can't mkdir /x" in record["error"] and "failed to start" in record["error"]


@pytest.mark.parametrize("command", [["tasks", "list"], ["validate"]], ids=["rich", "print"])
def test_a_reader_that_leaves_early_ends_the_command_quietly(installed_mlskills, tmp_path, command):
    """`mlskills validate | head -1`: the pipe's reader is gone before the command writes;
    it exits 1 without a message or a traceback, whether it prints through rich (which
    handles this itself) or not."""
    proc = subprocess.Popen(
        [str(installed_mlskills), *command],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    proc.stdout.close()  # before the interpreter has even started
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 1 and err == "", err
