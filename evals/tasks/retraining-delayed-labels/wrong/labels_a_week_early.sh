#!/usr/bin/env bash
# The reference trigger with an off-by-one in time: for week w it reads the labels that
# arrive by the end of week w + 1, one week it has not lived yet. It fires a week early,
# which still lands in the right window: only a replay cut at the week it fired, where
# those labels do not exist, shows it decided on labels not yet in.
# Passed before (1.0 on seeds 11-12, red team): the one replay cut came before the drop.
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_trigger.py").read_text()
old = 'cases[(cases["arrived_week"] <= week) & (cases["week"] <= week)]'
assert code.count(old) == 1
new = 'cases[(cases["arrived_week"] <= week + 1) & (cases["week"] <= week)]'
Path("retrain_trigger.py").write_text(code.replace(old, new))
PY
