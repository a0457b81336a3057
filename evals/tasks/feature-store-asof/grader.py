"""Run the agent's training-set builder and online server on two hidden stores, and
check the training set it delivered.

Per scenario (A: the public store with new request times; B: a new store with more late
and restated rows and customers who appear late), in one fresh sandbox:
- the builder gets the full store and the hidden training requests mixed with every
  online request (same request id, customer and timestamp) and with probes of the
  ticket's two tie rules: requests at the very second a row was ingested ("at or before
  t"), and requests soon after a restatement landed ("the one ingested last"), each kept
  by the generator only where the rule changes the answer; and requests whose latest
  known activity row is 2 to 1,000 days old (customers in a quiet spell, or dormant since
  before the quarter), eight per band of 2-7, 7-14, 14-30, 30-45, 45-80, 80-180, 180-365
  and 365-1,000 days, since the rule sets no age limit: a 7-day freshness limit passed at
  0.996 when such gaps were 0.3% of the requests, and a quarter's would have passed while
  no row was older than the quarter;
- the server gets the store as it was at one moment (an ingestion second on day 70 in A,
  day 35 in B: only the rows ingested by then) and that moment's requests, including
  customers the store has never seen.
A request is correct when its four features equal the hidden truth (the ticket's rule
applied by the generator). The metric is the lower of two shares: the share of correct
requests over both scenarios (training, probes and online), and the share of correct rows
in the delivered training_set.csv (against the truth for data/training_requests.csv).
Gates: online/offline parity (for every online request the builder's features equal
what the server returned), and each rule right on at least RULE_SHARE of its probes,
because a rule the ticket states is not one a share over random requests may forgive.
"""

import numpy as np
import pandas as pd

FEATURES = ["plan", "credit_limit", "txn_count_7d", "spend_7d"]
SCENARIOS = ("A", "B")
SNAPSHOTS = ("snapshot0",)
TABLES = ("profile", "activity")
TIMEOUT = 120.0
# Probe kinds (see prepare.py) and the rule each one tests.
RULES = {
    "boundary": "a row ingested at the request's second is known at it",
    "restated": "a restatement wins once ingested",
    "stale": "the latest known row counts however old it is",
}
RULE_SHARE = 0.9  # of a rule's probes answered right; honest solutions get all of them


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
    """({kind of request: correct flags}, parity mismatches), or (None, a failed gate)."""
    hidden = ctx.hidden / name
    truth = pd.read_csv(hidden / "truth.csv", dtype={"request_id": str}).set_index("request_id")
    run = ctx.exec(_command(), timeout=TIMEOUT, inputs=_inputs(hidden))
    if gate := run.failed_gate(f"scenario {name} ran", "the feature-store scripts"):
        return None, gate
    everything = truth.index.tolist()
    offline, problem = _read(ctx, run, ".grader/offline.csv", everything, "training set")
    if problem:
        return None, problem
    correct = {}
    for kind in ("offline", *RULES):
        ids = truth.index[truth["kind"] == kind]
        correct[kind] = _same(offline.loc[ids], truth.loc[ids, FEATURES])
    mismatched = 0
    for snap in SNAPSHOTS:
        ids = truth.index[truth["kind"] == snap].tolist()
        online, problem = _read(ctx, run, f".grader/{snap}/online.csv", ids, "online features")
        if problem:
            return None, problem
        correct[snap] = _same(online, truth.loc[ids, FEATURES])
        mismatched += int((~_same(online, offline.loc[ids])).sum())
    return correct, mismatched


def _training_set(ctx):
    """Correct flags for the delivered training_set.csv, or (None, a failed gate)."""
    truth = pd.read_csv(ctx.hidden / "training_truth.csv", dtype={"request_id": str})
    truth = truth.set_index("request_id")
    ids = truth.index.tolist()
    delivered, problem = _read(ctx, ctx, "training_set.csv", ids, "training_set.csv")
    if problem:
        return None, problem
    return _same(delivered, truth.loc[ids, FEATURES]), None


def grade(ctx):
    for script in ("build_training_set.py", "serve_features.py"):
        if not ctx.is_file(script):
            return ctx.fail(f"{script} present", f"{script} not found in the workspace root")
    delivered, problem = _training_set(ctx)
    if problem:
        return ctx.grade(None, [problem])
    by_kind, mismatched, metrics = {}, 0, {}
    for name in SCENARIOS:
        correct, result = _scenario(ctx, name)
        if correct is None:
            return ctx.grade(None, [result])
        for kind, flags in correct.items():
            by_kind.setdefault(kind, []).append(flags)
        mismatched += result
        metrics[f"correct_share_{name}"] = float(np.concatenate(list(correct.values())).mean())
    checks = [
        ctx.check(
            "online/offline parity",
            mismatched == 0,
            f"{mismatched} online requests got different features from the training-set builder"
            if mismatched
            else "the builder and the server agree on every online request",
            gate=True,
        )
    ]
    for kind, rule in RULES.items():
        flags = np.concatenate(by_kind[kind])
        metrics[f"correct_share_{kind}"] = share = float(flags.mean())
        checks.append(
            ctx.check(
                f"rule: {rule}",
                share >= RULE_SHARE,
                f"{int(flags.sum())} of {len(flags)} requests where this rule decides are right",
                gate=True,
            )
        )
    requests = float(np.concatenate([f for flags in by_kind.values() for f in flags]).mean())
    metrics["correct_share_requests"] = requests
    metrics["correct_share_training_set"] = float(delivered.mean())
    return ctx.grade(min(requests, float(delivered.mean())), checks, metrics)
