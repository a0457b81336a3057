#!/usr/bin/env bash
# Another feature design: exponentially decayed event counts per type (half-lives of 7
# and 30 days) plus days since the last event, all measured from the cut-off argument.
set -euo pipefail
cat > features.py <<'PY'
import argparse

import numpy as np
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
past["days"] = (cutoff - past["ts"]).dt.total_seconds() / 86400
columns = {}
for half_life in (7, 30):
    past["w"] = np.exp(-np.log(2) * past["days"] / half_life)
    decayed = past.pivot_table(index="user_id", columns="event_type", values="w", aggfunc="sum")
    columns.update({f"{kind}_hl{half_life}": decayed[kind] for kind in decayed.columns})
out = pd.DataFrame(columns).fillna(0.0)
out["days_since_last"] = past.groupby("user_id")["days"].min()
out.index.name = "user_id"
out.reset_index().to_csv(args.out, index=False)
PY
python features.py --events data/events.csv --cutoff 2024-06-01T00:00:00Z --out features.csv
