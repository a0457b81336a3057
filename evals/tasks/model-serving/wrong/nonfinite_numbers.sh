#!/usr/bin/env bash
# The oracle's service without its finiteness check: Python's json reads NaN and Infinity
# (not JSON) and 1e999 as floats, so NaN in a field that may not be null is imputed (a 200
# with a guess) and an infinity crashes the model (a 500). Passed at 1.0 before the grader
# sent non-finite numbers (the red team's nanok, seeds 11 and 12).
set -euo pipefail
cp "$(dirname "$0")/reference_README.md" README.md  # the runbook is not the mistake here
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_serve.py").read_text()
check = (
    "        if not math.isfinite(value):\n"
    "            raise BadRequest(f\"rows[{i}]: field '{name}' must be finite\")\n"
)
assert code.count(check) == 1
Path("serve.py").write_text(code.replace(check, ""))
PY
