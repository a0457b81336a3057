#!/usr/bin/env bash
# A validating threaded service (the oracle's) that copied the threshold, the batch limit
# and the feature list out of schema.json into constants instead of reading the schema:
# right only for the one schema the author looked at.
# Passed before the threshold and batch limit varied per seed (1.0 on seed 0).
set -euo pipefail
cp "$(dirname "$0")/reference_README.md" README.md  # the runbook is not the mistake here
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_serve.py").read_text()
edits = {
    'FEATURES = SCHEMA["features"]\nMAX_ROWS = SCHEMA["max_batch_rows"]\n': (
        'FEATURES = [{"name": n, "type": "number", "nullable": n in ("annual_income", "months_since_delinquency")}\n'
        '            for n in ("age", "annual_income", "credit_utilization", "num_open_accounts", "months_since_delinquency")]\n'
        'FEATURES += [{"name": n, "type": "string", "nullable": False} for n in ("employment", "home_ownership", "loan_purpose")]\n'
        "MAX_ROWS = 500  # from the risk team's schema\n"
    ),
    'threshold = SCHEMA["decision_threshold"]': "threshold = 0.3  # from the risk team's schema",
}
for old, new in edits.items():
    assert code.count(old) == 1, old
    code = code.replace(old, new)
Path("serve.py").write_text(code)
PY
