"""run_manifest.py records and verifies provenance; registry.py gates promotion and rolls back."""

import json
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


def register(run, project, auc: float) -> int:
    (project / "metrics.json").write_text(json.dumps({"pr_auc": auc}))
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
