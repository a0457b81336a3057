"""Plumbing shared by this task's right/ solutions (the oracle has its own).

Each solution's .sh copies this file into the workspace, writes its feature design as
`design.features(past, cutoff)` (the events strictly before the cut-off, with a parsed
`ts` column, and the cut-off itself; it returns one row per user indexed by user_id) and
a features.py of three lines that runs main(features), written by the shell (a Python
that imported this module only to write them would pay pandas' imports on every trial of
the task check; nor is there a smoke run: the grader runs features.py itself). So the
scripts differ exactly where their designs do.
"""

import argparse
from collections.abc import Callable

import pandas as pd

Design = Callable[[pd.DataFrame, pd.Timestamp], pd.DataFrame]


def main(features: Design) -> None:
    """The command line of features.py: --events CSV --cutoff ISO --out CSV."""
    parser = argparse.ArgumentParser()
    for flag in ("--events", "--cutoff", "--out"):
        parser.add_argument(flag, required=True)
    args = parser.parse_args()
    cutoff = pd.Timestamp(args.cutoff)
    cutoff = cutoff.tz_localize("UTC") if cutoff.tzinfo is None else cutoff.tz_convert("UTC")
    events = pd.read_csv(args.events, dtype={"user_id": str})
    events["ts"] = pd.to_datetime(events["timestamp"], utc=True)
    past = events[events["ts"] < cutoff].copy()
    out = features(past, cutoff)
    out.index.name = "user_id"
    out.reset_index().to_csv(args.out, index=False)
