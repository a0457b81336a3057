"""Run the agent's training-set builder and online server on two hidden stores.

Per scenario (A: the public store with new request times; B: a new store with more late
and restated rows and customers who appear late), in one fresh sandbox:
- the builder gets the full store and the hidden training requests mixed with every
  online request (same request id, customer and timestamp);
- the server gets the store as it was at one moment (day 70 in A, day 35 in B: only the
  rows ingested by then) and that moment's requests, including customers the store has never seen.
The metric is the share of requests (training and online) whose four features equal the
hidden truth (the ticket's rule applied by the generator). Online/offline parity is a
gate: for every online request, the builder's features for the same request must equal
what the server returned.
"""

import numpy as np
import pandas as pd

FEATURES = ["plan", "credit_limit", "txn_count_7d", "spend_7d"]
SCENARIOS = ("A", "B")
SNAPSHOTS = ("snapshot0",)
TABLES = ("profile", "activity")
TIMEOUT = 120.0


def _inputs(hidden):
    files = {".grader/requests.csv": hidden / "offline_requests.csv"}
    for table in TABLES:
        files[f".grader/store/{table}.csv"] = hidden / "store" / f"{table}.csv"
    for snap in SNAPSHOTS:
        files[f".grader/{snap}/requests.csv"] = hidden / snap / "requests.csv"
        for table in TABLES:
            files[f".grader/{snap}/store/{table}.csv"] = hidden / snap / "store" / f"{table}.csv"
    return files


def _command():
    steps = [
        "python build_training_set.py --store .grader/store --requests .grader/requests.csv"
        " --out .grader/offline.csv"
    ]
    for snap in SNAPSHOTS:
        steps.append(
            f"python serve_features.py --store .grader/{snap}/store"
            f" --requests .grader/{snap}/requests.csv --out .grader/{snap}/online.csv"
        )
    return " && ".join(steps)


def _read(ctx, run, rel, ids, label):
    """The output as a frame indexed by request_id with the four features, or a failed gate."""
    frame, check = run.read_table(rel, label)
    if frame is None:
        return None, check
    missing = [c for c in ["request_id", *FEATURES] if c not in frame.columns]
    if missing:
        return None, ctx.check(label, False, f"{rel}: missing columns {missing}", gate=True)
    frame = frame.assign(request_id=frame["request_id"].astype(str))
    if frame["request_id"].duplicated().any():
        return None, ctx.check(label, False, f"{rel}: duplicate request_id values", gate=True)
    absent = set(ids) - set(frame["request_id"])
    if absent:
        return None, ctx.check(
            label, False, f"{rel}: {len(absent)} of {len(ids)} requests have no row", gate=True
        )
    return frame.set_index("request_id").loc[ids, FEATURES], None


def _same(a, b):
    """Row-wise: every feature equal (numbers to 1e-6, text exactly, empty == empty)."""
    ok = np.ones(len(a), dtype=bool)
    for column in FEATURES:
        x, y = a[column], b[column]
        if column == "plan":
            ok &= (x.isna() & y.isna()).to_numpy() | (x.astype(str) == y.astype(str)).to_numpy()
        else:
            xs = pd.to_numeric(x, errors="coerce").to_numpy(dtype=float)
            ys = pd.to_numeric(y, errors="coerce").to_numpy(dtype=float)
            bad_text = x.notna().to_numpy() & np.isnan(xs)  # text where a number belongs
            ok &= np.isclose(xs, ys, rtol=0, atol=1e-6, equal_nan=True) & ~bad_text
    return ok


def _scenario(ctx, name):
    """(correct flags for the metric, parity problem or None), or a failed gate check."""
    hidden = ctx.hidden / name
    truth = pd.read_csv(hidden / "truth.csv", dtype={"request_id": str}).set_index("request_id")
    run = ctx.exec(_command(), timeout=TIMEOUT, inputs=_inputs(hidden))
    if gate := run.failed_gate(f"scenario {name} ran", "the feature-store scripts"):
        return None, gate
    everything = truth.index.tolist()
    offline, problem = _read(ctx, run, ".grader/offline.csv", everything, "training set")
    if problem:
        return None, problem
    labelled = truth.index[truth["kind"] == "offline"]
    correct = [_same(offline.loc[labelled], truth.loc[labelled, FEATURES])]
    mismatched = 0
    for snap in SNAPSHOTS:
        ids = truth.index[truth["kind"] == snap].tolist()
        online, problem = _read(ctx, run, f".grader/{snap}/online.csv", ids, "online features")
        if problem:
            return None, problem
        correct.append(_same(online, truth.loc[ids, FEATURES]))
        mismatched += int((~_same(online, offline.loc[ids])).sum())
    return np.concatenate(correct), mismatched


def grade(ctx):
    for script in ("build_training_set.py", "serve_features.py"):
        if not ctx.is_file(script):
            return ctx.fail(f"{script} present", f"{script} not found in the workspace root")
    flags, mismatched, per_scenario = [], 0, {}
    for name in SCENARIOS:
        correct, result = _scenario(ctx, name)
        if correct is None:
            return ctx.grade(None, [result])
        flags.append(correct)
        mismatched += result
        per_scenario[f"correct_share_{name}"] = float(correct.mean())
    parity = ctx.check(
        "online/offline parity",
        mismatched == 0,
        f"{mismatched} online requests got different features from the training-set builder"
        if mismatched
        else "the builder and the server agree on every online request",
        gate=True,
    )
    share = float(np.concatenate(flags).mean())
    return ctx.grade(share, [parity], per_scenario)
