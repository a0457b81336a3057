#!/usr/bin/env bash
# Aggregates every event in the file: counts, spend and last activity over the whole log,
# so run on the full history it counts events from after the cut-off (and lists users who
# only appear later).
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
events["ts"] = pd.to_datetime(events["timestamp"], utc=True)
cutoff = pd.Timestamp(args.cutoff)
counts = events.pivot_table(
    index="user_id", columns="event_type", values="ts", aggfunc="count", fill_value=0
)
counts["spend"] = events.groupby("user_id")["amount"].sum()
counts["days_since_last"] = (cutoff - events.groupby("user_id")["ts"].max()).dt.days
counts.reset_index().to_csv(args.out, index=False)
PY
