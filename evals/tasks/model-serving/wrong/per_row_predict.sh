#!/usr/bin/env bash
# The oracle's service calling the model once per row instead of once per batch: right
# answers, but a 100-row batch takes a hundred pipeline calls, and with four clients the
# p95 is seconds against the ticket's 300 ms. Passed at 0.86 while latency was a weighted
# check with a 1 s bar (the red team's perrow, seeds 11 and 12).
set -euo pipefail
cp "$(dirname "$0")/reference_README.md" README.md  # the runbook is not the mistake here
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_serve.py").read_text()
batch = "        probabilities = self.model.predict_proba(frame)[:, 1]\n"
per_row = (
    "        probabilities = [\n"
    "            self.model.predict_proba(frame.iloc[[i]])[0, 1] for i in range(len(frame))\n"
    "        ]\n"
)
assert code.count(batch) == 1
Path("serve.py").write_text(code.replace(batch, per_row))
PY
