#!/usr/bin/env bash
# right/scipy_tests with a blunt sample-size guard: a batch under 200 rows never pages
# ("a quiet hour is noise"). It keeps the false-alarm budget, but drift in a quiet hour
# (a mean moved by 1.5 SD, 40% of a column missing, in 60-100 rows) goes unpaged.
# Red team c, session 13: 1.0 on seeds 13 and 14 while the smallest drifted batch had 200
# rows; now five drifted quiet hours of 60-100 rows, one per drift rule.
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/scipy_monitor.py").read_text()
old = '    features = {c: feature(reference[c], batch[c]) for c in reference.columns}\n'
new = old + '    if len(batch) < 200:\n        features = {c: {"drifted": False, "score": 0.0} for c in features}\n'
assert code.count(old) == 1
Path("monitor.py").write_text(code.replace(old, new))
PY
