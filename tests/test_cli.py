"""The CLI as a user meets it: clear one-line errors, trustworthy exit codes, JSON for scripts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def mlskills(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mlskills", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--task", "double"], "choose an agent with --agent"),
        (["run", "--agent", "oracle"], "nothing to run: give --suite NAME or --task ID"),
        (["run", "--agent", "oracle", "--task", "nope"], "no task 'nope'"),
        (["run", "--agent", "oracle", "--suite", "nope"], "no such suite"),
        (["run", "--agent", "gpt", "--task", "double"], "unknown agent 'gpt'"),
        (["run", "--agent", "command", "--task", "double"], "the command agent needs a template"),
        (["run", "--agent", "oracle", "--task", "double", "--arm", "x="], "arm 'x='"),
        (["run", "--resume", "/nonexistent"], "is not a run folder"),
        (["tasks", "check", "nope"], "no task 'nope'"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, fixture_evals, args, message):
    if args[0] == "run" and "--resume" not in args:
        args = [*args, "--evals", str(fixture_evals), "--runs-dir", str(tmp_path)]
    elif args[0] == "tasks":
        args = [*args, "--evals", str(fixture_evals)]
    result = mlskills(*args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_tasks_list_json(fixture_evals):
    result = mlskills("tasks", "list", "--json", "--evals", str(fixture_evals))
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == ["broken-grader", "double", "double-exec"]


def test_tasks_check_json_and_exit_code(fixture_evals, tmp_path):
    ok = mlskills(
        "tasks",
        "check",
        "double",
        "double-exec",
        "--json",
        "--sandbox",
        "local",
        "--evals",
        str(fixture_evals),
        "--cache-dir",
        str(tmp_path),
    )
    assert ok.returncode == 0, ok.stderr
    verdicts = {r["task_id"]: r for r in json.loads(ok.stdout)}
    assert verdicts["double"]["ok"] and verdicts["double"]["wrong_scores"] == {"half": 0.5}
    bad = mlskills(
        "tasks",
        "check",
        "broken-grader",
        "--json",
        "--sandbox",
        "local",
        "--evals",
        str(fixture_evals),
        "--cache-dir",
        str(tmp_path),
    )
    assert bad.returncode == 1
    [verdict] = json.loads(bad.stdout)
    assert not verdict["ok"] and "grader bug" in " ".join(verdict["problems"])


def test_run_json_summary(fixture_evals, tmp_path):
    result = mlskills(
        "run",
        "--suite",
        "mini",
        "--agent",
        "oracle",
        "--json",
        "--sandbox",
        "local",
        "--evals",
        str(fixture_evals),
        "--runs-dir",
        str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert {row["task"] for row in summary["rows"]} == {"double", "double-exec"}
    assert all(row["mean_score"] == 1.0 for row in summary["rows"])


def test_validate_reports_a_broken_task(tmp_path, fixture_evals):
    import shutil

    evals = tmp_path / "evals"
    shutil.copytree(fixture_evals, evals)
    (evals / "tasks" / "double" / "grader.py").write_text("x = 1\n")
    result = mlskills("validate", "--evals", str(evals), "--json")
    problems = json.loads(result.stdout)
    assert result.returncode == 1
    assert any("no top-level `def grade" in p["message"] for p in problems)


def test_validate_renders_every_instruction_with_its_partials(tmp_path, fixture_evals):
    """The shared Constraints partial is found (here: the bundled one, the folder has
    none); a missing partial or an unknown variable is a problem before any trial."""
    import shutil

    evals = tmp_path / "evals"
    shutil.copytree(fixture_evals, evals)
    tasks_dir = evals / "tasks"
    (tasks_dir / "double" / "instruction.md").write_text(
        'Double x.\n## Constraints\n{% include "constraints.md.j2" %}\n'
    )
    (tasks_dir / "double-exec" / "instruction.md").write_text('{% include "nope.md.j2" %}\n')
    (tasks_dir / "broken-grader" / "instruction.md").write_text("{{ limits.no_such }}\n")
    result = mlskills("validate", "--evals", str(evals), "--json")
    assert result.returncode == 1
    rendering = {
        Path(p["file"]).parent.name: p["message"]
        for p in json.loads(result.stdout)
        if "does not render" in p["message"]
    }
    assert set(rendering) == {"double-exec", "broken-grader"}
    assert "nope.md.j2" in rendering["double-exec"] and "no_such" in rendering["broken-grader"]


def test_keep_workspaces_puts_the_kept_folder_in_the_record_and_the_report(fixture_evals, tmp_path):
    """The fixed bug (issue 19): the path was promised in the record and lost there."""
    (tmp_path / "scratch").mkdir()
    result = mlskills(
        "run",
        "--task",
        "double",
        "--agent",
        "oracle",
        "--keep-workspaces",
        "--json",
        "--sandbox",
        "local",
        "--evals",
        str(fixture_evals),
        "--runs-dir",
        str(tmp_path / "runs"),
        "--scratch-dir",
        str(tmp_path / "scratch"),
    )
    assert result.returncode == 0, result.stderr
    run_dir = Path(json.loads(result.stdout)["run_dir"])
    [line] = (run_dir / "trials.jsonl").read_text().splitlines()
    record = json.loads(line)
    kept = Path(record["scratch"])
    assert kept.parent == tmp_path / "scratch" and (kept / "workspace" / "answers.csv").is_file()
    assert record["details"] == {"exit_code": 0}  # the agent's facts only
    report = mlskills("report", str(run_dir), "--format", "json")
    assert report.returncode == 0, report.stderr
    [row] = json.loads(report.stdout)["trials"]
    assert row["scratch"] == str(kept)
