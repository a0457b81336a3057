#!/usr/bin/env bash
# Activity joined point-in-time, but the profile treated as a slowly changing dimension:
# every request gets the customer's current plan and credit limit, whatever its time.
set -euo pipefail
cp "$(dirname "$0")/asof_kit.py" .
cat > lookup.py <<'PY'
from asof_kit import TABLES, asof_join, read_table, timeline


def features_at(store, requests):
    activity = timeline(read_table(store, "activity"), TABLES["activity"])
    out = asof_join(requests, {"activity": activity}, "ingested_at")
    profile = read_table(store, "profile").sort_values(["event_time", "ingested_at"])
    current = profile.groupby("customer_id").tail(1)[["customer_id", *TABLES["profile"]]]
    return out.merge(current, on="customer_id", how="left")
PY
python asof_kit.py
