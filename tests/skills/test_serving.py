"""make_schema.py + serve.py: valid requests are answered, bad ones get 4xx, never 500."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from .conftest import SKILLS

SCHEMA = ("model-serving", "scripts/make_schema.py")
SERVE = SKILLS / "model-serving" / "scripts" / "serve.py"


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 80, 200),
            "income": rng.normal(50, 10, 200),
            "plan": rng.choice(["basic", "pro"], 200),
        }
    )
    frame.loc[::10, "income"] = np.nan
    frame["churned"] = (frame["income"].fillna(50) < 50).astype(int)
    frame.to_csv(folder / "train.csv", index=False)
    features = make_column_transformer(
        (SimpleImputer(), ["age", "income"]), (OneHotEncoder(handle_unknown="ignore"), ["plan"])
    )
    model = make_pipeline(features, LogisticRegression()).fit(
        frame.drop(columns="churned"), frame["churned"]
    )
    joblib.dump(model, folder / "model.joblib")
    (folder / "broken.joblib").write_bytes(b"not a pickle")
    return folder


def start(folder, *extra):
    process = subprocess.Popen(
        [
            sys.executable,
            str(SERVE),
            "--schema",
            str(folder / "schema.json"),
            "--port",
            "0",
            "--max-batch",
            "3",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    line = process.stdout.readline()
    if not line:
        process.wait(timeout=10)
        return process, None
    return process, json.loads(line)


def call(url: str, path: str, body=None) -> tuple[int, dict]:
    data = body if isinstance(body, bytes) else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def service(artefacts):
    runner = subprocess.run(
        [
            sys.executable,
            str(SKILLS / SCHEMA[0] / SCHEMA[1]),
            "train.csv",
            "--target",
            "churned",
            "--out",
            "schema.json",
        ],
        cwd=artefacts,
        capture_output=True,
        text=True,
    )
    assert runner.returncode == 0, runner.stderr
    process, info = start(artefacts, "--model", str(artefacts / "model.joblib"))
    assert info is not None, process.stderr.read()
    yield info["url"]
    process.terminate()
    process.wait(timeout=10)


def test_schema_records_types_ranges_and_categories(artefacts, service):
    schema = json.loads((artefacts / "schema.json").read_text())
    assert schema["feature_order"] == ["age", "income", "plan"]
    assert schema["features"]["age"]["type"] == "integer"
    assert schema["features"]["income"]["required"] is False
    assert schema["features"]["plan"]["categories"] == ["basic", "pro"]


def test_health_ready_and_metadata(service):
    assert call(service, "/health") == (200, {"status": "ok"})
    status, ready = call(service, "/ready")
    assert status == 200 and ready["ready"] is True
    assert call(service, "/metadata")[1]["schema"]["target"] == "churned"


def test_valid_batch_gets_predictions_scores_and_warnings(service):
    rows = [
        {"age": 30, "income": 40.0, "plan": "pro"},
        {"age": 50, "income": None, "plan": "enterprise"},
    ]
    status, body = call(service, "/predict", {"instances": rows})
    assert status == 200
    assert len(body["predictions"]) == 2 and all(0 <= s <= 1 for s in body["scores"])
    assert body["warnings"] == [{"row": 1, "warning": "plan: unseen category 'enterprise'"}]


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        (b"{not json", 400, "not valid JSON"),
        ({"rows": []}, 422, "instances"),
        ({"instances": []}, 422, "empty"),
        ({"instances": [{"age": 1}] * 4}, 413, "limit is 3"),
        ({"instances": [{"age": "old", "plan": "pro", "colour": "red"}]}, 422, "invalid"),
        ({"instances": ["row"]}, 422, "invalid"),
    ],
)
def test_bad_requests_get_4xx_with_reasons(service, body, status, fragment):
    code, answer = call(service, "/predict", body)
    assert code == status
    assert fragment in answer["error"]


def test_field_errors_are_listed_one_by_one(service):
    _, answer = call(service, "/predict", {"instances": [{"age": "old", "colour": "red"}]})
    errors = {d["error"] for d in answer["details"]}
    assert errors == {"colour: unknown field", "age: expected a number, got str", "plan: required"}


def test_unknown_route_is_404(service):
    assert call(service, "/nope")[0] == 404


def test_broken_model_with_fallback_serves_degraded(artefacts, service):
    process, info = start(artefacts, "--model", str(artefacts / "broken.joblib"), "--fallback", "0")
    try:
        assert info["degraded"] is True
        assert call(info["url"], "/ready")[0] == 503
        status, body = call(
            info["url"], "/predict", {"instances": [{"age": 30, "income": 1.0, "plan": "pro"}]}
        )
        assert status == 200 and body["degraded"] is True and body["predictions"] == [0]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_broken_model_without_fallback_refuses_to_start(artefacts, service):
    process, info = start(artefacts, "--model", str(artefacts / "broken.joblib"))
    assert info is None and process.returncode == 2
    error = process.stderr.read()
    assert "cannot load model" in error and "Traceback" not in error


def test_schema_bad_input_fails_cleanly(run):
    run.fails(*SCHEMA, "missing.csv", words=("not found",))
