"""Plumbing shared by this task's wrong/ and right/ solutions (the oracle has its own).

Each solution's .sh copies this file into the workspace, writes its rule as
`lookup.features_at(store, requests)` (how a feature table becomes a per-customer line of
values keyed by a time, and which join it takes) and runs `python asof_kit.py`, which
installs both deliverables on that function and builds training_set.csv. The scripts so
differ exactly where their mistakes (or their alternative approach) are.
"""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

TABLES = {"profile": ["plan", "credit_limit"], "activity": ["txn_count_7d", "spend_7d"]}


def read_table(store: str, table: str) -> pd.DataFrame:
    rows = pd.read_csv(f"{store}/{table}.csv", dtype={"customer_id": str})
    for column in ("event_time", "ingested_at"):
        rows[column] = pd.to_datetime(rows[column], utc=True)
    return rows


def timeline(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Per ingestion, the customer's row with the latest (event_time, ingested_at) so far."""
    order = rows.sort_values(["event_time", "ingested_at"]).index
    rows = rows.assign(rank=pd.Series(range(len(rows)), index=order))
    rows = rows.sort_values(["ingested_at", "rank"]).reset_index(drop=True)
    best = rows.groupby("customer_id")["rank"].cummax().to_numpy()
    line = rows.set_index("rank").loc[best, columns].reset_index(drop=True)
    line[["customer_id", "ingested_at"]] = rows[["customer_id", "ingested_at"]]
    return line


def asof_join(requests, lines, on, direction="backward", allow_exact_matches=True):
    """Each request with, per table, the customer's line row keyed at or before its time.

    `lines` maps a table to its line (customer_id, the key column `on`, feature columns),
    sorted by `on`; requests come back in their own order.
    """
    out = requests.assign(_t=pd.to_datetime(requests["timestamp"], utc=True))
    out = out.assign(_o=range(len(out))).sort_values("_t")
    for line in lines.values():
        out = pd.merge_asof(
            out, line, left_on="_t", right_on=on, by="customer_id", direction=direction,
            allow_exact_matches=allow_exact_matches,
        ).drop(columns=on)  # fmt: skip
    return out.sort_values("_o").drop(columns=["_t", "_o"])


def asof_with_event_times(store: str, requests: pd.DataFrame) -> pd.DataFrame:
    """The ticket's as-of join, plus each table's `{table}_event_time` of the row it took:
    for the solutions whose mistake is an age limit on top of a correct join."""
    lines = {}
    for table, cols in TABLES.items():
        lines[table] = timeline(read_table(store, table), [*cols, "event_time"]).rename(
            columns={"event_time": f"{table}_event_time"}
        )
    return asof_join(requests, lines, "ingested_at")


EVENT_TIMES = [f"{table}_event_time" for table in TABLES]


def main(features_at: Callable[[str, pd.DataFrame], pd.DataFrame]) -> None:
    """The command line of both deliverables: --store DIR --requests CSV --out CSV."""
    parser = argparse.ArgumentParser()
    for flag in ("--store", "--requests", "--out"):
        parser.add_argument(flag, required=True)
    args = parser.parse_args()
    requests = pd.read_csv(args.requests, dtype={"request_id": str, "customer_id": str})
    features_at(args.store, requests).to_csv(args.out, index=False)


ENTRY = "from asof_kit import main\nfrom lookup import features_at\n\nmain(features_at)\n"
SCRIPTS = ("build_training_set.py", "serve_features.py")


def install(scripts=SCRIPTS) -> None:
    """Both deliverables call lookup.features_at; then build training_set.csv once, in this
    process (what build_training_set.py would run: a second process only repeats the
    imports, on every trial of the task check)."""
    for script in scripts:
        Path(script).write_text(ENTRY)
    from lookup import features_at  # the solution's rule, written beside this file

    requests = pd.read_csv(
        "data/training_requests.csv", dtype={"request_id": str, "customer_id": str}
    )
    features_at("data/store", requests).to_csv("training_set.csv", index=False)


if __name__ == "__main__":
    install(sys.argv[1:] or SCRIPTS)
