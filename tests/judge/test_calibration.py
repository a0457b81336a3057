"""`mlskills judge check`: agreement of a scripted judge with a tiny labelled set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes.judging import bad, by_marker, good, verdict

from mlskills.cli import main
from mlskills.errors import InvalidInput
from mlskills.judge.agreement import agreement
from mlskills.judge.calibration import load_cases

CASES = {  # case -> (NOTES.md marker, labels)
    "good": ("MARK-GOOD", {"notes_explain": "pass", "no_overclaim": "pass"}),
    "bad": ("MARK-BAD", {"notes_explain": "fail", "no_overclaim": "fail"}),
    "borderline": ("MARK-EDGE", {"notes_explain": "pass", "no_overclaim": "fail"}),
}
JUDGE_SAYS = {  # the scripted judge: right on good and borderline, a false pass on bad
    "MARK-GOOD": verdict(good("notes_explain"), good("no_overclaim")),
    "MARK-BAD": verdict(good("notes_explain"), bad("no_overclaim")),
    "MARK-EDGE": verdict(good("notes_explain"), bad("no_overclaim")),
}


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    root = tmp_path / "cases"
    for name, (marker, labels) in CASES.items():
        workspace = root / "double" / name / "workspace"
        workspace.mkdir(parents=True)
        (workspace / "NOTES.md").write_text(f"# Notes {marker}\ny = 2x\n")
        (workspace / "answers.csv").write_text("id,y\nr0,2\n")
        labels_yaml = f"note: the {name} case\nexpect: {json.dumps(labels)}\n"
        (root / "double" / name / "labels.yaml").write_text(labels_yaml)
    return root


def check(api, cases: Path, evals: Path, *extra: str, capsys) -> tuple[int, dict]:
    api.responder = by_marker(JUDGE_SAYS)
    argv = ["judge", "check", "--judge-model", "claude-haiku-4-5", "--cases", str(cases)]
    argv += ["--evals", str(evals), "--sandbox", "local", "--json", *extra]
    code = main([*argv, "--judge-option", "max_retries=0"])
    return code, json.loads(capsys.readouterr().out)


def test_agreement_per_item_and_overall(api, cases, evals, capsys) -> None:
    code, out = check(api, cases, evals, capsys=capsys)
    assert code == 0
    items = {row["item"]: row for row in out["items"]}
    explain, overclaim = items["notes_explain"], items["no_overclaim"]
    assert (explain["cases"], explain["agree"], explain["false_pass"]) == (3, 2, 1)
    assert explain["accuracy"] == pytest.approx(2 / 3) and explain["false_pass_rate"] == 1.0
    assert explain["false_fail_rate"] == 0.0
    assert (overclaim["accuracy"], overclaim["false_pass_rate"]) == (1.0, 0.0)
    overall = out["overall"]
    assert overall["accuracy"] == pytest.approx(5 / 6)
    assert overall["false_pass_rate"] == pytest.approx(1 / 3)
    assert (overall["judged"], overall["errors"]) == (6, 0)
    assert out["disagreements"] == [
        {
            "task": "double",
            "case": "bad",
            "item": "notes_explain",
            "label": "fail",
            "verdict": "pass",
            "reason": "notes_explain is pass",
        }
    ]
    assert out["usage"]["total_tokens"] > 0 and len(api.message_requests) == 3


def test_thresholds_set_the_exit_code(api, cases, evals, capsys) -> None:
    assert check(api, cases, evals, "--min-accuracy", "0.9", capsys=capsys)[0] == 1
    assert check(api, cases, evals, "--max-false-pass", "0.2", capsys=capsys)[0] == 1
    assert check(api, cases, evals, "--min-accuracy", "0.8", capsys=capsys)[0] == 0


def test_judge_errors_are_counted_apart(api, cases, evals, capsys) -> None:
    (cases / "double" / "good" / "workspace" / "NOTES.md").write_text("no marker here\n")
    _, out = check(api, cases, evals, capsys=capsys)
    overall = out["overall"]
    assert (overall["errors"], overall["judged"]) == (2, 4)
    assert overall["accuracy"] == pytest.approx(3 / 4)  # errors are not in the rate


def test_the_table_names_disagreements_and_cost(api, cases, evals, capsys) -> None:
    api.responder = by_marker(JUDGE_SAYS)
    argv = ["judge", "check", "--judge-model", "claude-haiku-4-5", "--cases", str(cases)]
    assert main([*argv, "--evals", str(evals), "--sandbox", "local"]) == 0
    out = capsys.readouterr().out
    assert "(all)" in out and "83%" in out and "33% (1/3)" in out
    assert "double/bad notes_explain: label fail, judge pass" in out and "judge usage:" in out


def test_labels_must_name_rubric_items(cases, evals) -> None:
    labels = cases / "double" / "bad" / "labels.yaml"
    labels.write_text("expect: {notes_explain: yes, typo_item: fail}\n")
    with pytest.raises(InvalidInput) as caught:
        load_cases(cases, evals=evals)
    text = str(caught.value)
    assert "expect.typo_item: not a rubric item" in text and "expect.notes_explain" in text


def test_a_judge_model_is_required(cases, evals, capsys) -> None:
    assert main(["judge", "check", "--cases", str(cases), "--evals", str(evals)]) == 2
    assert "--judge-model" in capsys.readouterr().err


def test_agreement_of_no_results_is_an_empty_overall_row() -> None:
    [overall] = agreement([])
    assert overall.accuracy is None and overall.cases == 0


def test_the_bundled_cases_cover_every_item_both_ways() -> None:
    """Each calibrated task's rubric items are labelled pass somewhere and fail somewhere."""
    from mlskills.judge.calibration import default_root

    cases = load_cases(default_root())
    tasks = {c.task.id: c.task for c in cases}
    assert {"leaky-pipeline", "model-serving", "churn-imbalanced"} <= set(tasks)
    for task_id, task in tasks.items():
        labels = [c.expect for c in cases if c.task.id == task_id]
        assert {"good", "bad", "borderline"} <= {c.name for c in cases if c.task.id == task_id}
        for item in task.grading.rubric:
            seen = {expect.get(item.id) for expect in labels}
            assert {"pass", "fail"} <= seen, f"{task_id}/{item.id} is not labelled both ways"
