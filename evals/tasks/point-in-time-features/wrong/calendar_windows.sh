#!/usr/bin/env bash
# Calendar features (was right/ until session 13, when the ticket and the moved log stopped
# keeping the calendar): activity per event type in the 1, 2 and 3 calendar months before
# the cut-off (month offsets, not fixed day counts), weekend and night shares of sessions,
# and days since the last event of each type. Point-in-time, but the same events at the
# same time before the cut-off get other features in another period: the ticket says
# nothing may depend on the calendar. Fails the moved-log gate on every seed.
set -euo pipefail
cat > features.py <<'PY'
import argparse

import pandas as pd


def features(past, cutoff):
    out = pd.DataFrame(index=pd.Index(sorted(past["user_id"].unique())))
    for kind in ("session_start", "add_to_cart", "purchase", "support_ticket"):
        rows = past[past["event_type"] == kind]
        for months in (1, 2, 3):
            since = rows[rows["ts"] >= cutoff - pd.DateOffset(months=months)]
            out[f"{kind}_{months}m"] = since.groupby("user_id").size()
        last = rows.groupby("user_id")["ts"].max()
        out[f"days_since_{kind}"] = (cutoff - last).dt.total_seconds() / 86400
    sessions = past[past["event_type"] == "session_start"]
    by_user = sessions["user_id"]
    out["weekend_share"] = (sessions["ts"].dt.day_of_week >= 5).groupby(by_user).mean()
    out["night_share"] = (sessions["ts"].dt.hour < 6).groupby(by_user).mean()
    renewals = past[past["event_type"] == "subscription_renewal"]
    last_month = renewals[renewals["ts"] >= cutoff - pd.DateOffset(months=1)]
    out["renewed_last_month"] = last_month.groupby("user_id").size().clip(upper=1)
    return out.fillna({c: 0 for c in out.columns if c.endswith("m") or c == "renewed_last_month"})


parser = argparse.ArgumentParser()
for flag in ("--events", "--cutoff", "--out"):
    parser.add_argument(flag, required=True)
args = parser.parse_args()
cutoff = pd.Timestamp(args.cutoff)
cutoff = cutoff.tz_localize("UTC") if cutoff.tzinfo is None else cutoff.tz_convert("UTC")
events = pd.read_csv(args.events, dtype={"user_id": str})
events["ts"] = pd.to_datetime(events["timestamp"], utc=True)
out = features(events[events["ts"] < cutoff].copy(), cutoff)
out.index.name = "user_id"
out.reset_index().to_csv(args.out, index=False)
PY
