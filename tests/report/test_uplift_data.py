"""An uplift from too little data shows no interval and says "not enough data", everywhere."""

from __future__ import annotations

import json

import pytest
from fakes.synthetic_run import trial, write_run

from mlskills.report import build_report, render
from mlskills.report.compare import compare_runs
from mlskills.report.compare_render import render as render_comparison


def run_with(tmp_path, tasks: int, epochs: int, bare: float = 0.0, pack: float = 1.0, name="r"):
    records = [
        trial(f"task-{t}", arm, e, score)
        for t in range(tasks)
        for e in range(epochs)
        for arm, score in (("bare", bare), ("pack", pack))
    ]
    return write_run(tmp_path / "runs", records, run_id=name)


@pytest.mark.parametrize(
    ("tasks", "epochs", "why"),
    [
        (1, 1, "1 paired task, 1 epoch"),  # the newcomer's case: +1.000 [+1.000, +1.000]
        (3, 1, "3 paired tasks, 1 epoch"),
        (2, 3, "2 paired tasks, 3 epochs"),
    ],
)
def test_too_little_data_has_no_interval_and_no_verdict(tmp_path, tasks, epochs, why):
    report = build_report(run_with(tmp_path, tasks, epochs))
    assert report.uplift.verdict == "not enough data" and why in report.uplift.too_little

    table = " ".join(render(report, "table").split())  # the headline may wrap
    headline = table[table.index("Uplift of pack over bare") : table.index("Per task")]
    assert "verdict not enough data" in headline and f"+1.000 (no interval: {why}" in headline
    assert "[" not in headline

    md = render(report, "md")
    assert f"**+1.000 (no interval: {why}" in md and "verdict **not enough data**" in md
    assert "Mean paired difference in score: **+1.000 [" not in md

    data = json.loads(render(report, "json"))["uplift"]
    assert data["verdict"] == "not enough data" and why in data["too_little"]
    assert data["score"]["mean"] == 1.0 and data["score"]["low"] is data["score"]["high"] is None
    assert data["pass_rate"]["low"] is None

    html = render(report, "html")
    assert "not enough data" in html and f"no interval: {why}" in html
    assert "95% CI +1.000 – +1.000" not in html


def test_enough_data_keeps_the_interval_and_a_real_verdict(tmp_path):
    report = build_report(run_with(tmp_path, tasks=3, epochs=2))
    uplift = report.uplift
    assert uplift.too_little is None and uplift.verdict == "improved"
    assert "[+1.000, +1.000]" in render(report, "table")  # every pair differs by exactly 1
    assert json.loads(render(report, "json"))["uplift"]["score"]["low"] == 1.0


def test_a_tie_with_enough_data_is_tied_not_improved(tmp_path):
    report = build_report(run_with(tmp_path, tasks=3, epochs=2, bare=0.5, pack=0.5))
    assert report.uplift.verdict == "tied"


def test_compare_of_two_one_epoch_runs_has_no_interval(tmp_path):
    a = run_with(tmp_path, tasks=1, epochs=1, name="a")
    b = run_with(tmp_path, tasks=1, epochs=1, bare=1.0, name="b")
    comparison = compare_runs(a, b)
    table = render_comparison(comparison, "table")
    assert "not enough data" in table and "no interval" in " ".join(table.split())
    data = json.loads(render_comparison(comparison, "json"))
    assert all(p["diff"]["score"]["low"] is None for p in data["pairs"])
