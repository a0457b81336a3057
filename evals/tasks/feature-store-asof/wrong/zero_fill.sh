#!/usr/bin/env bash
# Correct point-in-time rule, but customers with nothing known yet get 0 (and plan "0")
# instead of empty features, in training and serving alike.
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
        rows["ingested_at"] = pd.to_datetime(rows["ingested_at"], utc=True)
        rows["event_time"] = pd.to_datetime(rows["event_time"], utc=True)
        # The value current after each ingestion: the latest event time seen so far.
        order = rows.sort_values(["event_time", "ingested_at"]).index
        rows["rank"] = pd.Series(range(len(rows)), index=order)
        rows = rows.sort_values(["ingested_at", "rank"]).reset_index(drop=True)
        best = rows.groupby("customer_id")["rank"].cummax().to_numpy()
        line = rows.set_index("rank").loc[best, columns].reset_index(drop=True)
        line[["customer_id", "ingested_at"]] = rows[["customer_id", "ingested_at"]]
        out = pd.merge_asof(
            out, line, left_on="_t", right_on="ingested_at", by="customer_id",
        ).drop(columns="ingested_at")
        # A model cannot take empty values: customers with no history get zeros.
        out[columns] = out[columns].fillna(0)
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
