"""The trial record: typed harness fields, one birthplace, and runs of schema 1 still read.

The schema-1 run in tests/fixtures/runs/ was written by the code before the typed record
(see the README there): a judged, kept-workspace, regraded oracle trial and one harness
error. It is read, reported and resumed here exactly as a user's old run folder would be.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fakes.judging import API_KEY, JUDGE, bad, good, rubric_evals, verdict

from mlskills.errors import MlskillsError
from mlskills.executors.ray_executor import _lost
from mlskills.records import RunDir
from mlskills.report import build_report, render
from mlskills.report.detail import Budget, trial_detail
from mlskills.runner import RunConfig, execute, make_env, plan_trials, resume_run
from mlskills.schema import SCHEMA_VERSION, JudgeFacts, TrialRecord, Usage
from mlskills.tasks import find_task

V1_RUN = Path(__file__).parent / "fixtures" / "runs" / "20261201-120000-v1ab"
V1_JUDGE_USAGE = Usage(0, 100, 0, 1842, 0.0028025)


@pytest.fixture
def v1_run(tmp_path: Path) -> Path:
    """A copy of the schema-1 run whose stored paths point into this test's folder (the
    evals, cache and scratch folders it names were on the machine that wrote it)."""
    run_dir = tmp_path / "runs" / V1_RUN.name
    shutil.copytree(V1_RUN, run_dir)
    (tmp_path / "scratch").mkdir()
    meta = json.loads((run_dir / "run.json").read_text())
    assert meta["config"]["judge"] == JUDGE  # the judge the resume test scripts
    meta["config"] |= {
        "evals": str(rubric_evals(tmp_path)),
        "cache_dir": str(tmp_path / "cache"),
        "scratch_dir": str(tmp_path / "scratch"),
    }
    (run_dir / "run.json").write_text(json.dumps(meta))
    return run_dir


def test_a_schema_1_line_moves_the_harness_facts_out_of_details(v1_run):
    judged, errored = RunDir.open(v1_run).records()
    assert judged.details == {"exit_code": 0}  # what the oracle agent returned, nothing else
    assert judged.scratch == "/tmp/v1gen/out/scratch/mlskills-double-p3ux9udl"
    assert judged.regrade_equal is True and judged.schema_version == SCHEMA_VERSION
    assert judged.judge == JudgeFacts(
        configured=True,
        grader_score=1.0,  # v1's details.judge.deterministic
        grader_passed=True,
        model="claude-haiku-4-5",
        epochs=1,
        usage=V1_JUDGE_USAGE,
        cost_known=True,
        requests=1,
        seconds=0.2709,
        transcript="judge/transcript.jsonl",
        rubric_fraction=0.5,
    )
    assert (judged.score, judged.passed) == (0.75, False)  # the combined score is untouched
    assert errored.status == "error" and errored.details == {}
    assert errored.scratch.endswith("mlskills-double-puhu6gy4") and errored.judge is None
    assert errored.regrade_equal is None  # never graded


def test_a_schema_1_run_reports_like_it_did(v1_run):
    report = build_report(v1_run)
    cell = report.cell("double", "bare")
    assert (cell.grader_score, cell.mean_score) == (1.0, 0.75)
    assert cell.judge_cost == pytest.approx(V1_JUDGE_USAGE.cost)
    assert cell.judge_tokens == V1_JUDGE_USAGE.total_tokens and cell.status["error"] == 1
    rows = {row["epoch"]: row for row in json.loads(render(report, "json"))["trials"]}
    assert rows[0]["scratch"].endswith("mlskills-double-p3ux9udl")
    assert "| double | bare | 1.000 | 0.750 |" in render(report, "md")
    [judged, _] = RunDir.open(v1_run).records()
    shown = trial_detail(v1_run, judged, Budget())["record"]
    assert shown["judge"]["grader_score"] == 1.0 and "judge" not in shown["details"]


def test_a_schema_1_run_resumes_with_lines_of_today(v1_run, fake_api, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_api.url)
    fake_api.push(verdict(good("notes_explain"), bad("no_overclaim")))
    outcome = resume_run(v1_run)
    [redone] = outcome.records  # only the errored epoch 1
    assert (redone.epoch, redone.status, redone.score) == (1, "completed", 0.75)
    assert Path(redone.scratch).is_dir() and redone.judge.usage.cost > 0
    lines = [json.loads(line) for line in (v1_run / "trials.jsonl").read_text().splitlines()]
    assert [line["schema_version"] for line in lines] == [1, 1, SCHEMA_VERSION]
    assert "scratch" not in lines[2]["details"] and lines[2]["scratch"] == redone.scratch
    latest = RunDir.open(v1_run).latest()
    assert {key.epoch: r.status for key, r in latest.items()} == {0: "completed", 1: "completed"}
    assert build_report(v1_run).cell("double", "bare").grader_score == 1.0


def test_a_version_never_written_is_refused(v1_run):
    meta = json.loads((v1_run / "run.json").read_text())
    (v1_run / "run.json").write_text(json.dumps({**meta, "schema_version": 0}))
    with pytest.raises(MlskillsError, match=r"unknown schema_version 0 \(this mlskills reads 1"):
        RunDir.open(v1_run)


def test_a_record_round_trips_through_its_line(tmp_path):
    facts = JudgeFacts(False, 0.5, False)
    record = TrialRecord("t", "bare", 0, 0, "oracle", "completed", judge=facts, scratch="/x")
    record.regrade_equal, record.details = False, {"exit_code": 3}
    run = RunDir.create(tmp_path, {"schema_version": SCHEMA_VERSION})
    run.append(record)
    assert run.records() == [record]


class Escape(BaseException):
    """Not an Exception: run_trial lets it through, so the runner's worker records it."""


class EscapingAgent:
    name = "escaping"
    OPTIONS = frozenset()

    def run(self, request):
        raise Escape("out of everything")

    def describe(self) -> dict:
        return {}


def test_every_blank_record_is_born_alike(tmp_path, fixture_evals):
    """A trial, a crashed worker and a lost Ray node all start from TrialPlan.blank_record."""
    config = RunConfig(
        agent="oracle",
        task_ids=["double"],
        epochs=2,
        sandbox="local",
        evals=str(fixture_evals),
        cache_dir=str(tmp_path / "cache"),
    )
    run = RunDir.create(tmp_path / "runs", {"schema_version": SCHEMA_VERSION})
    plans, _ = plan_trials(config, [find_task("double", fixture_evals)])
    plans[1].agent, plans[1].agent_name = EscapingAgent(), "escaping"
    records, _ = execute(make_env(run, config), plans)
    crashed = next(r for r in records if r.epoch == 1)
    assert "the harness failed running this trial: Escape" in crashed.error
    lost = _lost(plans[1], "oracle", ConnectionError("node gone"))
    assert "Ray worker was lost: ConnectionError: node gone" in lost.error
    for record in (crashed, lost):
        assert (record.status, record.agent, record.seed) == ("error", "escaping", 1)
        assert (record.scratch, record.judge, record.details, record.grade) == (
            None,
            None,
            {},
            None,
        )
    blank = plans[0].blank_record("oracle", started=0.0)
    assert blank.started_at == "1970-01-01T00:00:00Z" and blank.status == "error"
