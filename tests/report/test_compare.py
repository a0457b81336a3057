"""`compare`: paired differences between runs, regressions first, and every mismatch spelled out."""

from __future__ import annotations

import json

import pytest
from fakes.synthetic_run import trial, write_run

from mlskills.errors import MlskillsError
from mlskills.report.compare import compare_runs
from mlskills.report.compare_render import FORMATS, render


def two_runs(tmp_path, b_seed_offset=0, b_limits=None, b_tasks=("a", "b", "c")):
    a_scores = {"a": 0.5, "b": 0.8, "c": 0.3}
    b_scores = {"a": 0.9, "b": 0.2, "c": 0.3, "d": 1.0}
    records_a = [trial(t, "bare", e, s) for t, s in a_scores.items() for e in range(2)]
    records_b = [
        trial(t, "bare", e, b_scores[t], seed=e + b_seed_offset) for t in b_tasks for e in range(2)
    ]
    path_a = write_run(tmp_path, records_a, run_id="a")
    path_b = write_run(tmp_path, records_b, run_id="b", config=_config(b_tasks, b_limits))
    return path_a, path_b


def _config(tasks, limits):
    return {
        "agent": "anthropic",
        "task_ids": list(tasks),
        "arms": ["bare"],
        "epochs": 2,
        "seed": 0,
        "sandbox": "bwrap",
        "limits": limits or {},
    }


def test_same_setup_compares_cleanly_with_regressions_first(tmp_path):
    comparison = compare_runs(*two_runs(tmp_path))
    assert comparison.notices == []
    (pair,) = comparison.pairs
    assert [d.task for d in pair.diff.tasks] == ["b", "c", "a"]
    assert (
        pair.diff.tasks[0].diff == pytest.approx(-0.6) and pair.diff.tasks[0].verdict == "regressed"
    )
    assert pair.diff.counts == {"improved": 1, "regressed": 1, "tied": 1, "uncertain": 0}
    assert pair.diff.score.mean == pytest.approx((0.4 - 0.6 + 0) / 3)


def test_mismatched_tasks_seeds_and_limits_are_spelled_out(tmp_path):
    paths = two_runs(tmp_path, b_seed_offset=10, b_limits={"max_turns": 5}, b_tasks=("a", "d"))
    comparison = compare_runs(*paths)
    titles = {n.title: n.text for n in comparison.notices}
    assert "Only in A: b, c." in titles["Runs do not share all tasks"]
    assert "Only in B: d." in titles["Runs do not share all tasks"]
    assert "2 of 2 shared task epochs ran on different seeds" in titles["Runs used different seeds"]
    assert titles["Runs used different limits"] == "max_turns: default vs 5"
    assert comparison.shared_tasks == ["a"]
    text = render(comparison, "table")
    assert "Runs used different seeds" in text and "Runs do not share all tasks" in text


def test_no_shared_task_is_refused(tmp_path):
    path_a = write_run(tmp_path, [trial("a", "bare", 0, 1.0)], run_id="a")
    path_b = write_run(tmp_path, [trial("z", "bare", 0, 1.0)], run_id="b")
    with pytest.raises(MlskillsError, match="share no task"):
        compare_runs(path_a, path_b)


def test_arms_pair_by_name_or_as_single_arms(tmp_path):
    path_a = write_run(tmp_path, [trial("a", "bare", 0, 0.1)], run_id="a")
    path_b = write_run(tmp_path, [trial("a", "pack", 0, 0.9)], run_id="b")
    (pair,) = compare_runs(path_a, path_b).pairs
    assert (pair.arm_a, pair.arm_b) == ("bare", "pack")
    two = [trial("a", "x", 0, 0.1), trial("a", "y", 0, 0.1)]
    path_c = write_run(tmp_path, two, run_id="c")
    with pytest.raises(MlskillsError, match="share no arm"):
        compare_runs(path_a, path_c)


def test_every_compare_format(tmp_path):
    comparison = compare_runs(*two_runs(tmp_path))
    for name in FORMATS:
        assert render(comparison, name).strip()
    data = json.loads(render(comparison, "json"))
    assert data["pairs"][0]["diff"]["tasks"][0]["task"] == "b"
    md = render(comparison, "md")
    assert md.index("| b |") < md.index("| a |")
    page = render(comparison, "html")
    assert "default-src 'none'" in page and "<script" not in page


def test_a_run_compared_with_itself_is_warned_about(tmp_path):
    path_a, _ = two_runs(tmp_path)
    comparison = compare_runs(path_a, path_a)
    assert comparison.notices[0].title == "A run compared with itself"
    assert comparison.notices[0].level == "warn"
