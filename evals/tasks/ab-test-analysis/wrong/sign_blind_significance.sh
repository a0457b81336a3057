#!/usr/bin/env bash
# Ships any significant difference: the interval excluding zero is read as "the feature
# works" whatever its sign, so a significant harm ships too.
# Caught by the decision check when the harm is significant, now on every seed (prepare.py).
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/wald_chisquare.py").read_text()
old = '("ship" if low > 0 else "no_ship")'
assert code.count(old) == 1
code = code.replace(old, '("ship" if low > 0 or high < 0 else "no_ship")')
Path("analysis.py").write_text(code)
PY
python analysis.py
