#!/usr/bin/env bash
# Point-in-time on ingestion time, but a restated row is treated as a duplicate and the
# first version kept: corrections never reach training or serving.
set -euo pipefail
cp "$(dirname "$0")/asof_kit.py" .
cat > lookup.py <<'PY'
from asof_kit import TABLES, asof_join, read_table, timeline


def features_at(store, requests):
    lines = {}
    for table, columns in TABLES.items():
        rows = read_table(store, table).sort_values("ingested_at", kind="stable")
        rows = rows.drop_duplicates(["customer_id", "event_time"], keep="first")
        lines[table] = timeline(rows, columns)
    return asof_join(requests, lines, "ingested_at")
PY
python asof_kit.py
