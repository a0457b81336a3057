#!/usr/bin/env bash
# Correct point-in-time rule, but customers with nothing known yet get 0 (and plan "0")
# instead of empty features, in training and serving alike.
set -euo pipefail
cp "$(dirname "$0")/asof_kit.py" .
cat > lookup.py <<'PY'
from asof_kit import TABLES, asof_join, read_table, timeline


def features_at(store, requests):
    lines = {table: timeline(read_table(store, table), cols) for table, cols in TABLES.items()}
    out = asof_join(requests, lines, "ingested_at")
    # A model cannot take empty values: customers with no history get zeros.
    features = [c for cols in TABLES.values() for c in cols]
    return out.fillna({c: 0 for c in features})
PY
python asof_kit.py
