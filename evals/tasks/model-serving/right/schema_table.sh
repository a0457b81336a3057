#!/usr/bin/env bash
# A different correct service: socketserver threads around a hand-written handler, one
# checker per schema type in a table, 422 for rows that break the schema (400 for bodies
# that are not a request at all), and numpy arrays instead of a per-column DataFrame build.
set -euo pipefail
cat > serve.py <<'PY'
"""Credit-default scores over HTTP: GET /health, POST /predict (see README.md)."""

import argparse
import json
import math
import socketserver
from http.server import BaseHTTPRequestHandler

import joblib
import pandas as pd

with open("model/schema.json") as handle:
    SCHEMA = json.load(handle)
NAMES = [f["name"] for f in SCHEMA["features"]]


class Invalid(ValueError):
    status = 422


class Malformed(ValueError):
    status = 400


def is_number(v):
    return not isinstance(v, bool) and isinstance(v, (int, float)) and math.isfinite(v)


CHECKERS = {"number": (is_number, "a finite number"), "string": (lambda v: isinstance(v, str), "a string")}


def validate(payload):
    if not isinstance(payload, dict) or "rows" not in payload:
        raise Malformed('expected an object like {"rows": [...]}')
    rows = payload["rows"]
    if not isinstance(rows, list):
        raise Malformed('"rows" must be a list')
    if not 1 <= len(rows) <= SCHEMA["max_batch_rows"]:
        raise Invalid(f'"rows" must hold 1 to {SCHEMA["max_batch_rows"]} rows, got {len(rows)}')
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise Invalid(f"row {i} is not an object")
        for feature in SCHEMA["features"]:
            name = feature["name"]
            if name not in row:
                raise Invalid(f"row {i}: {name} is missing")
            value = row[name]
            if value is None:
                if feature["nullable"]:
                    continue
                raise Invalid(f"row {i}: {name} may not be null")
            check, wanted = CHECKERS[feature["type"]]
            if not check(value):
                raise Invalid(f"row {i}: {name} must be {wanted}")
    frame = pd.DataFrame([{n: row[n] for n in NAMES} for row in rows], columns=NAMES)
    for feature in SCHEMA["features"]:
        if feature["type"] == "number":
            frame[feature["name"]] = frame[feature["name"]].astype(float)
    return frame


class Handler(BaseHTTPRequestHandler):
    timeout = 20

    def reply(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/health":
            self.reply(200, {"status": "ok"})
        else:
            self.reply(404, {"error": "not found"})

    def do_POST(self):
        if self.path != "/predict":
            self.reply(404, {"error": "not found"})
            return
        try:
            size = int(self.headers.get("Content-Length", "0"))
            if size <= 0 or size > 4_000_000:
                self.close_connection = True
                raise Malformed("a JSON body of at most 4 MB is required")
            try:
                payload = json.loads(self.rfile.read(size).decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise Malformed("the body is not JSON") from None
            frame = validate(payload)
        except (Invalid, Malformed) as problem:
            self.reply(problem.status, {"error": str(problem)})
            return
        p = MODEL.predict_proba(frame)[:, 1]
        cut = SCHEMA["decision_threshold"]
        self.reply(200, {"predictions": [{"probability": float(x), "label": int(x >= cut)} for x in p]})


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    MODEL = joblib.load("model/model.joblib")
    with Server(("127.0.0.1", port), Handler) as server:
        server.serve_forever()
PY
cat > README.md <<'MD'
# Scoring service
Start: `python serve.py --port 8080` from the workspace root; `GET /health` answers
`{"status": "ok"}` when it is up. `POST /predict` takes `{"rows": [...]}`.
Rejected: a body that is not JSON or not `{"rows": [...]}` (400); an empty or too large
batch, a row that is not an object, a missing field, a wrong type or a forbidden null
(422), e.g. `{"error": "row 0: age is missing"}`.
MD
