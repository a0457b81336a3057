#!/usr/bin/env bash
# The reference trigger assuming a batch's labels are all in 5 weeks after it (true of last
# year's stream, whose labels came 3-5 weeks late) and ignoring arrived_week: on a stream
# whose labels come later it decides on labels that have not arrived, and a replay on what
# was known at the week it fired decides otherwise.
# Passed before (1.0 on seeds 11-12, red team): no hidden stream's labels came more than
# two weeks later than that.
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_trigger.py").read_text()
old = 'cases[(cases["arrived_week"] <= week) & (cases["week"] <= week)]'
assert code.count(old) == 1
Path("retrain_trigger.py").write_text(code.replace(old, 'cases[cases["week"] <= week - 5]'))
PY
