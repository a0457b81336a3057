#!/usr/bin/env bash
# Binds the port and answers /health at once while the model loads in the background
# (503 on /predict meanwhile): /health says ok before the service can answer predictions.
# Fails (503s on valid batches); kept: no other wrong/ has /health lie about readiness.
set -euo pipefail
cat > serve.py <<'SERVE'
"""Credit-default scoring service (stdlib HTTP around the provided pipeline)."""

import argparse
import json
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import joblib
import pandas as pd

SCHEMA = json.load(open("model/schema.json"))
FEATURES = SCHEMA["features"]
NAMES = [f["name"] for f in FEATURES]
THRESHOLD = SCHEMA["decision_threshold"]
MAX_ROWS = SCHEMA["max_batch_rows"]
MODEL = None
LOCK = threading.Lock()


class ClientError(Exception):
    pass


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def validate(body):
    if not isinstance(body, dict) or "rows" not in body:
        raise ClientError("body must be an object with a 'rows' list")
    rows = body["rows"]
    if not isinstance(rows, list) or not 1 <= len(rows) <= MAX_ROWS:
        raise ClientError(f"'rows' must be a list of 1 to {MAX_ROWS} rows")
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ClientError(f"row {i} must be an object")
        for f in FEATURES:
            name = f["name"]
            if name not in row:
                raise ClientError(f"row {i}: missing field '{name}'")
            v = row[name]
            if v is None:
                if not f["nullable"]:
                    raise ClientError(f"row {i}: field '{name}' may not be null")
            elif f["type"] == "number" and not is_number(v):
                raise ClientError(f"row {i}: field '{name}' must be a number")
            elif f["type"] == "string" and not isinstance(v, str):
                raise ClientError(f"row {i}: field '{name}' must be a string")
    return rows


def predict(rows):
    frame = pd.DataFrame([{n: r[n] for n in NAMES} for r in rows], columns=NAMES)
    for f in FEATURES:
        if f["type"] == "number":
            frame[f["name"]] = pd.to_numeric(frame[f["name"]], errors="coerce").astype(float)
        else:
            frame[f["name"]] = frame[f["name"]].astype(object)
    with LOCK:
        p = MODEL.predict_proba(frame)[:, 1]
    return [{"probability": float(x), "label": int(x >= THRESHOLD)} for x in p]


class Handler(BaseHTTPRequestHandler):
    def send(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            self.send(200, {"status": "ok"})
        else:
            self.send(404, {"error": "not found"})

    def do_POST(self):
        if self.path != "/predict":
            return self.send(404, {"error": "not found"})
        try:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length))
            rows = validate(body)
        except ClientError as e:
            return self.send(400, {"error": str(e)})
        except (ValueError, UnicodeDecodeError) as e:
            return self.send(400, {"error": f"invalid JSON: {e}"})
        if MODEL is None:
            return self.send(503, {"error": "model loading"})
        self.send(200, {"predictions": predict(rows)})

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    port = ap.parse_args().port
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)

    def load():
        global MODEL
        import time
        time.sleep(3)  # a slow artefact store
        MODEL = joblib.load("model/model.joblib")

    threading.Thread(target=load, daemon=True).start()
    server.timeout = 10
    Handler.timeout = 10
    server.serve_forever()
SERVE
cat > README.md <<'README'
# Credit-default service
Start: `python serve.py --port 8080` from the workspace root; check `curl localhost:8080/health`.
Rejected with 400 and `{"error": "..."}`: bodies that are not JSON objects with `rows`, empty or
too large batches, rows missing a feature, wrong types, null where not nullable.
Example: `{"error": "row 0: missing field 'age'"}`
README
