#!/usr/bin/env bash
# Ships whenever treatment converted better than control, with no significance test: a
# correct interval and sample-ratio check, but the decision reads the point estimate's sign.
# Passed before (1.0 on seed 11, red team) when that seed's no-effect experiment happened
# to end negative; its final difference is now positive but insignificant on every seed.
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/wald_chisquare.py").read_text()
old = '("ship" if low > 0 else "no_ship")'
assert code.count(old) == 1
code = code.replace(old, '("ship" if effect > 0 else "no_ship")')
Path("analysis.py").write_text(code)
PY
python analysis.py
