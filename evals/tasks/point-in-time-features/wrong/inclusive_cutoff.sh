#!/usr/bin/env bash
# Sound windowed features, but events *at* the cut-off count as known (<= instead of <):
# the renewals stamped exactly at midnight on the cut-off day leak in.
set -euo pipefail
cat > features.py <<'PY'
import argparse

import pandas as pd

parser = argparse.ArgumentParser()
parser.add_argument("--events")
parser.add_argument("--cutoff")
parser.add_argument("--out")
args = parser.parse_args()
cutoff = pd.Timestamp(args.cutoff)
events = pd.read_csv(args.events)
events["ts"] = pd.to_datetime(events["timestamp"], utc=True)
past = events[events["ts"] <= cutoff].copy()
past["age"] = (cutoff - past["ts"]).dt.total_seconds() / 86400
out = pd.DataFrame(index=pd.Index(sorted(past["user_id"].unique()), name="user_id"))
for kind in ("session_start", "purchase", "add_to_cart", "subscription_renewal"):
    rows = past[past["event_type"] == kind]
    for days in (7, 30, 90):
        out[f"{kind}_{days}d"] = rows[rows["age"] <= days].groupby("user_id").size()
    out[f"days_since_{kind}"] = rows.groupby("user_id")["age"].min()
out = out.fillna({c: 0 for c in out.columns if not c.startswith("days_since")})
out.reset_index().to_csv(args.out, index=False)
PY
