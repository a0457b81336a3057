#!/usr/bin/env bash
# The oracle's service reading age and num_open_accounts as integers only: 41.0, a JSON
# number the schema's "number" allows, gets a 400. Passed at 1.0 while every valid request
# sent them as 41 (the red team's ints_only, seeds 13 and 14).
set -euo pipefail
cp "$(dirname "$0")/reference_README.md" README.md  # the runbook is not the mistake here
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_serve.py").read_text()
finite = """        if not math.isfinite(value):
"""
whole = """        if name in ("age", "num_open_accounts") and not isinstance(value, int):
            raise BadRequest(f"rows[{i}]: field '{name}' must be an integer, got {value!r}")
"""
assert code.count(finite) == 1
Path("serve.py").write_text(code.replace(finite, whole + finite))
PY
