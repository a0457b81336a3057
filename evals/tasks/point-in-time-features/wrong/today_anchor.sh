#!/usr/bin/env bash
# Filters events to before --cutoff, but counts "days ago" from today's date (the clock),
# as a nightly job would: every window and recency is off by the time since the cut-off.
set -euo pipefail
cat > features.py <<'PY'
import argparse

import pandas as pd

parser = argparse.ArgumentParser()
parser.add_argument("--events", required=True)
parser.add_argument("--cutoff", required=True)
parser.add_argument("--out", required=True)
args = parser.parse_args()
today = pd.Timestamp.now(tz="UTC").normalize()
events = pd.read_csv(args.events, dtype={"user_id": str})
events["ts"] = pd.to_datetime(events["timestamp"], utc=True)
past = events[events["ts"] < pd.Timestamp(args.cutoff)].copy()
past["days_ago"] = (today - past["ts"]).dt.days
out = pd.DataFrame(index=pd.Index(sorted(past["user_id"].unique()), name="user_id"))
for kind in ("session_start", "purchase", "add_to_cart", "support_ticket"):
    rows = past[past["event_type"] == kind]
    out[f"{kind}_count"] = rows.groupby("user_id").size()
    for days in (30, 90, 365):
        out[f"{kind}_{days}d"] = rows[rows["days_ago"] < days].groupby("user_id").size()
    out[f"{kind}_days_ago"] = rows.groupby("user_id")["days_ago"].min()
out["first_seen_days_ago"] = past.groupby("user_id")["days_ago"].max()
out = out.fillna({c: 0 for c in out.columns if not c.endswith("days_ago")})
out.reset_index().to_csv(args.out, index=False)
PY
