"""run_manifest.py records and verifies provenance; registry.py gates promotion and rolls back."""

import json
import os
import subprocess

import pytest

MANIFEST = ("experiment-tracking", "scripts/run_manifest.py")
REGISTRY = ("experiment-tracking", "scripts/registry.py")


def git(cwd, *args):
    subprocess.run(
        ["git", "-c", "user.email=t@t", "-c", "user.name=t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def project(tmp_path):
    (tmp_path / "train.csv").write_text("x,y\n1,0\n2,1\n")
    (tmp_path / "config.json").write_text(json.dumps({"lr": 0.1, "depth": 3}))
    (tmp_path / "metrics.json").write_text(json.dumps({"pr_auc": 0.61}))
    (tmp_path / "model.bin").write_bytes(b"weights")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "config.json")
    git(tmp_path, "commit", "-q", "-m", "config")
    return tmp_path


def test_manifest_records_provenance_and_verifies(run, project):
    manifest = run.json(
        *MANIFEST,
        "write",
        "--out",
        "runs/r1/manifest.json",
        "--data",
        "train.csv",
        "--config",
        "config.json",
        "--metrics",
        "metrics.json",
        "--artifact",
        "model.bin",
        "--param",
        "model=hgb",
        "--seed",
        "7",
        "--command",
        "python train.py",
    )
    assert manifest["git"]["available"] is True and len(manifest["git"]["commit"]) == 40
    assert manifest["git"]["dirty"] is True  # untracked data and model files
    assert manifest["config"] == {"lr": 0.1, "depth": 3}
    assert manifest["metrics"] == {"pr_auc": 0.61}
    assert manifest["params"] == {"model": "hgb"} and manifest["seed"] == 7
    assert len(manifest["data"][0]["sha256"]) == 64
    assert "numpy" in manifest["environment"]["packages"]
    on_disk = json.loads((project / "runs/r1/manifest.json").read_text())
    assert on_disk["run_id"] == manifest["run_id"]
    assert run.json(*MANIFEST, "verify", "runs/r1/manifest.json")["ok"] is True


def test_verify_reports_changed_data(run, project):
    run.json(*MANIFEST, "write", "--out", "m.json", "--data", "train.csv")
    (project / "train.csv").write_text("x,y\n1,1\n")
    report = run.json(*MANIFEST, "verify", "m.json", expect=3)
    assert report["changed"] == [{"path": "train.csv", "problem": "content changed"}]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["write", "--out", "m.json", "--data", "nope.csv"], ["not found"]),
        (["write", "--out", "m.json", "--param", "novalue"], ["KEY=VALUE"]),
        (["verify", "missing.json"], ["not found"]),
    ],
)
def test_manifest_bad_input_fails_cleanly(run, project, args, words):
    run.fails(*MANIFEST, *args, words=tuple(words))


def register(run, project, auc: float, eval_set: str = "e1") -> int:
    (project / "metrics.json").write_text(json.dumps({"pr_auc": auc, "eval_sha256": eval_set}))
    return run.json(
        *REGISTRY,
        "register",
        "--registry",
        "reg",
        "--model",
        "churn",
        "--artifact",
        "model.bin",
        "--metrics",
        "metrics.json",
    )["version"]


def test_promotion_gate_and_rollback(run, project):
    versions = [register(run, project, auc) for auc in (0.60, 0.59, 0.64)]
    assert versions == [1, 2, 3]
    base = ["--registry", "reg", "--model", "churn"]
    gate = ["--metric", "pr_auc", "--min-delta", "0.01"]
    assert run.json(*REGISTRY, "promote", *base, "--version", "1", *gate)["promoted"] is True
    rejected = run.json(*REGISTRY, "promote", *base, "--version", "2", *gate, expect=3)
    assert rejected["promoted"] is False and rejected["production"] == 1
    assert run.json(*REGISTRY, "promote", *base, "--version", "3", *gate)["production"] == 3
    assert run.json(*REGISTRY, "rollback", *base, "--reason", "latency")["production"] == 1
    status = run.json(*REGISTRY, "status", *base)
    assert status["production"] == 1
    assert [h["action"] for h in status["history"]] == ["promote", "promote", "rollback"]
    assert (project / "reg/churn/versions/3/model.bin").read_bytes() == b"weights"
    run.fails(*REGISTRY, "rollback", *base, words=("no earlier production",))


def test_registry_bad_input_fails_cleanly(run, project):
    run.fails(
        *REGISTRY,
        "register",
        "--registry",
        "reg",
        "--model",
        "m",
        "--artifact",
        "ghost.bin",
        "--metrics",
        "metrics.json",
        words=("ghost.bin",),
    )
    run.fails(
        *REGISTRY,
        "promote",
        "--registry",
        "reg",
        "--model",
        "m",
        "--version",
        "9",
        "--metric",
        "pr_auc",
        words=("not registered",),
    )


BASE = ["--registry", "reg", "--model", "churn"]


def test_promoting_the_production_version_again_is_refused(run, project):
    """D6: a duplicate promotion passed the gain >= 0 gate, then rollback was a no-op."""
    register(run, project, 0.60)
    register(run, project, 0.70)
    gate = ["--metric", "pr_auc"]
    run.json(*REGISTRY, "promote", *BASE, "--version", "1", *gate)
    run.json(*REGISTRY, "promote", *BASE, "--version", "2", *gate)
    run.fails(
        *REGISTRY, "promote", *BASE, "--version", "2", *gate, words=("already in production",)
    )
    rolled = run.json(*REGISTRY, "rollback", *BASE)
    assert rolled == {"model": "churn", "production": 1, "rolled_back_from": 2}


