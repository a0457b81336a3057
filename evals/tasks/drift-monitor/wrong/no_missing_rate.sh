#!/usr/bin/env bash
# right/scipy_tests without the missing-rate rule: every statistic is computed on the
# non-missing values, so a feature that starts arriving empty is never flagged.
# Passed before every drifted batch was a gate (0.86 on seeds 0-2: one missed batch).
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/scipy_monitor.py").read_text()
old = '    checks = [proportion(ref.isna().mean(), len(ref), new.isna().mean(), len(new), 0.05)]'
assert code.count(old) == 1
Path("monitor.py").write_text(code.replace(old, '    checks = []'))
PY
