"""Point-in-time feature lookup shared by the training-set builder and the online server.

Rule (per feature table): at time t a customer's features come from the row with the
latest event_time among the rows ingested at or before t; equal event times go to the
later ingestion (a correction). Nothing ingested yet -> empty values.

How: replay each table in ingestion order and record, per customer, which row is current
after every ingestion (a running maximum of the (event_time, ingested_at) rank). That
timeline is valid from each ingestion time, so one backward `merge_asof` on ingested_at
gives the value known at any request time. The online server calls the same function on
the store as it is now, so training and serving cannot disagree.
"""

from pathlib import Path

import pandas as pd

TABLES = {"profile": ["plan", "credit_limit"], "activity": ["txn_count_7d", "spend_7d"]}
FEATURES = [c for columns in TABLES.values() for c in columns]


def read_table(path: Path) -> pd.DataFrame:
    rows = pd.read_csv(path, dtype={"customer_id": str})
    for column in ("event_time", "ingested_at"):
        rows[column] = pd.to_datetime(rows[column], utc=True, format="ISO8601")
    return rows


def timeline(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """One row per ingestion: the customer's current values from that moment on."""
    rank = rows.sort_values(["event_time", "ingested_at"], kind="stable").index
    rows = rows.assign(rank=pd.Series(range(len(rows)), index=rank))
    rows = rows.sort_values(["ingested_at", "rank"], kind="stable").reset_index(drop=True)
    current = rows.groupby("customer_id")["rank"].cummax()
    by_rank = rows.set_index("rank")[columns]
    values = by_rank.loc[current.to_numpy()].reset_index(drop=True)
    return pd.concat([rows[["customer_id", "ingested_at"]], values], axis=1)


def features_at(store: Path, requests: pd.DataFrame) -> pd.DataFrame:
    """Requests (request_id, customer_id, timestamp) with the features known at timestamp."""
    out = requests.copy()
    out["customer_id"] = out["customer_id"].astype(str)
    out["_t"] = pd.to_datetime(out["timestamp"], utc=True, format="ISO8601")
    out["_order"] = range(len(out))
    out = out.sort_values("_t", kind="stable")
    for table, columns in TABLES.items():
        line = timeline(read_table(Path(store) / f"{table}.csv"), columns)
        out = pd.merge_asof(
            out,
            line.sort_values("ingested_at", kind="stable"),
            left_on="_t",
            right_on="ingested_at",
            by="customer_id",
            direction="backward",
            allow_exact_matches=True,  # ingested at t counts as known at t
        ).drop(columns="ingested_at")
    return out.sort_values("_order").drop(columns=["_t", "_order"]).reset_index(drop=True)
