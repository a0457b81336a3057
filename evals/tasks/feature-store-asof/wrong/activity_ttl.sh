#!/usr/bin/env bash
# Correct as-of join, but an activity row older than 7 days counts as expired (a 7-day
# aggregate "is stale after a week"), so customers who went quiet get empty activity
# features: the ticket's rule sets no age limit. Red team (f2): 0.996 on seeds 11 and 12
# while long gaps were rare, before the probes of stale requests.
set -euo pipefail
cp "$(dirname "$0")/asof_kit.py" .
cat > lookup.py <<'PY'
import pandas as pd

from asof_kit import EVENT_TIMES, TABLES, asof_with_event_times


def features_at(store, requests):
    out = asof_with_event_times(store, requests)
    age = pd.to_datetime(out["timestamp"], utc=True) - out["activity_event_time"]
    out.loc[age > pd.Timedelta(days=7), TABLES["activity"]] = None
    return out.drop(columns=EVENT_TIMES)
PY
python asof_kit.py
