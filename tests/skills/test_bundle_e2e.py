"""One model bundle, end to end, every step a real subprocess: train -> eval -> bundle ->
schema -> contract -> batch predict -> serve -> register -> paired promote -> rollback."""

import json
import os
import subprocess
import sys
import urllib.request

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

from .conftest import SKILLS, ScriptRunner

BUNDLE = ("model-serving", "scripts/bundle.py")
SCHEMA = ("model-serving", "scripts/make_schema.py")
CONTRACT = ("model-serving", "scripts/check_contract.py")
PREDICT = ("model-serving", "assets/predict.py")
EVAL = ("model-evaluation", "scripts/eval_report.py")
REGISTRY = ("experiment-tracking", "scripts/registry.py")


def make_rows(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "id": np.arange(n) + 10_000 * seed,
            "age": rng.integers(18, 80, n),
            "income": rng.normal(50, 10, n).round(2),
            "plan": rng.choice(["basic", "pro", "team"], n),
            "note": rng.choice(["refund please", "great service", "slow app", "cancel now"], n),
        }
    )
    frame.loc[::9, "income"] = np.nan
    frame.loc[::11, "note"] = np.nan
    signal = (
        (frame["income"].fillna(50) - 50) / 10
        + 1.5 * frame["note"].fillna("").str.contains("cancel|refund")
        + (frame["plan"] == "basic")
    )
    frame["churned"] = (signal + rng.normal(0, 0.7, n) > 1.0).astype(int)
    return frame


def text_step():
    return make_pipeline(
        SimpleImputer(strategy="constant", fill_value=""),
        FunctionTransformer(np.ravel, feature_names_out="one-to-one"),
        TfidfVectorizer(),
    )


def fit(train: pd.DataFrame, full: bool):
    """v1 sees only age (weak); v2 sees everything (clearly better on the same rows)."""
    parts = [("num", SimpleImputer(), ["age", "income"] if full else ["age"])]
    if full:
        parts += [
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["plan"]),
            ("txt", text_step(), ["note"]),
        ]
    features = ColumnTransformer(parts)
    X = train[["age", "income", "plan", "note"]]
    return make_pipeline(features, LogisticRegression(max_iter=1000)).fit(X, train["churned"])


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e")
    train, test = make_rows(600, seed=1), make_rows(500, seed=2)
    train.to_csv(folder / "train.csv", index=False)
    test.to_csv(folder / "test.csv", index=False)
    run = ScriptRunner(folder)
    X_test = test[["age", "income", "plan", "note"]]
    scores = {}
    for version, full in (("v1", False), ("v2", True)):
        model = fit(train, full)
        joblib.dump(model, folder / f"{version}.joblib")
        scores[version] = model.predict_proba(X_test)[:, 1]
    preds = pd.DataFrame({"y": test["churned"], "v1": scores["v1"], "v2": scores["v2"]})
    preds.to_csv(folder / "preds.csv", index=False)
    common = ["preds.csv", "--y-true", "y", "--n-boot", "200"]
    for version in ("v1", "v2"):
        report = run.json(*EVAL, *common, "--score", version)
        (folder / f"eval_{version}.json").write_text(json.dumps(report))
    compare = run.json(*EVAL, *common, "--score", "v1", "--compare", "v2")
    (folder / "compare.json").write_text(json.dumps(compare))
    for version in ("v1", "v2"):
        run.json(
            *BUNDLE, "write", "--model", f"{version}.joblib", "--train", "train.csv",
            "--target", "churned", "--drop", "id", "--eval", "test.csv",
            "--metrics", f"eval_{version}.json", "--threshold", "0.35",
            "--out", f"bundle_{version}",
        )  # fmt: skip
        run.json(*SCHEMA, "train.csv", "--bundle", f"bundle_{version}")
    return folder, run


def test_bundle_records_the_contract(workspace):
    folder, run = workspace
    manifest = json.loads((folder / "bundle_v2" / "bundle.json").read_text())
    assert [f["name"] for f in manifest["features"]] == ["age", "income", "plan", "note"]
    assert manifest["task"] == "binary" and manifest["threshold"] == 0.35
    assert manifest["positive_label"] == 1
    assert manifest["versions"]["scikit-learn"]
    assert len(manifest["data"]["eval"]["sha256"]) == 64
    assert manifest["metrics"]["metrics"]["pr_auc"]["value"] > 0
    schema = json.loads((folder / "bundle_v2" / "schema.json").read_text())
    assert schema["feature_order"] == ["age", "income", "plan", "note"]
    assert run.json(*BUNDLE, "check", "bundle_v2")["ok"] is True


