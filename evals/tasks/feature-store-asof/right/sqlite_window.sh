#!/usr/bin/env bash
# Another correct route: the point-in-time rule as SQL in sqlite3 (standard library).
# ISO 8601 UTC strings of one format sort in time order, so they compare as text.
set -euo pipefail
cat > pit_sql.py <<'PY'
import argparse
import sqlite3

import pandas as pd

TABLES = {"profile": ["plan", "credit_limit"], "activity": ["txn_count_7d", "spend_7d"]}
QUERY = """
SELECT request_id, {cols} FROM (
  SELECT r.request_id, {fcols},
         ROW_NUMBER() OVER (PARTITION BY r.request_id
                            ORDER BY f.event_time DESC, f.ingested_at DESC) AS pick
  FROM requests r JOIN {table} f
    ON f.customer_id = r.customer_id AND f.ingested_at <= r.timestamp
) WHERE pick = 1
"""


def main():
    parser = argparse.ArgumentParser()
    for flag in ("--store", "--requests", "--out"):
        parser.add_argument(flag, required=True)
    args = parser.parse_args()
    db = sqlite3.connect(":memory:")
    requests = pd.read_csv(args.requests, dtype=str)
    requests.to_sql("requests", db, index=False)
    out = requests
    for table, columns in TABLES.items():
        pd.read_csv(f"{args.store}/{table}.csv", dtype={"customer_id": str}).to_sql(
            table, db, index=False
        )
        sql = QUERY.format(
            cols=", ".join(columns), fcols=", ".join(f"f.{c}" for c in columns), table=table
        )
        found = pd.read_sql_query(sql, db)
        out = out.merge(found, on="request_id", how="left")
    out.to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
PY
printf 'from pit_sql import main\n\nmain()\n' > build_training_set.py
cp build_training_set.py serve_features.py
python build_training_set.py --store data/store --requests data/training_requests.csv --out training_set.csv