def test_rollback_skips_repeats_in_an_old_history(run, project):
    """D6: histories written by the old script can hold [1, 2, 2]; roll back to 1, not 2."""
    register(run, project, 0.60)
    register(run, project, 0.70)
    history = [
        {"at": "t", "action": "promote", "from": None, "to": 1, "reason": ""},
        {"at": "t", "action": "promote", "from": 1, "to": 2, "reason": ""},
        {"at": "t", "action": "promote", "from": 2, "to": 2, "reason": ""},
    ]
    state = {"production": 2, "history": history}
    (project / "reg/churn/state.json").write_text(json.dumps(state))
    assert run.json(*REGISTRY, "rollback", *BASE)["production"] == 1


def test_a_tie_is_not_an_improvement(run, project):
    register(run, project, 0.60)
    register(run, project, 0.60)
    run.json(*REGISTRY, "promote", *BASE, "--version", "1", "--metric", "pr_auc")
    tie = run.json(*REGISTRY, "promote", *BASE, "--version", "2", "--metric", "pr_auc", expect=3)
    assert tie["promoted"] is False and tie["production"] == 1


def test_stored_metrics_from_different_eval_sets_are_not_compared(run, project):
    """T16: an unpaired comparison of numbers from different rows is no gate."""
    register(run, project, 0.60, eval_set="e1")
    register(run, project, 0.90, eval_set="e2")
    run.json(*REGISTRY, "promote", *BASE, "--version", "1", "--metric", "pr_auc")
    refused = run.json(
        *REGISTRY, "promote", *BASE, "--version", "2", "--metric", "pr_auc", expect=3
    )
    assert "different or unrecorded eval sets" in refused["gate"]


def nested_metrics(project, name: str, value: float) -> None:
    report = {"metrics": {"pr_auc": {"value": value, "ci95": [value - 0.02, value + 0.02]}}}
    (project / name).write_text(json.dumps({**report, "eval_sha256": "e1"}))


def test_dotted_metric_paths_read_eval_report_output(run, project):
    """D7: eval_report.py nests metrics.pr_auc.value; the registry rejected it."""
    for number, value in ((1, 0.60), (2, 0.66)):
        nested_metrics(project, f"m{number}.json", value)
        run.json(
            *REGISTRY, "register", *BASE, "--artifact", "model.bin", "--metrics", f"m{number}.json"
        )
    gate = ["--metric", "metrics.pr_auc.value", "--min-delta", "0.01"]
    run.json(*REGISTRY, "promote", *BASE, "--version", "1", *gate)
    assert run.json(*REGISTRY, "promote", *BASE, "--version", "2", *gate)["production"] == 2
    run.fails(
        *REGISTRY,
        "promote",
        *BASE,
        "--version",
        "1",
        "--metric",
        "metrics.pr_auc",
        words=("not a number",),
    )


@pytest.mark.parametrize(("ci", "promoted"), [([0.012, 0.05], True), ([-0.004, 0.05], False)])
def test_paired_gate_uses_the_lower_bound_of_the_difference(run, project, ci, promoted):
    register(run, project, 0.60)
    register(run, project, 0.62, eval_set="other")
    run.json(*REGISTRY, "promote", *BASE, "--version", "1", "--metric", "pr_auc")
    row = {"score": 0.60, "compare": 0.62, "compare_minus_score": 0.02, "ci95": ci}
    (project / "compare.json").write_text(json.dumps({"comparison": {"pr_auc": row}}))
    gate = ["--metric", "pr_auc", "--paired", "compare.json", "--min-delta", "0.01"]
    result = run.json(
        *REGISTRY, "promote", *BASE, "--version", "2", *gate, expect=0 if promoted else 3
    )
    assert result["promoted"] is promoted and "paired pr_auc" in result["gate"]


def test_manifest_verifies_from_another_directory(run, project, tmp_path_factory):
    """D9: paths were resolved against the CWD, so verify elsewhere said 'missing'."""
    run.json(*MANIFEST, "write", "--out", "runs/r1/manifest.json", "--data", "train.csv")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    from .conftest import ScriptRunner

    report = ScriptRunner(elsewhere).json(
        *MANIFEST, "verify", str(project / "runs/r1/manifest.json")
    )
    assert report["ok"] is True and report["files_checked"] == 1


def python_3_10() -> str | None:
    """A working Python 3.10 interpreter (PATH, then pyenv's), or None."""
    import glob
    import shutil

    candidates = [
        shutil.which("python3.10"),
        *glob.glob(os.path.expanduser("~/.pyenv/versions/3.10*/bin/python3.10")),
    ]
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "pass"], capture_output=True)
        if probe.returncode == 0:
            return candidate
    return None


@pytest.mark.parametrize("script", ["run_manifest.py", "registry.py"])
def test_scripts_run_on_python_3_10(script, run, project):
    """D8/T9: the compatibility field says 3.10+; datetime.UTC is 3.11+ only."""
    from .conftest import SKILLS

    interpreter = python_3_10()
    if interpreter is None:
        pytest.skip("no Python 3.10 interpreter on this machine")
    path = SKILLS / "experiment-tracking" / "scripts" / script
    args = (
        ["write", "--out", "m.json", "--data", "train.csv"]
        if script == "run_manifest.py"
        else ["register", *BASE, "--artifact", "model.bin", "--metrics", "metrics.json"]
    )
    result = subprocess.run(
        [interpreter, str(path), *args], capture_output=True, text=True, cwd=project
    )
    assert result.returncode == 0, result.stderr
