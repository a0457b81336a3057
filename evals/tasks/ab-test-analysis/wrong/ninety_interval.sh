#!/usr/bin/env bash
# A 90% interval (z = 1.645, a "one-sided 5%" habit) reported as the 95% one: too
# narrow, and it ships on weaker evidence.
# Passed before (1.0 on seeds 0-4): the width bound was 0.8x a 95% interval, 0.84 got in.
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/wald_chisquare.py").read_text()
old = '    low, high = effect - 1.96 * se, effect + 1.96 * se\n'
assert code.count(old) == 1
code = code.replace(old, '    low, high = effect - 1.645 * se, effect + 1.645 * se\n')
Path("analysis.py").write_text(code)
PY
python analysis.py
