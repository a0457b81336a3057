"""The rough edges a new user hit (review 2026-12, issue 14), each pinned by a test.

In-process through `mlskills.cli.main` (the same parser and handlers as the console script),
so each case costs milliseconds rather than an interpreter start.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from fakes.synthetic_run import trial, write_run

from mlskills.cli import main
from mlskills.pack.install import install, uninstall
from mlskills.records import RunDir
from mlskills.runner import RunConfig, execute, make_env, plan_trials, start_run
from mlskills.schema import SCHEMA_VERSION, AgentResult
from mlskills.tasks import find_task


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def oracle_args(tmp_path: Path, evals: Path, *extra: str) -> list[str]:
    return [
        "run",
        "--agent",
        "oracle",
        "--task",
        "double",
        "--evals",
        str(evals),
        "--sandbox",
        "local",
        "--runs-dir",
        str(tmp_path / "runs"),
        "--cache-dir",
        str(tmp_path / "cache"),
        "--scratch-dir",
        str(tmp_path / "scratch"),
        *extra,
    ]


# ------------------------------------------------------------------- usage and help
@pytest.mark.parametrize("value", ["0", "-1", "abc"])
def test_a_usage_error_is_one_line_and_a_hint(capsys, value):
    code, _, err = run_main(capsys, "run", "--epochs", value)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 2 and "usage:" not in err
    assert lines[0].startswith("mlskills run: error: argument --epochs:") and value in lines[0]
    assert lines[1] == "(see `mlskills run --help`)"


def test_run_help_states_each_default_once_and_lists_exit_code_3(capsys):
    code, out, _ = run_main(capsys, "run", "--help")
    text = " ".join(out.split())
    assert code == 0 and "(default: None)" not in text and "(default: [])" not in text
    assert "(default: False)" not in text
    assert "(default: suite or 1)" in text and "(default: suite or 1) (default" not in text
    assert "(default: 0)" in text  # --seed: a default worth stating
    assert "3 an internal error" in text


# ------------------------------------------------------------------- input checks
def test_a_missing_evals_folder_is_named(capsys, tmp_path):
    code, _, err = run_main(capsys, "run", "--agent", "oracle", "--evals", str(tmp_path / "no"))
    assert code == 2 and f"'{tmp_path / 'no'}' does not exist" in err


@pytest.mark.parametrize("agent", ["orcale", "anthropic"])
def test_input_errors_come_before_the_local_sandbox_warning(
    capsys, tmp_path, fixture_evals, monkeypatch, agent
):
    """A typo'd agent, or a missing key, is the only thing said: no sandbox warning first."""
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    args = oracle_args(tmp_path, fixture_evals)
    args[args.index("oracle")] = agent
    code, _, err = run_main(capsys, *args)
    assert code == 2 and "warning" not in err
    assert ("unknown agent 'orcale'" if agent == "orcale" else "ANTHROPIC_API_KEY") in err
    assert not (tmp_path / "runs").exists()


def test_unknown_agent_options_are_refused_with_the_accepted_ones(capsys, tmp_path, fixture_evals):
    code, _, err = run_main(capsys, *oracle_args(tmp_path, fixture_evals, "--agent-option", "x=1"))
    assert code == 2 and "--agent-option x: not a setting of the oracle agent" in err
    args = oracle_args(tmp_path, fixture_evals, "--agent-option", "max_retry=3")
    args[args.index("oracle")] = "anthropic"
    code, _, err = run_main(capsys, *args)
    assert code == 2 and "max_retry" in err and "it accepts: base_url, max_retries" in err
    code, _, err = run_main(
        capsys,
        *oracle_args(tmp_path, fixture_evals, "--judge-model", "m", "--judge-option", "turns=3"),
    )
    assert code == 2 and "--judge-option turns: not a judge setting" in err and "max_turns" in err
    assert not (tmp_path / "runs").exists()


# ------------------------------------------------------------------- resume
def test_resume_of_a_finished_run_says_nothing_to_resume_and_takes_jobs(
    capsys, tmp_path, fixture_evals
):
    assert run_main(capsys, *oracle_args(tmp_path, fixture_evals))[0] == 0
    [run_dir] = (tmp_path / "runs").iterdir()
    code, out, err = run_main(capsys, "run", "--resume", str(run_dir), "-j", "3")
    assert code == 0 and "nothing to resume" in err and "0/0" not in err + out
    assert len((run_dir / "trials.jsonl").read_text().splitlines()) == 1
    code, _, err = run_main(capsys, "run", "--resume", str(run_dir), "--seed", "4")
    assert code == 2 and "drop --seed" in err  # what changes results is still refused


