#!/usr/bin/env bash
# Point-in-time correct but blind to time: lifetime counts per event type before the
# cut-off, with no recency or recent-activity windows, in an app where users drift and churn.
set -euo pipefail
cat > features.py <<'PY'
import argparse

import pandas as pd

parser = argparse.ArgumentParser()
parser.add_argument("--events")
parser.add_argument("--cutoff")
parser.add_argument("--out")
args = parser.parse_args()
events = pd.read_csv(args.events)
known = pd.to_datetime(events["timestamp"], utc=True) < pd.Timestamp(args.cutoff)
past = events[known]
counts = past.pivot_table(
    index="user_id", columns="event_type", values="timestamp", aggfunc="count", fill_value=0
)
counts["spend"] = past.groupby("user_id")["amount"].sum()
counts.reset_index().to_csv(args.out, index=False)
PY
