#!/usr/bin/env bash
# The textbook as-of join on event_time alone: the training set uses rows (late arrivals,
# corrections) that had not been ingested at the request time, while the online server,
# reading the store as it was, cannot see them: training/serving skew.
set -euo pipefail
cat > lookup.py <<'PY'
import argparse

import pandas as pd

TABLES = {"profile": ["plan", "credit_limit"], "activity": ["txn_count_7d", "spend_7d"]}


def features_at(store, requests):
    out = requests.assign(_t=pd.to_datetime(requests["timestamp"], utc=True))
    out = out.assign(_o=range(len(out))).sort_values("_t")
    for table, columns in TABLES.items():
        rows = pd.read_csv(f"{store}/{table}.csv", dtype={"customer_id": str})
        rows["event_time"] = pd.to_datetime(rows["event_time"], utc=True)
        rows = rows.sort_values(["event_time", "ingested_at"]).drop_duplicates(
            ["customer_id", "event_time"], keep="last"
        )
        out = pd.merge_asof(
            out, rows[["customer_id", "event_time", *columns]], left_on="_t",
            right_on="event_time", by="customer_id",
        ).drop(columns="event_time")
    return out.sort_values("_o").drop(columns=["_t", "_o"])


def main():
    parser = argparse.ArgumentParser()
    for flag in ("--store", "--requests", "--out"):
        parser.add_argument(flag, required=True)
    args = parser.parse_args()
    requests = pd.read_csv(args.requests, dtype={"request_id": str, "customer_id": str})
    features_at(args.store, requests).to_csv(args.out, index=False)
PY
printf 'from lookup import main\n\nmain()\n' > build_training_set.py
cp build_training_set.py serve_features.py
python build_training_set.py --store data/store --requests data/training_requests.csv --out training_set.csv
