#!/usr/bin/env bash
# Validates the shape of the request but "helps" with bad rows instead of rejecting them:
# a missing field becomes null, a number sent as text or a boolean is coerced, a number
# for a category becomes text, and a null the schema forbids is left to the imputer. The
# backend gets a 200 and a prediction for a row that was never what it sent.
set -euo pipefail
cp "$(dirname "$0")/reference_README.md" README.md  # the runbook is not the mistake here
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_serve.py").read_text()
lenient = '''def _check_value(i: int, feature: dict, row: dict):
    value = row.get(feature["name"])
    if value is None:
        return None
    if feature["type"] == "number":
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return number if math.isfinite(number) else None
    return str(value)


def _strict_check_value('''
old = "def _check_value("
assert code.count(old) == 1
Path("serve.py").write_text(code.replace(old, lenient))
PY
