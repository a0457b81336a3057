"""right/rolling_window_z's trigger (see its header); a wrong/ script edits its window."""

import argparse

import numpy as np
import pandas as pd

parser = argparse.ArgumentParser()
for flag in ("--batches", "--labels", "--out"):
    parser.add_argument(flag, required=True)
args = parser.parse_args()
cases = pd.read_csv(args.batches).merge(pd.read_csv(args.labels), on="case_id", how="left")
cases["correct"] = ((cases["score"] >= 0.5).astype(int) == cases["label"]).astype(float)
BASE_WEEKS, WINDOW = 10, 6


def drop(known):
    base = known[known["week"] <= BASE_WEEKS]["correct"]
    recent_weeks = sorted(known["week"].unique())[-WINDOW:]
    recent = known[known["week"].isin(recent_weeks) & (known["week"] > BASE_WEEKS)]["correct"]
    if len(base) < 200 or len(recent) < 200:
        return 0.0, 0.0
    diff = base.mean() - recent.mean()
    se = np.sqrt(base.var() / len(base) + recent.var() / len(recent))
    return diff, diff / max(se, 1e-9)


rows = []
for week in sorted(cases["week"].unique()):
    known = cases[(cases["arrived_week"] <= week) & (cases["week"] <= week)]
    diff, z = drop(known)
    rows.append({"week": week, "retrain": int(diff >= 0.05 and z >= 3), "drop": diff})
pd.DataFrame(rows).to_csv(args.out, index=False)
