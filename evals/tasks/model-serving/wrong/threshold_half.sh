#!/usr/bin/env bash
# Labels rows the way model.predict() does, at probability 0.5, instead of at the decision
# threshold the risk team set in schema.json.
set -euo pipefail
cp "$(dirname "$0")/reference_README.md" README.md  # the runbook is not the mistake here
sed 's/int(p >= threshold)/int(p >= 0.5)/' "$(dirname "$0")/reference_serve.py" > serve.py
grep -q "p >= 0.5" serve.py
