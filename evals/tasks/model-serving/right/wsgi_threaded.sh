#!/usr/bin/env bash
# Honest alternative: a WSGI app on wsgiref's server made threaded with ThreadingMixIn,
# validation as a table of per-type checks generated from schema.json, 422 for invalid
# rows and 400 for a malformed body, and the pipeline called without a lock.
set -euo pipefail
cat > serve.py <<'SERVE'
"""Credit-default scoring over WSGI (wsgiref + threads): /health and a validated /predict."""

import argparse
import json
import math
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import joblib
import pandas as pd

with open("model/schema.json") as f:
    SCHEMA = json.load(f)
CHECKS = {
    "number": (lambda v: type(v) in (int, float) and math.isfinite(v), "a number"),
    "string": (lambda v: type(v) is str, "a string"),
}


class Invalid(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def rows_of(raw):
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=lambda c: float("nan"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise Invalid(400, f"body is not valid JSON: {e}") from None
    rows = body.get("rows") if isinstance(body, dict) else None
    if not isinstance(rows, list):
        raise Invalid(400, "field 'rows' must be a list of row objects")
    if not 1 <= len(rows) <= SCHEMA["max_batch_rows"]:
        raise Invalid(413 if rows else 422,
                      f"field 'rows' must hold 1 to {SCHEMA['max_batch_rows']} rows, got {len(rows)}")
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise Invalid(422, f"rows[{i}] must be an object")
        for feat in SCHEMA["features"]:
            name = feat["name"]
            if name not in row:
                raise Invalid(422, f"rows[{i}]: field '{name}' is missing")
            value = row[name]
            if value is None:
                if not feat["nullable"]:
                    raise Invalid(422, f"rows[{i}]: field '{name}' must not be null")
                continue
            check, what = CHECKS[feat["type"]]
            if not check(value):
                raise Invalid(422, f"rows[{i}]: field '{name}' must be {what}")
    return rows


def app(environ, start_response):
    def reply(status, obj):
        data = json.dumps(obj).encode()
        start_response(status, [("Content-Type", "application/json"),
                                ("Content-Length", str(len(data)))])
        return [data]

    method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
    if path == "/health" and method == "GET":
        return reply("200 OK", {"status": "ok"})
    if path != "/predict":
        return reply("404 Not Found", {"error": f"no route {path}"})
    if method != "POST":
        return reply("405 Method Not Allowed", {"error": "use POST"})
    try:
        size = int(environ.get("CONTENT_LENGTH") or 0)
        rows = rows_of(environ["wsgi.input"].read(size))
    except Invalid as e:
        return reply(f"{e.status} Client Error", {"error": str(e)})
    except ValueError:
        return reply("400 Bad Request", {"error": "bad Content-Length"})
    names = [f["name"] for f in SCHEMA["features"]]
    frame = pd.DataFrame({n: [r[n] for r in rows] for n in names})
    for feat in SCHEMA["features"]:
        kind = float if feat["type"] == "number" else object
        frame[feat["name"]] = frame[feat["name"]].astype(kind)
    proba = MODEL.predict_proba(frame)[:, 1]
    threshold = SCHEMA["decision_threshold"]
    return reply("200 OK", {"predictions": [
        {"probability": float(p), "label": int(p >= threshold)} for p in proba]})


class ThreadedServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    timeout = 15  # a stalled client frees its thread

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    MODEL = joblib.load("model/model.joblib")
    make_server("127.0.0.1", port, app, ThreadedServer, QuietHandler).serve_forever()
SERVE
cat > README.md <<'README'
# Credit-default scoring service
Start from the workspace root: `python serve.py --port 8080`. Up when
`curl http://127.0.0.1:8080/health` answers `{"status": "ok"}`.

`POST /predict` with `{"rows": [...]}`. Rejected: a body that is not JSON or has no `rows`
list (400), an empty batch or a row missing a feature, a wrong type, or null where the
schema forbids it (422), more than `max_batch_rows` rows (413). Example:
`{"error": "rows[3]: field 'age' must be a number"}`
README
