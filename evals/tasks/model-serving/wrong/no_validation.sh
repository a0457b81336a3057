#!/usr/bin/env bash
# A threaded service that trusts its input: the rows go straight into a DataFrame and the
# model, and whatever breaks comes back as a 500 with the exception text.
set -euo pipefail
cp "$(dirname "$0")/reference_README.md" README.md  # the runbook is not the mistake here
cat > serve.py <<'PY'
import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import joblib
import pandas as pd

SCHEMA = json.load(open("model/schema.json"))
COLUMNS = [f["name"] for f in SCHEMA["features"]]
NUMBERS = [f["name"] for f in SCHEMA["features"] if f["type"] == "number"]
MODEL = joblib.load("model/model.joblib")


class Handler(BaseHTTPRequestHandler):
    def reply(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.reply(200, {"status": "ok"})

    def do_POST(self):
        try:
            rows = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["rows"]
            frame = pd.DataFrame(rows)[COLUMNS]
            frame[NUMBERS] = frame[NUMBERS].astype(float)
            p = MODEL.predict_proba(frame)[:, 1]
            threshold = SCHEMA["decision_threshold"]
            self.reply(200, {"predictions": [
                {"probability": float(x), "label": int(x >= threshold)} for x in p]})
        except Exception as exc:
            self.reply(500, {"error": str(exc)})


parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
ThreadingHTTPServer(("127.0.0.1", parser.parse_args().port), Handler).serve_forever()
PY
