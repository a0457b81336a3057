"""`mlskills validate` warns about graders that let the code under test steer its grade,
and refuses graders that import from mlskills (their API is ctx alone)."""

from __future__ import annotations

import shutil
from pathlib import Path

from mlskills.cli import main
from mlskills.grading.lint import grader_imports, lint_grader

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
    assert not any("harness internals" in m for m in found)  # an error, reported apart


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
    no_import = PROBE_BESIDE_AGENT.replace("from mlskills.grading.predictions import read_json", "")
    (evals / "tasks" / "model-serving" / "grader.py").write_text(no_import)
    code = main(["validate", "--evals", str(evals)])
    out = capsys.readouterr()
    assert code == 0, out
    assert "model-serving/grader.py" in out.err and "own script .probe/probe.py" in out.err


IMPORTS = """
import json
import mlskills
import mlskillsish
from . import helper
from mlskills.grading.predictions import read_json

def grade(ctx):
    import mlskills.fsafe as fsafe
    return ctx.fail("x", "y")
"""


def test_every_import_from_mlskills_is_an_error_and_nothing_else_is(tmp_path):
    grader = tmp_path / "grader.py"
    grader.write_text(IMPORTS)
    found = grader_imports(grader)
    assert sorted(p.field for p in found) == ["line 3", "line 6", "line 9"]
    assert all(not p.message.startswith("warning") for p in found)
    assert {"mlskills", "mlskills.grading.predictions", "mlskills.fsafe"} == {
        p.message.split("(")[1].rstrip(")") for p in found
    }
    grader.write_text(SAFE)
    assert grader_imports(grader) == []


def test_no_bundled_grader_imports_from_mlskills():
    for grader in sorted((EVALS / "tasks").glob("*/grader.py")):
        assert grader_imports(grader) == [], grader


def test_validate_fails_on_a_grader_that_imports_internals(tmp_path, capsys):
    evals = tmp_path / "evals"
    shutil.copytree(EVALS, evals)
    grader = evals / "tasks" / "churn-imbalanced" / "grader.py"
    grader.write_text(
        "from mlskills.grading.predictions import finite_number\n" + grader.read_text()
    )
    code = main(["validate", "--evals", str(evals)])
    out = capsys.readouterr()
    assert code == 1, out
    assert "churn-imbalanced/grader.py: line 1: the grader imports harness internals" in out.out
