#!/usr/bin/env bash
# Point-in-time on ingestion time, but the last row written wins: a late row for an older
# day overwrites a newer day's values, in training and serving alike.
set -euo pipefail
cp "$(dirname "$0")/asof_kit.py" .
cat > lookup.py <<'PY'
from asof_kit import TABLES, asof_join, read_table


def features_at(store, requests):
    lines = {
        table: read_table(store, table).sort_values("ingested_at")[
            ["customer_id", "ingested_at", *columns]
        ]
        for table, columns in TABLES.items()
    }
    return asof_join(requests, lines, "ingested_at")
PY
python asof_kit.py
