"""Report numbers on hand-made records (known answers) and on real oracle / nop / command runs."""

from __future__ import annotations

import pytest
from fakes.synthetic_run import trial, write_run

from mlskills.errors import MlskillsError
from mlskills.report import build_report, render
from mlskills.runner import RunConfig, start_run
from mlskills.schema import Usage

SOLVE_DOUBLE = 'awk -F, \'NR == 1 {print "id,y"; next} {print $1 "," $2 * 2}\' '
SOLVE_DOUBLE += "data/numbers.csv > answers.csv"


def handmade(tmp_path, **meta):
    usage = Usage(100, 10, 50, 5, 0.5)
    records = [
        trial("a", "bare", 0, 0.2, usage=usage, metric=0.1, wall_seconds=10),
        trial("a", "bare", 1, 0.4, usage=usage, metric=0.3, wall_seconds=20),
        trial("a", "bare", 2, None, status="error", error="API down", usage=usage),
        trial("a", "pack", 0, 1.0),
        trial("a", "pack", 1, 0.8),
        trial("a", "pack", 2, 0.6, status="timeout", limit="agent_timeout"),
        trial("b", "bare", 0, 0.9),
        trial("b", "bare", 1, 0.9),
        trial("b", "bare", 2, 0.9),
        trial("b", "pack", 0, 0.5),
        trial("b", "pack", 1, 0.4),
        trial("b", "pack", 2, 0.3),
    ]
    return write_run(tmp_path, records, **meta)


def test_cells_exclude_errors_and_count_everything(tmp_path):
    report = build_report(handmade(tmp_path))
    cell = report.cell("a", "bare")
    assert cell.trials == 3 and cell.scored == 2
    assert cell.status == {"completed": 2, "timeout": 0, "limit": 0, "error": 1}
    assert cell.mean_score == pytest.approx(0.3)
    assert cell.pass_rate == 0.0
    assert cell.pass_at_k is None  # 2 scored trials cannot estimate pass@3
    assert cell.mean_metric == pytest.approx(0.2)
    assert cell.tokens == {"input": 100, "output": 10, "cache_read": 50, "cache_write": 5}
    assert cell.cost == pytest.approx(1.5) and cell.mean_wall_seconds == pytest.approx(10)
    pack = report.cell("a", "pack")
    assert pack.status["timeout"] == 1 and pack.mean_score == pytest.approx(0.8)  # timeout scored
    assert (pack.pass_at_k, pack.pass_hat_k) == (1.0, 1.0)
    assert report.cell("b", "pack").pass_at_k == 1.0  # one pass in three
    assert report.cell("b", "pack").pass_hat_k == 0.0


def test_arms_weigh_tasks_equally_with_intervals(tmp_path):
    report = build_report(handmade(tmp_path))
    bare, pack = report.arms
    assert (bare.arm, pack.arm) == ("bare", "pack")
    assert bare.score.mean == pytest.approx((0.3 + 0.9) / 2)
    assert bare.score.low <= bare.score.mean <= bare.score.high
    assert (bare.tasks, bare.trials, bare.scored, bare.status["error"]) == (2, 6, 5, 1)
    assert bare.pass_rate.mean == pytest.approx((0 + 1) / 2)
    assert bare.pass_k_tasks == 1 and pack.pass_k_tasks == 2
    assert bare.tokens["cache_read"] == 150 and bare.cost == pytest.approx(1.5)


def test_uplift_is_pack_over_bare_with_regressions_first(tmp_path):
    uplift = build_report(handmade(tmp_path)).uplift
    assert (uplift.treatment, uplift.baseline) == ("pack", "bare")
    assert [d.task for d in uplift.tasks] == ["b", "a"]  # b regressed, listed first
    assert uplift.tasks[0].diff == pytest.approx(0.4 - 0.9)
    assert uplift.tasks[1].diff == pytest.approx(0.8 - 0.3)
    assert uplift.counts == {"improved": 1, "regressed": 1, "tied": 0, "uncertain": 0}
    assert uplift.score.mean == pytest.approx(0.0)
    assert uplift.score.low < 0 < uplift.score.high


def test_one_trial_per_side_has_no_interval(tmp_path):
    records = [trial("a", "bare", 0, 1.0), trial("a", "pack", 0, 0.0)]
    report = build_report(write_run(tmp_path, records))
    (row,) = report.uplift.tasks
    assert (row.diff, row.low, row.high) == (-1.0, None, None)
    assert row.verdict == "regressed"  # no interval: the threshold alone decides
    md = render(report, "md")
    assert "| a | 1.000 | 0.000 | -1.000 — | regressed |" in md


