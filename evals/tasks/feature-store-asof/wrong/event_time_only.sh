#!/usr/bin/env bash
# The textbook as-of join on event_time alone: the training set uses rows (late arrivals,
# corrections) that had not been ingested at the request time, while the online server,
# reading the store as it was, cannot see them: training/serving skew.
set -euo pipefail
cp "$(dirname "$0")/asof_kit.py" .
cat > lookup.py <<'PY'
from asof_kit import TABLES, asof_join, read_table


def features_at(store, requests, direction="backward"):
    lines = {}
    for table, columns in TABLES.items():
        rows = read_table(store, table).sort_values(["event_time", "ingested_at"])
        rows = rows.drop_duplicates(["customer_id", "event_time"], keep="last")
        lines[table] = rows[["customer_id", "event_time", *columns]]
    return asof_join(requests, lines, "event_time", direction)
PY
python asof_kit.py
