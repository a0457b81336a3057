#!/usr/bin/env bash
# Another correct route: the point-in-time rule as SQL in sqlite3 (standard library).
# ISO 8601 UTC strings of one format sort in time order, so they compare as text.
set -euo pipefail
cp "$(dirname "$0")/asof_kit.py" .
cat > lookup.py <<'PY'
import sqlite3

import pandas as pd
from asof_kit import TABLES

QUERY = """
SELECT request_id, {cols} FROM (
  SELECT r.request_id, {fcols},
         ROW_NUMBER() OVER (PARTITION BY r.request_id
                            ORDER BY f.event_time DESC, f.ingested_at DESC) AS pick
  FROM requests r JOIN {table} f
    ON f.customer_id = r.customer_id AND f.ingested_at <= r.timestamp
) WHERE pick = 1
"""


def features_at(store, requests):
    db = sqlite3.connect(":memory:")
    requests.to_sql("requests", db, index=False)
    out = requests
    for table, columns in TABLES.items():
        pd.read_csv(f"{store}/{table}.csv", dtype={"customer_id": str}).to_sql(
            table, db, index=False
        )
        sql = QUERY.format(
            cols=", ".join(columns), fcols=", ".join(f"f.{c}" for c in columns), table=table
        )
        out = out.merge(pd.read_sql_query(sql, db), on="request_id", how="left")
    return out
PY
python asof_kit.py
