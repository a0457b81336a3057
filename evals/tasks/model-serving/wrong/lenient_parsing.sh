#!/usr/bin/env bash
# The oracle's service made "forgiving" where a glance at the schema suggests it is safe:
# a nullable feature left out of a row is read as null, and a number in quotes ("41") is
# read with float(). Both are 200s for rows the client never sent. Passed at 1.0 while
# only a non-nullable field went missing and only "forty-two" came as text (the red
# team's missing_as_null and lenient_numbers, seeds 13 and 14; each now fails alone).
set -euo pipefail
cp "$(dirname "$0")/reference_README.md" README.md  # the runbook is not the mistake here
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_serve.py").read_text()
missing = """    if name not in row:
        raise BadRequest"""
forgiving = """    if name not in row and feature["nullable"]:
        return None
    if name not in row:
        raise BadRequest"""
quoted = """    if feature["type"] == "number":
"""
to_float = """    if feature["type"] == "number":
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                pass
"""
assert code.count(missing) == 1 and code.count(quoted) == 1
Path("serve.py").write_text(code.replace(missing, forgiving).replace(quoted, to_float))
PY
