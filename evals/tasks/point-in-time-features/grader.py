"""Run the agent's features.py at two cut-offs on two logs each and score what it knows.

The ticket's script builds training sets at past cut-offs and the scoring set at the
newest one, so both are graded: the newest cut-off (2024-06-01) and a past one
(2024-05-01), where windows anchored at a fixed date or at the end of the log go wrong.
1. At each cut-off, two logs that hold the same knowledge of a user at the cut-off: the
   log with everything at or after the cut-off removed, and the full hidden log (with
   later events and new users) moved with the cut-off to another period by a seeded
   number of whole days (8-34 years, not a multiple of a week, neither cut-off on the 1st:
   weekdays, month starts, days of the year and leap days move), cut to ~60% of its users
   and joined by other users whose history was moved 30-200 days earlier (so that log
   starts months before the provided one). Point-in-time features of a user, measured
   from the cut-off, cannot tell the two apart, so the outputs must match on the users in
   both (same columns, same values within a float tolerance), or a failed gate. A
   difference means the script used events it could not have known at the cut-off,
   measured time from something other than the cut-off (a hard-coded date, today's date,
   the first or last date in the file), used the calendar (weekday, month, calendar-month
   windows), or made a user's features depend on the other users in the run
   (standardised or ranked over them, rates over the days since the log began), which the
   rows built for training and those built for scoring would not share. The moved log is
   smaller than the full one, so this costs nothing.
2. Usefulness: a fixed, simple model (median imputation, quantile scaling, logistic
   regression) is cross-validated on the features against the hidden label "purchased in
   the 30 days after the cut-off"; the metric is the lower of the two cut-offs' out-of-fold
   ROC AUC. The model is the grader's, fitted on the agent's output read as data.
All four runs share one sandbox (start-up dominates); each has its own time limit. No
label enters it: the sandbox gets event logs only.
"""

import json

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import QuantileTransformer

TIMEOUT = 60
MAX_FEATURES = 50
# (cut-off, label file, log truncated at the cut-off); each cut-off also runs on the full log
CUTOFFS = {
    "newest": ("2024-06-01T00:00:00Z", "labels.csv", "events_truncated"),
    "past": ("2024-05-01T00:00:00Z", "labels_past.csv", "events_past"),
}
SHIFTED = "events_shifted"  # the full log in another period; cut-offs in shifted.json
# The two runs may differ by float rounding of epoch arithmetic (days computed from
# nanoseconds since 1970), never by a later event or the days a moved anchor adds.
RTOL, ATOL = 1e-6, 1e-6


def _runs(ctx):
    """(cut-off name, log, cut-off time) for every run of features.py."""
    shifted = json.loads((ctx.hidden / "shifted.json").read_text())
    runs = []
    for when, (cutoff, _, cut) in CUTOFFS.items():
        runs += [(when, cut, cutoff), (when, SHIFTED, shifted[when])]
    return runs


def _run_all(ctx, runs):
    """Every (cut-off, log) run in one sandbox; each writes its output, log and exit code."""
    steps = []
    for when, log, cutoff in runs:
        out = f"incoming/{when}.{log}"
        steps.append(
            f"timeout {TIMEOUT} python features.py --events incoming/{log}.csv "
            f"--cutoff {cutoff} --out {out}.csv > {out}.log 2>&1; echo $? > {out}.rc"
        )
    inputs = {f"incoming/{log}.csv": ctx.hidden / f"{log}.csv" for _, log, _ in runs}
    return ctx.exec("; ".join(steps), timeout=TIMEOUT * len(runs) + 30, inputs=inputs)


def _features(ctx, run, when, log, users):
    """The output of one run, indexed by user_id, or (None, the failed check)."""
    out = f"incoming/{when}.{log}"
    name = f"features.py ran on the {log.removeprefix('events_')} log at the {when} cut-off"
    code = _text(run, f"{out}.rc").strip()
    if code != "0":
        if code == "124":
            return None, ctx.check(name, False, f"took over {TIMEOUT} s", gate=True)
        tail = _text(run, f"{out}.log").strip()[-600:]
        return None, ctx.check(name, False, f"exited {code or '?'}: {tail or '(no output)'}",
                               gate=True)  # fmt: skip
    frame, check = run.read_table(f"{out}.csv", name)
    if frame is None:
        return None, check
    problem = _shape_problem(frame, users)
    if problem:
        return None, ctx.check(name, False, f"{out}.csv: {problem}", gate=True)
    frame = frame.assign(user_id=frame["user_id"].astype(str)).set_index("user_id")
    return frame.loc[users].astype(float), None


