#!/usr/bin/env python3
"""Serve a pickled scikit-learn-style model over HTTP with validation, health and timeouts.

POST /predict {"instances": [{feature: value, ...}, ...]} returns predictions (and class
scores when the model has predict_proba). Bad requests get 4xx with every problem listed,
never a 500: 400 unparsable JSON, 411/413 missing or oversized body, 413 too many rows,
422 schema violations. GET /health (process up), /ready (model loaded), /metadata.
A prediction slower than --timeout answers 503 with Retry-After. With --fallback the
service degrades instead of failing: it answers the fallback value marked "degraded".
Prints {"url": ...} on stdout once listening; one JSON log line per request on stderr.
Needs numpy, pandas and joblib (installed with scikit-learn).

Example: python serve.py --model model.joblib --schema schema.json --port 8000
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

    def __init__(self, status: int, message: str, details: list | None = None) -> None:
        super().__init__(message)
        self.status, self.details = status, details or []


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True, help="joblib file of the model")
    parser.add_argument("--schema", type=Path, required=True, help="from make_schema.py")
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


def parse_body(raw: bytes, max_batch: int) -> list:
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
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
    """Holds the model once per process; predictions run in a pool so they can time out."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.schema = load_schema(args.schema)
        self.fallback = parse_fallback(args.fallback)
        self.version = args.model_version or file_hash(args.model)
        self.model, self.load_error = load_model(args.model)
        if self.model is None and self.fallback is None:
            raise UsageError(f"cannot load model {args.model}: {self.load_error}")
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=4)

    def predict(self, rows: list[dict]) -> dict:
        if self.model is None:
            return self.degraded(len(rows), f"model not loaded: {self.load_error}")
        future = self.pool.submit(self._run_model, to_frame(rows, self.schema))
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


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else "unknown"


def load_model(path: Path):
    """(model, None) or (None, reason): a broken artefact must not crash a degraded start."""
    if not path.is_file():
        return None, "file not found"
    try:
        import joblib

        return joblib.load(path), None
    except Exception as exc:  # unpickling can raise nearly anything
        return None, f"{type(exc).__name__}: {exc}"


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
            return 200, {"model_version": service.version, "schema": service.schema}, {}

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
                raise RequestError(411, "Content-Length header required")
            if int(length) > service.args.max_body_bytes:
                raise RequestError(413, f"body over {service.args.max_body_bytes} bytes")
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
