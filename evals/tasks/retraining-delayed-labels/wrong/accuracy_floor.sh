#!/usr/bin/env bash
# A fixed floor read off last year's stream (accuracy ~0.75 there): retrain when the
# recent weeks' accuracy falls below 0.70, whatever the model's own level. It never asks
# whether accuracy dropped: a product whose model always ran at 0.67 retrains at once, and
# one that ran at 0.89 and lost 10 points never does.
# Passed before (1.0 on seeds 11-12, red team): every hidden stream ran at ~0.75.
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_trigger.py").read_text()
old = 'return int(drop >= MIN_DROP and z >= Z), why'
assert code.count(old) == 1
Path("retrain_trigger.py").write_text(code.replace(old, 'return int(recent < 0.70), why'))
PY