def _shape_problem(frame, users):
    if "user_id" not in frame.columns:
        return f"no user_id column; found {list(frame.columns)[:10]}"
    ids = frame["user_id"].astype(str)
    if ids.duplicated().any():
        return f"duplicate user_ids, e.g. {ids[ids.duplicated()].iloc[0]}"
    if set(ids) != set(users):
        missing, extra = len(set(users) - set(ids)), len(set(ids) - set(users))
        return (
            f"{len(ids)} rows; expected one per user with an event before the cut-off "
            f"({len(users)}): {missing} of them missing, {extra} users with no such event present"
        )
    columns = [c for c in frame.columns if c != "user_id"]
    if not 1 <= len(columns) <= MAX_FEATURES:
        return f"{len(columns)} feature columns; expected 1 to {MAX_FEATURES}"
    text = [c for c in columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if text:
        return f"feature columns must be numeric; not numeric: {text[:5]}"
    if np.isinf(frame[columns].to_numpy(dtype=float)).any():
        return "infinite values"
    return None


def _differences(full, cut):
    if list(full.columns) != list(cut.columns):
        return f"columns differ: {list(full.columns)[:8]} vs {list(cut.columns)[:8]}"
    a, b = full.to_numpy(), cut.to_numpy()
    same = np.isclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True)
    if same.all():
        return None
    rows, cols = np.nonzero(~same)
    changed = pd.Series(full.columns[cols]).value_counts().head(5).to_dict()
    return f"{len(set(rows))} users get different features; changed columns: {changed}"


def grade(ctx):
    if not ctx.is_file("features.py"):
        return ctx.fail("features.py present", "features.py not found in the workspace root")
    runs = _runs(ctx)
    run = _run_all(ctx, runs)
    if run.result.timed_out:
        return ctx.fail("features.py ran", f"the {len(runs)} runs together timed out")
    shifted_to = {when: cutoff for when, log, cutoff in runs if log == SHIFTED}
    plan = json.loads((ctx.hidden / "shifted.json").read_text())
    kept = set(plan["users"])
    checks, aucs = [], {}
    for when, (cutoff, label_file, cut_log) in CUTOFFS.items():
        labels = pd.read_csv(ctx.hidden / label_file, dtype={"user_id": str})
        users = labels["user_id"].tolist()
        shared = [u for u in users if u in kept]
        others = plan["others"][when]  # in the moved log only, with earlier history
        outputs = {}
        for log, expected in ((cut_log, users), (SHIFTED, shared + others)):
            outputs[log], problem = _features(ctx, run, when, log, expected)
            if problem:
                return ctx.grade(None, [*checks, problem])
        cut = outputs[cut_log]
        moved = (
            f"the full log (later events kept) with {len(shared)} of the {len(users)} users "
            f"and {len(others)} others with earlier history, and the cut-off moved from "
            f"{cutoff[:10]} to {shifted_to[when][:10]}"
        )
        diff = _differences(outputs[SHIFTED].loc[shared], cut.loc[shared])
        checks.append(
            ctx.check(
                f"features are point-in-time, per user and measured from the {when} cut-off",
                diff is None,
                f"{moved}: {diff}"
                if diff
                else f"the same features as on the log truncated at the cut-off with {moved}",
                gate=True,
            )
        )
        if diff:
            return ctx.grade(None, checks)
        auc, problem = _cross_validated_auc(ctx, cut, labels["purchased"].to_numpy())
        if problem:
            return ctx.grade(None, [*checks, problem])
        aucs[when] = auc
    metrics = {f"roc_auc_{when}": auc for when, auc in aucs.items()}
    return ctx.grade(min(aucs.values()), checks, metrics)


def _cross_validated_auc(ctx, features, y):
    model = make_pipeline(
        SimpleImputer(strategy="median", keep_empty_features=True),
        QuantileTransformer(n_quantiles=200, output_distribution="normal"),
        LogisticRegression(max_iter=2000),
    )
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    try:
        p = cross_val_predict(model, features.to_numpy(), y, cv=folds, method="predict_proba")
    except ValueError as exc:  # e.g. values too large for float64 arithmetic
        return None, ctx.check("features usable by a model", False, f"model fit failed: {exc}",
                               gate=True)  # fmt: skip
    return float(roc_auc_score(y, p[:, 1])), None


def _text(run, rel: str, limit: int = 1 << 20) -> str:
    """A small text file the grader's command wrote ("" if missing, empty, too big or a link)."""
    read = run.read_bytes(rel, rel, limit)
    return read.value.decode("utf-8", errors="replace") if read.ok else ""
