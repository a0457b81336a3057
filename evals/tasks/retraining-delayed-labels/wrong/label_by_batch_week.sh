#!/usr/bin/env bash
# A sound accuracy monitor, but it reads every label as if it had been available when
# its batch was scored (arrived_week ignored): in a replay it fires weeks before anyone
# could have known, and a rerun on what was known then decides differently.
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_trigger.py").read_text()
old = 'cases[(cases["arrived_week"] <= week) & (cases["week"] <= week)]'
assert code.count(old) == 1
Path("retrain_trigger.py").write_text(code.replace(old, 'cases[cases["week"] <= week]'))
PY
