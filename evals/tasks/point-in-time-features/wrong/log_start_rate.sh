#!/usr/bin/env bash
# Windowed counts from the cut-off as the oracle does, plus activity rates per day over
# "the observed period": from the first event in the whole log to the cut-off. The period
# is the log's, not the user's, so a user's row changes with where the log (an extract,
# an archive reaching further back) starts. Red team, session 13: passed while every log
# compared began at 2024-01-01; the moved log now starts months earlier.
set -euo pipefail
cat > features.py <<'PY'
import argparse

import pandas as pd

parser = argparse.ArgumentParser()
for flag in ("--events", "--cutoff", "--out"):
    parser.add_argument(flag, required=True)
args = parser.parse_args()
cutoff = pd.Timestamp(args.cutoff)
cutoff = cutoff.tz_localize("UTC") if cutoff.tzinfo is None else cutoff.tz_convert("UTC")
events = pd.read_csv(args.events, dtype={"user_id": str})
events["ts"] = pd.to_datetime(events["timestamp"], utc=True)
past = events[events["ts"] < cutoff].copy()
past["age"] = (cutoff - past["ts"]).dt.total_seconds() / 86400
observed_days = (cutoff - past["ts"].min()).total_seconds() / 86400
out = pd.DataFrame(index=pd.Index(sorted(past["user_id"].unique()), name="user_id"))
for kind in ("session_start", "purchase", "add_to_cart", "support_ticket"):
    rows = past[past["event_type"] == kind]
    for days in (7, 30, 90):
        out[f"{kind}_{days}d"] = rows[rows["age"] < days].groupby("user_id").size()
    out[f"days_since_{kind}"] = rows.groupby("user_id")["age"].min()
    out[f"{kind}_per_day"] = rows.groupby("user_id").size() / observed_days
counts = [c for c in out.columns if not c.startswith("days_since")]
out[counts] = out[counts].fillna(0)
out.reset_index().to_csv(args.out, index=False)
PY
