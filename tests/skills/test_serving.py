"""make_schema.py + serve.py: valid requests are answered, bad ones get 4xx, never 500."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

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
HERE = Path(__file__).resolve().parent  # slow_model.py is imported from here by the server


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
        env={**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(HERE)},
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


def raw_exchange(url: str, payload: bytes) -> bytes:
    """Send bytes on one TCP connection and read until the server closes it (or 5 s)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(payload)
        chunks = []
        try:
            while chunk := conn.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
    return b"".join(chunks)


def test_oversized_body_closes_the_connection(artefacts, service):
    """D4: after an early 413 the unread body must not be parsed as the next request."""
    process, info = start(
        artefacts, "--model", str(artefacts / "model.joblib"), "--max-body-bytes", "50"
    )
    try:
        body = json.dumps({"instances": [{"age": 30, "income": 1.0, "plan": "pro"}] * 3})
        first = (
            f"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n{body}"
        )
        second = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
        answer = raw_exchange(info["url"], (first + second).encode()).decode("latin-1")
        assert answer.startswith("HTTP/1.1 413")
        assert "Connection: close" in answer
        assert "414" not in answer and "<html" not in answer.lower()
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("token", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_tokens_are_invalid_json(service, token):
    """D5: Python's json accepts them; they would pass the 'required' check as numbers."""
    body = b'{"instances": [{"age": 30, "income": ' + token + b', "plan": "pro"}]}'
    code, answer = call(service, "/predict", body)
    assert code == 400
    assert "not valid JSON" in answer["error"]


def test_a_dict_bundle_is_refused_at_start_not_answered_with_500(artefacts, service):
    """D5/T11: the old {'pipeline': ...} dict loaded, /ready said ready, every call was 500."""
    model = joblib.load(artefacts / "model.joblib")
    joblib.dump({"pipeline": model, "threshold": 0.3}, artefacts / "dict_bundle.joblib")
    process, info = start(artefacts, "--model", str(artefacts / "dict_bundle.joblib"))
    assert info is None and process.returncode == 2
    error = process.stderr.read()
    assert "not a model" in error and "bundle.py" in error


def test_a_model_that_cannot_predict_is_never_ready(artefacts, service):
    """Warm-up: a pipeline fitted on other columns loads fine but fails on every request."""
    other = make_pipeline(SimpleImputer(), LogisticRegression()).fit(
        pd.DataFrame({"zzz": [0.0, 1.0, 2.0, 3.0]}), [0, 1, 0, 1]
    )
    joblib.dump(other, artefacts / "wrong_columns.joblib")
    process, info = start(artefacts, "--model", str(artefacts / "wrong_columns.joblib"))
    assert info is None and process.returncode == 2
    assert "warm-up prediction failed" in process.stderr.read()
    process, info = start(
        artefacts, "--model", str(artefacts / "wrong_columns.joblib"), "--fallback", "0"
    )
    try:
        assert info["degraded"] is True
        assert call(info["url"], "/ready")[0] == 503
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_busy_workers_shed_load_instead_of_queueing(artefacts, service):
    """D5: a timed-out prediction keeps its worker; the next request is refused at once
    instead of waiting behind it and timing out too."""
    dump = "import joblib, slow_model, sys; joblib.dump(slow_model.SlowModel(3.0), sys.argv[1])"
    subprocess.run(
        [sys.executable, "-c", dump, str(artefacts / "slow.joblib")],
        check=True,
        env={**os.environ, "PYTHONPATH": str(HERE)},
    )
    process, info = start(
        artefacts, "--model", str(artefacts / "slow.joblib"), "--workers", "1", "--timeout", "0.3"
    )
    try:
        rows = {"instances": [{"age": 30, "income": 1.0, "plan": "pro"}] * 2}
        code, answer = call(info["url"], "/predict", rows)
        assert code == 503 and "longer than" in answer["error"]
        began = time.perf_counter()
        code, answer = call(info["url"], "/predict", rows)
        assert code == 503 and "busy" in answer["error"]
        assert time.perf_counter() - began < 0.25
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_schema_of_an_all_null_column_has_no_range_and_is_strict_json(run, tmp_path):
    """D16: min/max of an all-NaN column were written as the non-JSON token NaN, and then
    every served value warned 'outside training range'."""
    pd.DataFrame({"a": [1.0, 2.0, 3.0], "empty": [np.nan] * 3, "y": [0, 1, 0]}).to_csv(
        tmp_path / "train.csv", index=False
    )
    result = run(*SCHEMA, "train.csv", "--target", "y")
    assert result.returncode == 0, result.stderr

    def reject(token):
        raise AssertionError(f"non-JSON token {token} in the schema")

    schema = json.loads(result.stdout, parse_constant=reject)
    assert "min" not in schema["features"]["empty"] and "max" not in schema["features"]["empty"]
    assert schema["features"]["empty"]["required"] is False
