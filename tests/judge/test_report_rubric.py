"""Reports of judged runs: rubric verdicts, grader-only score and judge cost kept apart."""

from __future__ import annotations

import json

from fakes.judging import JUDGE, bad, good, judged_run, verdict

from mlskills.report import build_report, render
from mlskills.report.detail import Budget, trial_detail


def test_every_format_shows_the_rubric_apart_from_the_grader(api, tmp_path, evals) -> None:
    api.push(verdict(good("notes_explain"), bad("no_overclaim")))
    run_dir, [record] = judged_run(tmp_path, evals, judge=JUDGE)
    report = build_report(run_dir.path)
    cell = report.cell("double", "bare")
    assert (cell.grader_score, cell.mean_score) == (1.0, 0.75)
    assert cell.judge_cost == record.judge.usage.cost > 0
    assert cell.cost == 0 and cell.judge_tokens > 0  # the oracle spent nothing; the judge did
    md = render(report, "md")
    assert (
        "## Rubric (LLM judge)" in md and "| double | bare | notes_explain | 1 | 0 | 0 | 0 |" in md
    )
    assert "| double | bare | 1.000 | 0.750 |" in md
    assert "Rubric verdicts" in render(report, "table")
    data = json.loads(render(report, "json"))
    assert data["cells"][0]["grader_score"] == 1.0
    detail = trial_detail(run_dir.path, record, Budget())
    assert detail["judge"]["present"] and "transcript" in detail
    kinds = [e["kind"] for e in detail["judge"]["events"]]
    assert kinds[0] == "judge_vote" and "response" in kinds
    assert all(e["kind"] != "judge_vote" for e in detail["transcript"]["events"])


def test_a_run_without_a_judge_reports_not_judged(tmp_path, evals) -> None:
    run_dir, _ = judged_run(tmp_path, evals)
    report = build_report(run_dir.path)
    md = render(report, "md")
    # Nothing was judged: the rendered report says so in one line; the data keeps the item.
    assert "Rubric: rubric items not judged (no --judge-model)." in md
    assert "notes_explain" not in md
    assert "notes_explain" in render(report, "json")