def test_resume_is_its_own_command_and_run_resume_its_alias(capsys, tmp_path, fixture_evals):
    """`mlskills resume RUN -j N --json` runs the trial a run is missing; `run --resume`
    takes the same path; flags that would change results are not `resume`'s to take."""
    assert run_main(capsys, *oracle_args(tmp_path, fixture_evals, "--epochs", "3"))[0] == 0
    [run_dir] = (tmp_path / "runs").iterdir()
    trials = run_dir / "trials.jsonl"
    lines = trials.read_text().splitlines()
    trials.write_text("\n".join(lines[:1]) + "\n")  # as if stopped after the first trial
    code, out, err = run_main(capsys, "resume", str(run_dir), "-j", "2", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["run_dir"] == str(run_dir)
    assert [(r["trials"], r["mean_score"]) for r in summary["rows"]] == [(3, 1.0)]
    assert len(trials.read_text().splitlines()) == 3  # only the two missing trials ran
    code, _, err = run_main(capsys, "run", "--resume", str(run_dir))
    assert code == 0 and "nothing to resume" in err  # the alias, on the same run
    code, _, err = run_main(capsys, "resume", str(run_dir))
    assert code == 0 and "nothing to resume" in err
    code, _, err = run_main(capsys, "resume", str(run_dir), "--seed", "4")
    assert code == 2 and "--seed" in err
    code, _, err = run_main(capsys, "resume", str(tmp_path / "nowhere"))
    assert code == 2 and "is not a run folder" in err


# ------------------------------------------------------------------- records
def test_keep_workspaces_records_the_scratch_folder(tmp_path, fixture_evals):
    (tmp_path / "scratch").mkdir()
    config = RunConfig(
        agent="oracle",
        task_ids=["double"],
        sandbox="local",
        evals=str(fixture_evals),
        cache_dir=str(tmp_path / "cache"),
        scratch_dir=str(tmp_path / "scratch"),
        keep_workspaces=True,
    )
    [record] = start_run(config, tmp_path / "runs").records
    scratch = Path(record.scratch)
    assert record.passed and scratch.parent == tmp_path / "scratch"
    assert (scratch / "workspace" / "answers.csv").is_file()
    assert record.details == {"exit_code": 0}  # the agent's facts, and only those


class BrokenAgent:
    """An agent whose plumbing fails: a harness error, which must keep its traceback."""

    name = "broken"
    OPTIONS = frozenset()

    def run(self, request) -> AgentResult:
        return self.connect()

    def connect(self) -> AgentResult:
        raise ConnectionResetError(f"the agent's pipe broke (key {os.environ['SECRET_KEY']})")

    def describe(self) -> dict:
        return {}


def test_a_harness_failure_keeps_its_traceback_in_the_trial_folder(
    tmp_path, fixture_evals, monkeypatch
):
    monkeypatch.setenv("SECRET_KEY", "sk-never-in-a-file-42")
    config = RunConfig(
        agent="oracle",
        task_ids=["double"],
        sandbox="local",
        evals=str(fixture_evals),
        cache_dir=str(tmp_path / "cache"),
    )
    run = RunDir.create(tmp_path / "runs", {"schema_version": 1, "config": {}})
    plans, _ = plan_trials(config, [find_task("double", fixture_evals)])
    [record], _ = execute(make_env(run, config, agent=BrokenAgent()), plans)
    assert record.status == "error" and "ConnectionResetError" in record.error
    text = (run.path / "trials/double/bare/0/error.txt").read_text()
    assert text.startswith("Traceback") and "in connect" in text
    assert "ConnectionResetError: the agent's pipe broke" in text
    assert "sk-never-in-a-file-42" not in text + record.error  # redacted like every log


@pytest.mark.parametrize(
    ("version", "message"),
    [(7, "schema_version 7, newer than this mlskills"), ("x", "unknown schema_version 'x'")],
)
def test_a_run_of_an_unknown_schema_is_refused_with_a_reason(capsys, tmp_path, version, message):
    run_dir = write_run(tmp_path / "runs", [trial("t", "bare", 0, 1.0)])
    meta = json.loads((run_dir / "run.json").read_text())
    (run_dir / "run.json").write_text(json.dumps({**meta, "schema_version": version}))
    code, _, err = run_main(capsys, "report", str(run_dir))
    assert code == 2 and message in err


def test_a_trial_line_of_a_newer_schema_is_refused(tmp_path):
    run_dir = write_run(tmp_path / "runs", [trial("t", "bare", 0, 1.0)])
    line = json.loads((run_dir / "trials.jsonl").read_text())
    with (run_dir / "trials.jsonl").open("a") as handle:
        handle.write(json.dumps({**line, "schema_version": SCHEMA_VERSION + 1}) + "\n")
    newer = f"trials.jsonl:2: written with schema_version {SCHEMA_VERSION + 1}"
    with pytest.raises(Exception, match=newer):
        RunDir.open(run_dir).records()


# ------------------------------------------------------------------- report output
@pytest.fixture
def small_run(tmp_path) -> Path:
    return write_run(tmp_path / "runs", [trial("t", "bare", 0, 1.0)])


def test_report_refuses_an_unknown_extension(capsys, small_run, tmp_path):
    code, _, err = run_main(capsys, "report", str(small_run), "--out", str(tmp_path / "r.pdf"))
    assert code == 2 and "unknown extension '.pdf'" in err and not (tmp_path / "r.pdf").exists()
    code, _, _ = run_main(
        capsys, "report", str(small_run), "--out", str(tmp_path / "r.pdf"), "--format", "md"
    )
    assert code == 0 and (tmp_path / "r.pdf").read_text().startswith("# mlskills report")


def test_report_does_not_create_missing_folders(capsys, small_run, tmp_path):
    out = tmp_path / "nowhere" / "deeper" / "r.html"
    code, _, err = run_main(capsys, "report", str(small_run), "--out", str(out))
    assert code == 2 and "does not exist" in err and not (tmp_path / "nowhere").exists()


LONG_IDS = [f"a-really-long-task-identifier-number-{i}-for-folding" for i in range(3)]


def test_piped_tables_keep_task_ids_whole(capsys, tmp_path):
    """stdout is not a terminal here (captured), as in CI logs or `| tee`."""
    from mlskills.cli.summary import print_summary

    records = [trial(task, arm, 0, 0.5) for task in LONG_IDS for arm in ("bare", "pack")]
    print_summary(records)
    summary = capsys.readouterr().out
    run_dir = write_run(tmp_path / "runs", records)
    code, report, _ = run_main(capsys, "report", str(run_dir))
    assert code == 0
    for text in (summary, report):
        for task in LONG_IDS:
            assert task in text, text


# ------------------------------------------------------------------- install
def test_uninstall_counts_what_it_removed_and_removes_the_claude_folder_it_made(tmp_path):
    target = tmp_path / "project" / ".claude"
    (tmp_path / "project").mkdir()
    installed = install(target)
    files = len(installed.actions)
    mine = next(p for p in target.rglob("SKILL.md"))
    mine.write_text("my notes")
    report = uninstall(target)
    assert report.lines()[-1].startswith(f"{files - 1} change(s), 1 file(s) of yours kept")
    assert mine.read_text() == "my notes" and target.is_dir()  # the user's file keeps it
    mine.unlink()
    shutil.rmtree(target)

    install(target)
    uninstall(target)
    assert not target.exists()  # made by install, empty after uninstall


def test_uninstall_keeps_a_claude_folder_the_user_had(tmp_path):
    target = tmp_path / ".claude"
    target.mkdir()
    install(target)
    lines = uninstall(target).lines()
    assert "already" not in lines[-1] and target.is_dir() and not any(target.iterdir())


def test_every_limit_flag_overrides_a_limits_field_of_its_name():
    """The run command's limit flags map onto Limits by name: a renamed field must fail here,
    not silently stop a flag from overriding anything."""
    from dataclasses import fields

    from mlskills.cli.run_cmd import LIMIT_FLAGS
    from mlskills.schema import Limits

    assert set(LIMIT_FLAGS) <= {f.name for f in fields(Limits)}
