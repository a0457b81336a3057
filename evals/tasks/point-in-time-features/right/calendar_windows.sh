#!/usr/bin/env bash
# A calendar-aware design: activity per event type in the 1, 2 and 3 calendar months
# before the cut-off (month offsets, not fixed day counts), weekend and night shares of
# sessions, and days since the last event of each type, all taken from the cut-off.
set -euo pipefail
cat > features.py <<'PY'
import argparse

import pandas as pd

parser = argparse.ArgumentParser()
parser.add_argument("--events", required=True)
parser.add_argument("--cutoff", required=True)
parser.add_argument("--out", required=True)
args = parser.parse_args()
cutoff = pd.Timestamp(args.cutoff)
cutoff = cutoff.tz_localize("UTC") if cutoff.tzinfo is None else cutoff.tz_convert("UTC")
events = pd.read_csv(args.events, dtype={"user_id": str})
events["ts"] = pd.to_datetime(events["timestamp"], utc=True)
past = events[events["ts"] < cutoff].copy()
out = pd.DataFrame(index=pd.Index(sorted(past["user_id"].unique()), name="user_id"))
for kind in ("session_start", "add_to_cart", "purchase", "support_ticket"):
    rows = past[past["event_type"] == kind]
    for months in (1, 2, 3):
        since = rows[rows["ts"] >= cutoff - pd.DateOffset(months=months)]
        out[f"{kind}_{months}m"] = since.groupby("user_id").size()
    last = rows.groupby("user_id")["ts"].max()
    out[f"days_since_{kind}"] = (cutoff - last).dt.total_seconds() / 86400
sessions = past[past["event_type"] == "session_start"]
out["weekend_share"] = (sessions["ts"].dt.day_of_week >= 5).groupby(sessions["user_id"]).mean()
out["night_share"] = (sessions["ts"].dt.hour < 6).groupby(sessions["user_id"]).mean()
renewals = past[past["event_type"] == "subscription_renewal"]
last_month = renewals[renewals["ts"] >= cutoff - pd.DateOffset(months=1)]
out["renewed_last_month"] = last_month.groupby("user_id").size().clip(upper=1)
out = out.fillna({c: 0 for c in out.columns if c.endswith("m") or c == "renewed_last_month"})
out.reset_index().to_csv(args.out, index=False)
PY
python features.py --events data/events.csv --cutoff 2024-06-01T00:00:00Z --out features.csv
