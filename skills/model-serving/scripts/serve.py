#!/usr/bin/env python3
"""Serve a model bundle over HTTP with validation, health, timeouts and load shedding.

--model is a bundle folder from bundle.py (model.joblib + bundle.json; its schema.json and
decision threshold are used), or a bare joblib pipeline with --schema. The model predicts
the bundle's example row (or a row built from the schema) before /ready turns true; a model
that cannot predict refuses to start (or serves degraded with --fallback).
POST /predict {"instances": [{feature: value, ...}, ...]} returns predictions (and class
scores when the model has predict_proba). Bad requests get 4xx with every problem listed,
never a 500: 400 unparsable JSON (NaN/Infinity included), 411/413 missing or oversized body
(the connection is then closed), 413 too many rows, 422 schema violations. GET /health
(process up), /ready (model loaded and warmed up), /metadata. A prediction slower than
--timeout answers 503 with Retry-After; when every worker is still busy (timed-out
predictions keep running) new requests get 503 at once instead of queueing. With --fallback
the service degrades instead of failing: it answers the fallback value marked "degraded".
Prints {"url": ...} on stdout once listening; one JSON log line per request on stderr.
Needs numpy, pandas and joblib (installed with scikit-learn).

Example: python serve.py --model bundle --port 8000
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import hashlib
import json
import math
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit code 2."""


class RequestError(Exception):
    """A client mistake: becomes a 4xx response with a JSON body."""

    def __init__(
        self, status: int, message: str, details: list | None = None, close: bool = False
    ) -> None:
        super().__init__(message)
        self.status, self.details, self.close = status, details or [], close


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model", type=Path, required=True, help="bundle folder (bundle.py) or joblib file"
    )
    parser.add_argument(
        "--schema", type=Path, help="from make_schema.py (default: the bundle's schema.json)"
    )
    parser.add_argument("--workers", type=int, default=4, help="predictions run in parallel")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--max-batch", type=int, default=256, help="rows per request")
    parser.add_argument("--max-body-bytes", type=int, default=1_000_000)
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per prediction")
    parser.add_argument("--model-version", help="reported in responses (default: file hash)")
    parser.add_argument(
        "--allow-extra", action="store_true", help="ignore unknown fields instead of rejecting them"
    )
    parser.add_argument("--fallback", help="JSON value to answer when the model is unusable")
    return parser.parse_args(argv)


# ---------------------------------------------------------------- validation
def check_value(name: str, spec: dict, value) -> tuple[str | None, str | None]:
    """(error, warning) for one field; an error rejects the request, a warning does not."""
    kind = spec["type"]
    if value is None:
        return (f"{name}: required", None) if spec.get("required") else (None, None)
    if kind == "boolean":
        return (None, None) if isinstance(value, bool) else (f"{name}: expected true/false", None)
    if kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"{name}: expected a number, got {type(value).__name__}", None
        if kind == "integer" and not float(value).is_integer():
            return f"{name}: expected an integer", None
        low, high = spec.get("min", -math.inf), spec.get("max", math.inf)
        return None, (
            f"{name}: {value} outside training range [{low}, {high}]"
            if not low <= value <= high
            else None
        )
    if not isinstance(value, str):
        return f"{name}: expected a string, got {type(value).__name__}", None
    known = spec.get("categories")
    return None, (f"{name}: unseen category {value!r}" if known and value not in known else None)


def validate_rows(rows, schema: dict, allow_extra: bool) -> tuple[list, list]:
    errors, warnings = [], []
    features = schema["features"]
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.append({"row": index, "error": "each instance must be a JSON object"})
            continue
        for name in sorted(set(row) - set(features)) if not allow_extra else []:
            errors.append({"row": index, "error": f"{name}: unknown field"})
        for name, spec in features.items():
            error, warning = check_value(name, spec, row.get(name))
            if error:
                errors.append({"row": index, "error": error})
            if warning:
                warnings.append({"row": index, "warning": warning})
    return errors, warnings


def reject_constant(token: str):
    """Python's json accepts NaN and Infinity, which are not JSON and pass 'required'."""
    raise ValueError(f"{token} is not valid JSON")


