#!/usr/bin/env bash
# right/scipy_tests with one slip: the spread rule flags only a wider spread (ratio - 1 >= 0.3),
# not a narrower one, although the ticket says up or down.
# Passed before every drifted batch was a gate and both directions had a batch (1.0, 1.0,
# 0.86 on seeds 0-2).
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/scipy_monitor.py").read_text()
old = '            spread_effect = abs(ratio - 1) / 0.30'
assert code.count(old) == 1
Path("monitor.py").write_text(code.replace(old, '            spread_effect = (ratio - 1) / 0.30'))
PY
