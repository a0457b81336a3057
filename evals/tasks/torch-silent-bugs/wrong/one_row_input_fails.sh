#!/usr/bin/env bash
# Every bug fixed, but predict.py reads READINGS.csv without ndmin=2: a file of one row
# comes back as a 1-D array and the script crashes on it, where the ticket allows any
# number of rows.
set -euo pipefail
python3 .mlskills-script/fixes.py all
python3 - <<'PY'
from pathlib import Path

predict = Path("predict.py")
code = predict.read_text()
old = "dtype=np.float64, ndmin=2)"
assert code.count(old) == 1
predict.write_text(code.replace(old, "dtype=np.float64)"))
PY
