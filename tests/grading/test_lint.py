"""`mlskills validate` warns about graders that let the code under test steer its grade,
and refuses graders that import from mlskills (their API is ctx alone)."""

from __future__ import annotations

import shutil
from pathlib import Path

from mlskills.cli import main
from mlskills.grading.lint import grader_errors, lint_grader

EVALS = Path(__file__).resolve().parents[2] / "evals"

PROBE_BESIDE_AGENT = """
def grade(ctx):
    inputs = {".probe/probe.py": ctx.task.path / "probe.py", ".probe/plan.json": ctx.hidden / "p"}
    run = ctx.exec("python .probe/probe.py", inputs=inputs)
    results, check = run.read_json(".probe/results.json", "probe")
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
    (evals / "tasks" / "model-serving" / "grader.py").write_text(PROBE_BESIDE_AGENT)
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
    found = grader_errors(grader)
    assert sorted(p.field for p in found) == ["line 3", "line 6", "line 9"]
    assert all(not p.message.startswith("warning") for p in found)
    assert {"mlskills", "mlskills.grading.predictions", "mlskills.fsafe"} == {
        p.message.split("(")[1].rstrip(")") for p in found
    }
    grader.write_text(SAFE)
    assert grader_errors(grader) == []


def test_no_bundled_grader_goes_around_ctx():
    for grader in sorted((EVALS / "tasks").glob("*/grader.py")):
        assert grader_errors(grader) == [], grader


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


DIRECT = """
def grade(ctx):
    if not ctx.path("predict.py").is_file():
        return ctx.fail("predict.py", "missing")
    run = ctx.exec("python predict.py")
    text = open(run.path("out.csv")).read()
    size = run.path("out.csv").stat().st_size
    here = ctx.task.path / "notes.txt"
    return ctx.grade(1.0 if here.exists() and ctx.is_file("x") and run.is_file("y") else 0.0, [])
"""


def test_touching_an_agent_path_directly_is_an_error(tmp_path):
    """pathlib follows links (as root); the ctx and run methods never do."""
    grader = tmp_path / "grader.py"
    grader.write_text(DIRECT)
    found = grader_errors(grader)
    assert sorted(p.field for p in found) == ["line 3", "line 6", "line 7"]
    assert all("follow" in p.fix for p in found)


ROOTS = """
import os

def grade(ctx):
    run = ctx.exec("bash rollback.sh")
    for folder, dirs, files in os.walk(ctx.workspace / "registry"):
        pass
    same = (run.workdir / "x").read_bytes() == b""
    fine = run.tree_digest("registry/models").value == ctx.tree_digest("registry/models").value
    return ctx.grade(1.0 if same and fine else 0.0, [])
"""


def test_taking_the_root_of_an_agent_tree_is_an_error(tmp_path):
    """ctx.workspace and run.workdir lead to os.walk and pathlib, which follow links."""
    grader = tmp_path / "grader.py"
    grader.write_text(ROOTS)
    found = grader_errors(grader)
    assert sorted(p.field for p in found) == ["line 6", "line 8"]
    assert all("tree_digest" in p.fix for p in found)
