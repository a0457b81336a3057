#!/usr/bin/env bash
# The baseline: a single point-in-time feature, the number of events before the cut-off.
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
past = events[pd.to_datetime(events["timestamp"], utc=True) < pd.Timestamp(args.cutoff)]
past.groupby("user_id").size().rename("events").reset_index().to_csv(args.out, index=False)
PY
