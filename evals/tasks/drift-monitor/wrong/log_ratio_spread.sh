#!/usr/bin/env bash
# right/scipy_tests with the spread rule on a log scale, |log(sd ratio)| >= log 1.3: the
# same as the ticket's 30% going up, but a fall to 0.77 of the reference's spread (a 23%
# drop) already counts as drift. Pages on a large backfill whose spread fell by 25%.
# Red team c, session 13 (with a total-variation reading of the category rule, the same
# class): 1.0 on seeds 13 and 14 while no healthy batch sat just under a threshold.
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/scipy_monitor.py").read_text()
old = '            spread_effect = abs(ratio - 1) / 0.30'
new = '            spread_effect = abs(np.log(ratio)) / np.log(1.3)'
assert code.count(old) == 1
Path("monitor.py").write_text(code.replace(old, new))
PY
