"""Credit-default scoring service: GET /health and POST /predict over the provided model.

    python serve.py --port 8080

Standard library HTTP around the scikit-learn pipeline in model/, loaded once at start-up.
ThreadingHTTPServer gives each connection its own thread, so one slow or stalled client
never holds up the others (the model itself is read-only and safe to share). Every request
is checked against model/schema.json before it reaches the model: a bad request gets a 4xx
with a JSON message naming the problem, never a 500 and never a silent guess.
"""

import argparse
import json
import math
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import joblib
import pandas as pd

SCHEMA = json.loads(Path("model/schema.json").read_text())
FEATURES = SCHEMA["features"]
MAX_ROWS = SCHEMA["max_batch_rows"]
MAX_BYTES = 2 * 1024 * 1024  # far above MAX_ROWS rows; refuse before reading more


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _check_value(i: int, feature: dict, row: dict):
    name = feature["name"]
    if name not in row:
        raise BadRequest(f"rows[{i}]: missing field '{name}'")
    value = row[name]
    if value is None:
        if not feature["nullable"]:
            raise BadRequest(f"rows[{i}]: field '{name}' must not be null")
        return None
    if feature["type"] == "number":
        # bool is an int in Python, and json accepts NaN/Infinity: neither is a number here.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadRequest(f"rows[{i}]: field '{name}' must be a number, got {value!r}")
        if not math.isfinite(value):
            raise BadRequest(f"rows[{i}]: field '{name}' must be finite")
        return float(value)
    if not isinstance(value, str):
        raise BadRequest(f"rows[{i}]: field '{name}' must be a string, got {value!r}")
    return value


def to_frame(payload) -> pd.DataFrame:
    """The validated rows as a DataFrame in the model's column layout, or BadRequest."""
    if not isinstance(payload, dict) or not isinstance(payload.get("rows"), list):
        raise BadRequest('body must be a JSON object with a "rows" list')
    rows = payload["rows"]
    if not rows:
        raise BadRequest('"rows" is empty: send at least one row')
    if len(rows) > MAX_ROWS:
        raise BadRequest(f"{len(rows)} rows: at most {MAX_ROWS} per request", status=413)
    columns = {f["name"]: [] for f in FEATURES}
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise BadRequest(f"rows[{i}] must be an object of feature values")
        for feature in FEATURES:
            columns[feature["name"]].append(_check_value(i, feature, row))
    # Explicit dtypes: numbers as float (None -> NaN for the imputer), strings as object.
    return pd.DataFrame(
        {
            f["name"]: pd.Series(
                columns[f["name"]], dtype=float if f["type"] == "number" else object
            )
            for f in FEATURES
        }
    )


class Handler(BaseHTTPRequestHandler):
    model = None
    timeout = 30  # drop connections that stall mid-request

    def _send(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/health":
            self._send(200, {"status": "ok", "model_version": SCHEMA["version"]})
        else:
            self._send(404, {"error": f"no route GET {self.path}"})

    def do_POST(self) -> None:
        if self.path != "/predict":
            self._send(404, {"error": f"no route POST {self.path}"})
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BYTES:
                self.close_connection = True  # the unread body must not be parsed as a request
                raise BadRequest(f"body of {length} bytes is over {MAX_BYTES}", status=413)
            if length <= 0:
                raise BadRequest("empty body: send JSON with a Content-Length")
            try:
                payload = json.loads(self.rfile.read(length))
            except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError alike
                raise BadRequest(f"body is not valid JSON: {exc}") from None
            frame = to_frame(payload)
        except BadRequest as exc:
            self._send(exc.status, {"error": str(exc)})
            return
        probabilities = self.model.predict_proba(frame)[:, 1]
        threshold = SCHEMA["decision_threshold"]
        predictions = [
            {"probability": float(p), "label": int(p >= threshold)} for p in probabilities
        ]
        self._send(200, {"predictions": predictions, "model_version": SCHEMA["version"]})

    def log_message(self, format: str, *args) -> None:  # quiet: one line per request is noise
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description="credit-default scoring service")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    Handler.model = joblib.load("model/model.joblib")
    blank = {f["name"]: 0 if f["type"] == "number" else "" for f in FEATURES}
    Handler.model.predict_proba(to_frame({"rows": [blank]}))  # warm up before serving
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print(f"serving {SCHEMA['model']} {SCHEMA['version']} on {args.host}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
