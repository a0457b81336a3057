#!/usr/bin/env bash
# The oracle's service, but it binds the port and answers /health at once while the model
# loads in the background (503 on /predict meanwhile): /health says ok before the service
# can answer predictions. Fails (503s on valid batches); kept: no other wrong/ has /health
# lie about readiness.
set -euo pipefail
cp "$(dirname "$0")/reference_README.md" README.md  # the runbook is not the mistake here
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_serve.py").read_text()
edits = {
    "        probabilities = self.model.predict_proba(frame)[:, 1]\n": (
        "        if self.model is None:\n"
        '            self._send(503, {"error": "model loading"})\n'
        "            return\n"
        "        probabilities = self.model.predict_proba(frame)[:, 1]\n"
    ),
    '    Handler.model = joblib.load("model/model.joblib")\n': (
        "    import threading, time\n"
        "    Handler.model = None\n\n"
        "    def load():\n"
        "        time.sleep(3)  # a slow artefact store\n"
        '        Handler.model = joblib.load("model/model.joblib")\n\n'
        "    threading.Thread(target=load, daemon=True).start()\n"
    ),
    "    Handler.model.predict_proba(to_frame({\"rows\": [blank]}))  # warm up before serving\n": "",
}
for old, new in edits.items():
    assert code.count(old) == 1, old
    code = code.replace(old, new)
Path("serve.py").write_text(code)
PY
