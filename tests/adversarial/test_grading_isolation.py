"""Grader-owned programs run apart from the code under test (integrity review, finding 2).

model-serving: the grader's HTTP client runs in the harness and reaches the server in its
own sandbox through a bridge; no probe, plan or results file exists where agent code
runs, so planting modules or forging results changes nothing. torch-reproducible-resume:
each run is its own sandbox; the grader hashes weights and scores predictions itself,
and no label reaches agent code. Through the real runner, command agent, bubblewrap.
"""

from __future__ import annotations

import importlib.util
import json

import pytest

NO_VALIDATION_SERVER = r"""
import argparse, json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import joblib, pandas as pd

SCHEMA = json.load(open("model/schema.json"))
COLUMNS = [f["name"] for f in SCHEMA["features"]]
MODEL = joblib.load("model/model.joblib")

class Handler(BaseHTTPRequestHandler):
    def reply(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
    def do_GET(self):
        self.reply(200, {"status": "ok"})
    def do_POST(self):
        try:
            rows = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["rows"]
            frame = pd.DataFrame(rows)[COLUMNS]
            p = MODEL.predict_proba(frame)[:, 1]
            t = SCHEMA["decision_threshold"]
            preds = [{"probability": float(x), "label": int(x >= t)} for x in p]
            self.reply(200, {"predictions": preds})
        except Exception as exc:
            self.reply(500, {"error": str(exc)})

FORGED = {"started": True, "valid": [], "invalid": [], "load": [], "stalled": []}
for folder in (".probe", ".grader", "/tmp"):
    try:
        import os
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "results.json"), "w") as handle:
            json.dump(FORGED, handle)
        os.chmod(os.path.join(folder, "results.json"), 0o444)
    except OSError:
        pass
parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
ThreadingHTTPServer(("127.0.0.1", parser.parse_args().port), Handler).serve_forever()
"""

SHADOW_JSON = "import sys\nsys.modules.pop('json', None)\nraise SystemExit('shadowed')\n"


def test_model_serving_forged_results_and_planted_modules_change_nothing(attack):
    """The review's attacks (a planted .probe/json.py, a server writing a read-only
    results.json) scored 1.0 against 0.43 before; now the grader observes the server."""
    script = (
        f"cat > serve.py <<'PYEOF'\n{NO_VALIDATION_SERVER}\nPYEOF\n"
        f"mkdir -p .probe .grader\ncat > .probe/json.py <<'PYEOF'\n{SHADOW_JSON}PYEOF\n"
        "cp .probe/json.py .grader/json.py && echo PLANTED\n"
    )
    [outcome] = attack(script, task="model-serving")
    record = outcome.record
    assert outcome.lines("PLANTED")
    assert record.status == "completed", record.error
    assert not record.passed and record.score < 0.8
    checks = {c["name"]: c for c in record.grade["checks"]}
    assert not checks["invalid requests rejected"]["passed"]
    assert checks["valid batches predicted right"]["passed"]  # the honest part still counts


def test_a_server_that_kills_the_bridge_only_breaks_its_own_answers(attack):
    server = (
        "import os, signal, subprocess, time\n"
        "out = subprocess.run(['pgrep', '-x', 'socat'], capture_output=True, text=True).stdout\n"
        "for pid in out.split():\n    os.kill(int(pid), signal.SIGKILL)\n"
        "time.sleep(600)\n"
    )
    script = f"cat > serve.py <<'PYEOF'\n{server}\nPYEOF\necho PLANTED\n"
    [outcome] = attack(script, task="model-serving")
    assert outcome.record.status == "completed", outcome.record.error
    assert outcome.record.score == 0.0 and outcome.failed_gates == ["service starts"]
    # said at once (BRIDGE_GONE), not after the grader's 120 s start-up wait
    [gate] = [c for c in outcome.record.grade["checks"] if c["name"] == "service starts"]
    assert "bridge" in gate["message"] and outcome.record.grade_seconds < 60


CONSTANT_TRAINER = r"""
import argparse, json, os, zipfile
parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--epochs", type=int, default=6)
parser.add_argument("--out")
parser.add_argument("--stop-after-epoch", type=int)
parser.add_argument("--resume")
args = parser.parse_args()
os.makedirs(args.out, exist_ok=True)
epoch = args.stop_after_epoch or args.epochs
metrics = {"epoch": epoch, "train_loss": 0.1, "val_loss": 0.1, "val_accuracy": 0.99}
json.dump(metrics, open(os.path.join(args.out, "metrics.json"), "w"))
for name in ("report.json", "results.json"):
    json.dump({"a": {"exit_code": 0}, "val_accuracy": 0.99}, open(name, "w"))
if args.stop_after_epoch:
    raise SystemExit(0)
with zipfile.ZipFile(os.path.join(args.out, "weights.pt"), "w") as archive:
    archive.writestr("archive/data/0", b"\0" * 64)
seen = sorted(os.listdir("data"))
header = open("data/score.csv").readline().strip()
with open("/tmp/seen.txt", "w") as handle:
    handle.write(json.dumps({"data": seen, "score_header": header}))
ids = [line.split(",")[0] for line in open("data/score.csv").read().split()[1:]]
open(os.path.join(args.out, "predictions.csv"), "w").write(
    "id,label\n" + "".join(f"{i},0\n" for i in ids))
"""

# torch-reproducible-resume is skipped by the runner where torch is missing; so are these.
needs_torch = pytest.mark.skipif(
    importlib.util.find_spec("torch") is None,
    reason="torch-reproducible-resume needs torch (pip install torch==2.13.0)",
)


@needs_torch
def test_torch_reported_numbers_and_constant_outputs_score_zero(attack):
    """A train.py that trains nothing and reports 0.99, with identical bytes every run:
    identical 'weights' everywhere, but the grader's own accuracy and the resume after a
    data refresh both expose it."""
    script = f"cat > train.py <<'PYEOF'\n{CONSTANT_TRAINER}\nPYEOF\necho PLANTED\n"
    [outcome] = attack(script, task="torch-reproducible-resume")
    record = outcome.record
    assert record.status == "completed", record.error
    assert record.score == 0.0 and not record.passed
    assert {"model learns", "resume continues the stopped run"} <= set(outcome.failed_gates)


@needs_torch
def test_no_label_reaches_agent_code_at_grading_time(attack, scratch):
    """Every file agent code sees while graded is listed by the planted train.py: the
    scoring batch carries ids and features only."""
    script = f"cat > train.py <<'PYEOF'\n{CONSTANT_TRAINER}\nPYEOF\necho PLANTED\n"
    attack(script, task="torch-reproducible-resume", keep_workspaces=True)
    seen = [json.loads(p.read_text()) for p in scratch.rglob("exec-*/tmp/seen.txt")]
    assert seen, "the planted trainer never ran at grading time"
    for view in seen:
        assert "label" not in view["score_header"]
        assert not any("label" in name for name in view["data"])
