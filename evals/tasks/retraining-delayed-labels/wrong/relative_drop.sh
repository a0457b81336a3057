#!/usr/bin/env bash
# Reads "a drop of 5 points" as 5% of the model's accuracy (relative), not 5 percentage
# points: at an accuracy of 0.60 it retrains on a 3-point drop.
# Passed before (1.0 on seeds 13-14, red team): no hidden stream had a lasting drop under
# 5 points. Now the small_drop stream loses 3.5 points for good at a level of ~0.60.
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/rolling_window.py").read_text()
old = 'int(diff >= 0.05 and z >= 3)'
assert code.count(old) == 1
code = code.replace(old, 'int(diff >= 0.05 * base_accuracy and z >= 3)')
code = code.replace(
    "    diff, z = drop(known)\n",
    "    diff, z = drop(known)\n"
    "    base_accuracy = known[known['week'] <= BASE_WEEKS]['correct'].mean()\n",
)
Path("retrain_trigger.py").write_text(code)
PY
