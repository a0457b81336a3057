#!/usr/bin/env bash
# Correct as-of join, but an activity row older than 7 days counts as expired (a 7-day
# aggregate "is stale after a week"), so customers who went quiet get empty activity
# features: the ticket's rule sets no age limit. Red team (f2): 0.996 on seeds 11 and 12
# while long gaps were rare, before the probes of stale requests.
set -euo pipefail
cp "$(dirname "$0")/asof_kit.py" .
cat > lookup.py <<'PY'
import pandas as pd

from asof_kit import TABLES, asof_join, read_table, timeline


def features_at(store, requests):
    lines = {}
    for table, cols in TABLES.items():
        lines[table] = timeline(read_table(store, table), [*cols, "event_time"]).rename(
            columns={"event_time": f"{table}_event_time"}
        )
    out = asof_join(requests, lines, "ingested_at")
    age = pd.to_datetime(out["timestamp"], utc=True) - out["activity_event_time"]
    out.loc[age > pd.Timedelta(days=7), TABLES["activity"]] = None
    return out.drop(columns=[f"{table}_event_time" for table in TABLES])
PY
python asof_kit.py
