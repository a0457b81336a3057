#!/usr/bin/env bash
# Ships when the point estimate clears a fixed size, half a percentage point, whatever its
# uncertainty: a correct interval and sample-ratio check, but the decision reads only the
# estimate's size. Passed before (1.0 on seeds 0-7, red team's finding): the no-effect
# experiment ended at most +0.32 points and the real gain at +0.99 or more, so any cut-off
# between them separated them. Now the small no-effect experiment's estimate is larger than
# the large real gain's on every seed: no cut-off, low or high, ships the one alone.
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/wald_chisquare.py").read_text()
old = '("ship" if low > 0 else "no_ship")'
assert code.count(old) == 1
code = code.replace(old, '("ship" if effect > 0.005 else "no_ship")')
Path("analysis.py").write_text(code)
PY
python analysis.py
