#!/usr/bin/env bash
# Ships a positive estimate only from an experiment of more than 10,000 users, with no test:
# "small experiments cannot be trusted". A correct interval and sample-ratio check, but the
# decision reads the sign and the size of the experiment. Passed before (red team, 1.0 on
# seeds 0-7): the no-effect experiment was the only small one. Now every seed also holds a
# small experiment whose feature clearly works (z > 3.2), and this rule does not ship it.
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/wald_chisquare.py").read_text()
old = '("ship" if low > 0 else "no_ship")'
assert code.count(old) == 1
code = code.replace(old, '("ship" if effect > 0 and len(g) > 10_000 else "no_ship")')
Path("analysis.py").write_text(code)
PY
python analysis.py
