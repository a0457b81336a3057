"""`mlskills validate` warns about graders that let the code under test steer its grade."""

from __future__ import annotations

import shutil
from pathlib import Path

from mlskills.cli import main
from mlskills.grading.lint import lint_grader

EVALS = Path(__file__).resolve().parents[2] / "evals"

PROBE_BESIDE_AGENT = """
from mlskills.grading.predictions import read_json

def grade(ctx):
    inputs = {".probe/probe.py": ctx.task.path / "probe.py", ".probe/plan.json": ctx.hidden / "p"}
    run = ctx.exec("python .probe/probe.py", inputs=inputs)
    results, check = read_json(run.path(".probe/results.json"), run.workdir, "probe")
    return ctx.grade(results["score"], [check])
"""

REPORTED_NUMBER = """
def grade(ctx):
    run = ctx.exec("python train.py", inputs={"driver.sh": ctx.task.path / "driver.sh"})
    report, check = run.read_json("out/report.json")
    return ctx.grade(ctx.number(report, "accuracy"), [check])
"""

SAFE = """
def grade(ctx):
    run = ctx.exec("python predict.py x.csv out.csv", inputs={"x.csv": ctx.hidden / "x.csv"})
    if gate := run.failed_gate("predict.py runs"):
        return ctx.grade(None, [gate])
    preds = run.read_predictions("out.csv", id_column="id", columns={"p": "label"},
                                 expected_ids=[1])
    metrics, _ = run.read_json("out/metrics.json")
    return ctx.grade(1.0, [preds.check])
"""


def warnings(tmp_path: Path, source: str) -> list[str]:
    grader = tmp_path / "grader.py"
    grader.write_text(source)
    return [p.message for p in lint_grader(grader)]


def test_a_probe_run_beside_agent_code_and_its_results_file_are_flagged(tmp_path):
    found = warnings(tmp_path, PROBE_BESIDE_AGENT)
    assert any("own script .probe/probe.py" in m for m in found)
    assert any(".probe/results.json as a measurement" in m for m in found)
    assert any("harness internals" in m for m in found)


def test_a_staged_driver_and_a_reported_number_are_flagged(tmp_path):
    found = warnings(tmp_path, REPORTED_NUMBER)
    assert any("own script" in m and "driver.sh" in m for m in found)
    assert any("out/report.json as a measurement" in m for m in found)


def test_the_safe_pattern_is_not_flagged(tmp_path):
    assert warnings(tmp_path, SAFE) == []


def test_the_redesigned_tasks_pass_the_lint():
    for task in ("model-serving", "torch-reproducible-resume"):
        assert lint_grader(EVALS / "tasks" / task / "grader.py") == []


def test_validate_prints_warnings_without_failing(tmp_path, capsys):
    evals = tmp_path / "evals"
    shutil.copytree(EVALS, evals)
    (evals / "tasks" / "model-serving" / "grader.py").write_text(PROBE_BESIDE_AGENT)
    code = main(["validate", "--evals", str(evals)])
    out = capsys.readouterr()
    assert code == 0, out
    assert "model-serving/grader.py" in out.err and "own script .probe/probe.py" in out.err
