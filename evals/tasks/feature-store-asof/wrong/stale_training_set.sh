#!/usr/bin/env bash
# Right scripts, stale deliverable: training_set.csv is left from a first attempt (the
# event-time join) and was not rebuilt after the lookup was fixed.
set -euo pipefail
bash "$(dirname "$0")/event_time_only.sh"  # the first attempt builds training_set.csv
cat > lookup.py <<'PY'
from asof_kit import TABLES, asof_join, read_table, timeline


def features_at(store, requests):
    lines = {table: timeline(read_table(store, table), cols) for table, cols in TABLES.items()}
    return asof_join(requests, lines, "ingested_at")
PY