def test_contract_passes_the_test_batch_and_stops_a_broken_one(workspace):
    folder, run = workspace
    schema = "bundle_v2/schema.json"
    assert run.json(*CONTRACT, "--schema", schema, "--data", "test.csv")["ok"] is True
    broken = pd.read_csv(folder / "test.csv")
    broken["income"] = np.nan  # a broken join
    broken["plan"] = "enterprise"
    broken.drop(columns="note").to_csv(folder / "broken.csv", index=False)
    report = run.json(*CONTRACT, "--schema", schema, "--data", "broken.csv", expect=3)
    assert report["missing_columns"] == ["note"]
    assert set(report["violations"]) == {"income", "plan"}


def test_batch_predict_applies_the_bundle_threshold(workspace):
    folder, run = workspace
    run.json(*PREDICT, "--bundle", "bundle_v2", "--input", "test.csv", "--output", "out.csv")
    out = pd.read_csv(folder / "out.csv")
    model = joblib.load(folder / "v2.joblib")
    test = pd.read_csv(folder / "test.csv")
    expected = model.predict_proba(test[["age", "income", "plan", "note"]])[:, 1]
    assert np.allclose(out["score"], expected)
    assert (out["label"] == (expected >= 0.35).astype(int)).all()
    assert (out["id"] == test["id"]).all()


def test_service_warms_up_and_answers_with_the_bundle_threshold(workspace):
    folder, _ = workspace
    serve = SKILLS / "model-serving" / "scripts" / "serve.py"
    process = subprocess.Popen(
        [sys.executable, str(serve), "--model", str(folder / "bundle_v2"), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    try:
        info = json.loads(process.stdout.readline())
        assert get(info["url"] + "/ready")[0] == 200
        row = {"age": 30, "income": 20.0, "plan": "basic", "note": "cancel now"}
        status, body = post(info["url"] + "/predict", {"instances": [row]})
        assert status == 200 and body["threshold"] == 0.35
        assert body["predictions"] == [int(body["scores"][0] >= 0.35)]
        metadata = get(info["url"] + "/metadata")[1]
        assert metadata["bundle"]["task"] == "binary"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_register_paired_promote_refuse_duplicate_and_roll_back(workspace):
    folder, run = workspace
    base = ["--registry", "reg", "--model", "churn"]
    for version in ("v1", "v2"):
        run.json(*REGISTRY, "register", *base, "--bundle", f"bundle_{version}")
    gate = ["--metric", "metrics.pr_auc.value"]
    assert run.json(*REGISTRY, "promote", *base, "--version", "1", *gate)["production"] == 1
    promoted = run.json(
        *REGISTRY, "promote", *base, "--version", "2", *gate, "--paired", "compare.json",
        "--min-delta", "0.01",
    )  # fmt: skip
    assert promoted["promoted"] is True and "paired pr_auc" in promoted["gate"]
    run.fails(*REGISTRY, "promote", *base, "--version", "2", *gate, words=("already",))
    assert run.json(*REGISTRY, "rollback", *base)["production"] == 1
    run.fails(*REGISTRY, "rollback", *base, words=("no earlier production",))
    copied = folder / "reg" / "churn" / "versions" / "2" / "bundle_v2" / "bundle.json"
    assert copied.is_file()


def test_a_tampered_model_file_is_refused_everywhere(workspace):
    folder, run = workspace
    import shutil

    shutil.copytree(folder / "bundle_v1", folder / "tampered")
    shutil.copy2(folder / "v2.joblib", folder / "tampered" / "model.joblib")
    assert run.json(*BUNDLE, "check", "tampered", expect=3)["ok"] is False
    run.fails(*PREDICT, "--bundle", "tampered", "--input", "test.csv", "--output", "x.csv")
    serve = SKILLS / "model-serving" / "scripts" / "serve.py"
    result = subprocess.run(
        [sys.executable, str(serve), "--model", str(folder / "tampered"), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "does not match the hash" in result.stderr