def test_a_difference_whose_interval_spans_zero_is_uncertain(tmp_path):
    bare = [trial("a", "bare", e, s) for e, s in enumerate([0.0, 1.0, 0.0, 1.0])]
    pack = [trial("a", "pack", e, s) for e, s in enumerate([1.0, 0.0, 1.0, 1.0])]
    uplift = build_report(write_run(tmp_path, bare + pack)).uplift
    (row,) = uplift.tasks
    assert row.diff == pytest.approx(0.25)
    assert row.low < 0 < row.high and row.verdict == "uncertain"
    assert uplift.counts == {"improved": 0, "regressed": 0, "tied": 0, "uncertain": 1}
    assert "1 uncertain" in render(build_report(write_run(tmp_path, bare + pack, "x")), "md")


def test_uplift_arms_can_be_chosen(tmp_path):
    path = handmade(tmp_path)
    flipped = build_report(path, treatment="bare", baseline="pack").uplift
    assert (flipped.treatment, flipped.baseline) == ("bare", "pack")
    assert build_report(path, baseline="pack").uplift.treatment == "bare"
    with pytest.raises(MlskillsError, match="not in this run"):
        build_report(path, treatment="subset")
    with pytest.raises(MlskillsError, match="different arms"):
        build_report(path, treatment="bare", baseline="bare")


def test_first_two_arms_without_pack_and_bare(tmp_path):
    records = [trial("a", "x", 0, 0.1), trial("a", "y", 0, 0.6), trial("a", "z", 0, 0.9)]
    uplift = build_report(write_run(tmp_path, records)).uplift
    assert (uplift.treatment, uplift.baseline) == ("y", "x")
    one_arm = build_report(write_run(tmp_path, records[:1], run_id="one"))
    assert one_arm.uplift is None


def test_notices_for_sandbox_interruption_and_errors(tmp_path):
    report = build_report(handmade(tmp_path, sandbox="local", status="interrupted"))
    titles = [n.title for n in report.notices]
    assert titles[0].startswith("Local sandbox") or titles[1].startswith("Local sandbox")
    assert "Run interrupted" in titles
    errors = next(n for n in report.notices if "errored" in n.title)
    assert errors.level == "warn" and errors.title == "1 of 12 trials errored (8%)"
    assert "API down" in errors.text


def test_few_errors_are_info_and_none_are_silent(tmp_path):
    records = [trial("a", "bare", e, 1.0) for e in range(20)]
    clean = build_report(write_run(tmp_path, records, run_id="clean"))
    assert not [n for n in clean.notices if "errored" in n.title]
    records[0] = trial("a", "bare", 0, None, status="error")
    report = build_report(write_run(tmp_path, records, run_id="one-error"))
    notice = next(n for n in report.notices if "errored" in n.title)
    assert notice.level == "info"  # 1 of 20 is 5%, not above it


def test_not_a_run_and_empty_run(tmp_path):
    with pytest.raises(MlskillsError, match="not a run folder"):
        build_report(tmp_path)
    path = write_run(tmp_path, [trial("a", "bare", 0, 1.0)])
    (path / "trials.jsonl").write_text("")
    with pytest.raises(MlskillsError, match="no finished trials"):
        build_report(path)


def real_run(tmp_path, evals, agent, **overrides):
    config = RunConfig(
        agent=agent,
        task_ids=overrides.pop("task_ids", ["double", "double-exec"]),
        sandbox="local",
        evals=str(evals),
        cache_dir=str(tmp_path / "cache"),
        **overrides,
    )
    return start_run(config, tmp_path / "runs").run.path


def test_report_of_real_oracle_and_nop_runs(tmp_path, fixture_evals):
    oracle = build_report(real_run(tmp_path, fixture_evals, "oracle", epochs=2))
    nop = build_report(real_run(tmp_path, fixture_evals, "nop", epochs=2))
    assert oracle.arms[0].score.mean == 1.0 and oracle.arms[0].pass_at_k == 1.0
    assert nop.arms[0].score.mean == 0.0 and nop.arms[0].pass_rate.mean == 0.0
    assert oracle.notices[0].title.startswith("Local sandbox")
    assert len(oracle.trials) == 4 and oracle.k == 2


def test_report_of_a_scripted_partial_agent_with_two_arms(tmp_path, fixture_evals):
    """Solves only when the data's checksum is even: some seeds pass, some do not."""
    checksum = "$(cksum < data/numbers.csv | cut -d' ' -f1)"
    script = f"if [ $(( {checksum} % 2 )) = 0 ]; then {SOLVE_DOUBLE}; fi"
    path = real_run(
        tmp_path,
        fixture_evals,
        "command",
        task_ids=["double", "broken-grader"],
        arms=["bare", "pack"],
        epochs=4,
        agent_options={"command": script},
    )
    report = build_report(path)
    cell = report.cell("double", "bare")
    scores = sorted(cell.scores)
    assert cell.scored == 4 and scores[0] == 0.0 and scores[-1] == 1.0  # partial, by seed
    assert report.cell("double", "pack").scores == cell.scores  # same seeds, same outcome
    assert report.uplift.counts["tied"] == 1
    broken = report.cell("broken-grader", "bare")
    assert broken.status["error"] == 4 and broken.mean_score is None
    assert any("errored" in n.title and n.level == "warn" for n in report.notices)
