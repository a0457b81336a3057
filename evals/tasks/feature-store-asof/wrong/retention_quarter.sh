#!/usr/bin/env bash
# Correct as-of join, but a row more than 90 days older than the request counts as expired
# in both tables ("the store keeps a quarter"), so customers dormant since before the
# quarter get empty features: the ticket's rule sets no age limit, of any length. Passed
# (0.996-1.0) while the store held no row older than the quarter, before dormant customers.
set -euo pipefail
cp "$(dirname "$0")/asof_kit.py" .
cat > lookup.py <<'PY'
import pandas as pd

from asof_kit import EVENT_TIMES, TABLES, asof_with_event_times

RETENTION = pd.Timedelta(days=90)


def features_at(store, requests):
    out = asof_with_event_times(store, requests)
    now = pd.to_datetime(out["timestamp"], utc=True)
    for table, cols in TABLES.items():
        out.loc[now - out[f"{table}_event_time"] > RETENTION, cols] = None
    return out.drop(columns=EVENT_TIMES)
PY
python asof_kit.py