def parse_body(raw: bytes, max_batch: int) -> list:
    try:
        body = json.loads(raw, parse_constant=reject_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RequestError(400, f"body is not valid JSON: {exc}") from None
    if not isinstance(body, dict) or not isinstance(body.get("instances"), list):
        raise RequestError(422, 'expected {"instances": [ {...}, ... ]}')
    rows = body["instances"]
    if not rows:
        raise RequestError(422, "instances is empty")
    if len(rows) > max_batch:
        raise RequestError(413, f"{len(rows)} instances, the limit is {max_batch}: split them")
    return rows


# ---------------------------------------------------------------- model
def jsonable(values) -> list:
    return np.asarray(values).tolist()


class Service:
    """Holds the model once per process; predictions run in a pool so they can time out.

    A slot is taken per prediction and given back only when the prediction really ends, so
    abandoned (timed-out) predictions still count: the service sheds load with 503 instead
    of queueing work behind them."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.bundle = load_bundle(args.model)
        schema_path = args.schema or (
            args.model / "schema.json" if self.bundle is not None else None
        )
        if schema_path is None:
            raise UsageError("--schema is required when --model is a bare joblib file")
        self.schema = load_schema(schema_path)
        self.fallback = parse_fallback(args.fallback)
        model_file = args.model / self.bundle["model_file"] if self.bundle else args.model
        self.version = args.model_version or file_hash(model_file)
        self.threshold = (self.bundle or {}).get("threshold")
        self.model, self.load_error = load_model(model_file)
        if self.model is not None:
            self.load_error = self.warm_up()
            if self.load_error:
                self.model = None
        if self.model is None and self.fallback is None:
            raise UsageError(f"cannot load model {args.model}: {self.load_error}")
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=args.workers)
        self.slots = threading.BoundedSemaphore(args.workers)

    def warm_up(self) -> str | None:
        """Predict one row before /ready: a model that loads but cannot predict (wrong
        artefact, missing module, column mismatch) must not be reported ready."""
        example = (self.bundle or {}).get("example") or example_from_schema(self.schema)
        try:
            self._run_model(to_frame([example], self.schema))
        except Exception as exc:  # any failure means the model is not usable
            return f"warm-up prediction failed: {type(exc).__name__}: {exc}"
        return None

    def predict(self, rows: list[dict]) -> dict:
        if self.model is None:
            return self.degraded(len(rows), f"model not loaded: {self.load_error}")
        if not self.slots.acquire(blocking=False):
            if self.fallback is not None:
                return self.degraded(len(rows), "all workers busy")
            raise RequestError(503, "all workers are busy: retry later")
        try:
            future = self.pool.submit(self._run_model, to_frame(rows, self.schema))
        except Exception:
            self.slots.release()
            raise
        future.add_done_callback(lambda _: self.slots.release())
        try:
            return future.result(timeout=self.args.timeout)
        except concurrent.futures.TimeoutError:
            if self.fallback is not None:
                return self.degraded(len(rows), "prediction timed out")
            raise RequestError(503, f"prediction took longer than {self.args.timeout}s") from None
        except Exception as exc:
            if self.fallback is not None:
                return self.degraded(len(rows), f"model error: {type(exc).__name__}")
            raise

    def _run_model(self, frame: pd.DataFrame) -> dict:
        if self.threshold is not None:  # the bundle's threshold, not predict()'s 0.5
            proba = np.asarray(self.model.predict_proba(frame))
            classes = list(self.model.classes_)
            positive = classes.index(self.bundle.get("positive_label", classes[-1]))
            chosen = np.where(proba[:, positive] >= self.threshold, positive, 1 - positive)
            return {
                "predictions": jsonable(np.asarray(classes)[chosen]),
                "scores": jsonable(proba[:, positive]),
                "threshold": self.threshold,
            }
        out = {"predictions": jsonable(self.model.predict(frame))}
        if hasattr(self.model, "predict_proba"):
            proba = np.asarray(self.model.predict_proba(frame))
            out["scores"] = jsonable(proba[:, 1] if proba.shape[1] == 2 else proba)
        return out

    def degraded(self, n: int, reason: str) -> dict:
        return {"predictions": [self.fallback] * n, "degraded": True, "reason": reason}


def to_frame(rows: list[dict], schema: dict) -> pd.DataFrame:
    """Training column order and dtypes, so an all-null column is still numeric."""
    order = schema["feature_order"]
    frame = pd.DataFrame([{k: r.get(k) for k in order} for r in rows], columns=order)
    for name in order:
        kind = schema["features"].get(name, {}).get("type")
        if kind in ("number", "integer"):
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
        elif kind == "string":
            frame[name] = frame[name].astype(object).where(frame[name].notna(), np.nan)
    return frame


def example_from_schema(schema: dict) -> dict:
    """A plausible row when the bundle has no example: mid-range numbers, known categories."""
    row = {}
    for name, spec in schema["features"].items():
        kind = spec.get("type")
        if kind in ("number", "integer"):
            low, high = spec.get("min", 0.0), spec.get("max", 0.0)
            middle = (low + high) / 2
            row[name] = round(middle) if kind == "integer" else middle
        elif kind == "boolean":
            row[name] = False
        else:
            row[name] = (spec.get("categories") or [""])[0]
    return row


def load_bundle(path: Path) -> dict | None:
    """The bundle manifest when --model is a bundle folder, None for a bare joblib file."""
    if not path.is_dir():
        return None
    manifest = path / "bundle.json"
    if not manifest.is_file():
        raise UsageError(f"{path} is a folder without bundle.json: write it with bundle.py")
    try:
        bundle = json.loads(manifest.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{manifest} is not valid JSON: {exc}") from None
    model_file = path / bundle.get("model_file", "model.joblib")
    if model_file.is_file() and file_hash(model_file, full=True) != bundle.get("model_sha256"):
        raise UsageError(f"{model_file} does not match the hash in {manifest}")
    return bundle


def load_schema(path: Path) -> dict:
    if not path.is_file():
        raise UsageError(f"schema not found: {path}")
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"schema {path} is not valid JSON: {exc}") from None
    if not isinstance(schema, dict) or not isinstance(schema.get("features"), dict):
        raise UsageError(f"schema {path} has no 'features' object; make it with make_schema.py")
    schema.setdefault("feature_order", list(schema["features"]))
    return schema


def parse_fallback(text: str | None):
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise UsageError(f"--fallback must be a JSON value, got {text!r}") from None


def file_hash(path: Path, full: bool = False) -> str:
    if not path.is_file():
        return "unknown"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest if full else digest[:12]


def load_model(path: Path):
    """(model, None) or (None, reason): a broken artefact must not crash a degraded start."""
    if not path.is_file():
        return None, "file not found"
    try:
        import joblib

        model = joblib.load(path)
    except Exception as exc:  # unpickling can raise nearly anything
        return None, f"{type(exc).__name__}: {exc}"
    if not hasattr(model, "predict"):
        return None, (
            f"{path.name} holds a {type(model).__name__}, not a model: save the fitted "
            "pipeline and write a bundle with bundle.py"
        )
    return model, None


# ---------------------------------------------------------------- HTTP
def make_handler(service: Service):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            routes = {"/health": self.health, "/ready": self.ready, "/metadata": self.metadata}
            self.dispatch(routes.get(self.path.split("?")[0]))

        def do_POST(self) -> None:
            self.dispatch(self.predict if self.path.split("?")[0] == "/predict" else None)

        def dispatch(self, route) -> None:
            start = time.perf_counter()
            try:
                status, body, headers = route() if route else (404, {"error": "no such route"}, {})
            except RequestError as exc:
                status, headers = exc.status, {"Retry-After": "1"} if exc.status == 503 else {}
                body = {"error": str(exc), "details": exc.details}
                if exc.close:  # an unread body would be parsed as the next request
                    headers["Connection"] = "close"
                    self.close_connection = True
            except Exception as exc:  # a bug in the service, not the caller's fault
                status, body, headers = 500, {"error": f"internal error: {type(exc).__name__}"}, {}
            self.send(status, body, headers)
            log = {
                "method": self.command,
                "path": self.path,
                "status": status,
                "ms": round(1000 * (time.perf_counter() - start), 1),
            }
            print(json.dumps(log), file=sys.stderr, flush=True)

        def health(self):
            return 200, {"status": "ok"}, {}

        def ready(self):
            ok = service.model is not None
            return (200 if ok else 503), {"ready": ok, "model_version": service.version}, {}

        def metadata(self):
            body = {"model_version": service.version, "schema": service.schema}
            if service.bundle:
                keep = ("task", "target", "threshold", "versions", "data", "metrics", "created_at")
                body["bundle"] = {k: service.bundle.get(k) for k in keep}
            return 200, body, {}

        def predict(self):
            rows = parse_body(self.read_body(), service.args.max_batch)
            errors, warnings = validate_rows(rows, service.schema, service.args.allow_extra)
            if errors:
                raise RequestError(422, f"{len(errors)} invalid field(s)", errors[:100])
            result = service.predict(rows)
            return 200, {**result, "model_version": service.version, "warnings": warnings}, {}

        def read_body(self) -> bytes:
            length = self.headers.get("Content-Length")
            if length is None or not length.isdigit():
                raise RequestError(411, "Content-Length header required", close=True)
            if int(length) > service.args.max_body_bytes:
                raise RequestError(
                    413, f"body over {service.args.max_body_bytes} bytes", close=True
                )
            return self.rfile.read(int(length))

        def send(self, status: int, body: dict, headers: dict) -> None:
            data = json.dumps(body, allow_nan=False, default=str).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:  # replaced by the JSON line in dispatch
            return

    return Handler


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        service = Service(args)
        server = ThreadingHTTPServer((args.host, args.port), make_handler(service))
    except (UsageError, OSError) as exc:
        print(f"serve.py: error: {exc}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    host, port = server.server_address[:2]
    print(
        json.dumps(
            {
                "url": f"http://{host}:{port}",
                "model_version": service.version,
                "degraded": service.model is None,
            }
        ),
        flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    server.server_close()
    service.pool.shutdown(wait=False, cancel_futures=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
