#!/usr/bin/env bash
# predict.py never calls model.eval(): BatchNorm normalises each batch by its own
# statistics, so a part's class depends on which other parts share its file (red team D's
# g1). train.py is the oracle's.
set -euo pipefail
cp .mlskills-script/reference_train.py train.py  # the oracle's train.py
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_predict.py").read_text()
old = "    model.to(device).eval()\n"
assert code.count(old) == 1
Path("predict.py").write_text(code.replace(old, "    model.to(device)\n"))
PY
