"""Run the agent's features.py at the cut-off on two logs and score what the features know.

1. The same cut-off on the full hidden log (with June's events and new users) and on the
   log with everything at or after the cut-off removed. Point-in-time features cannot
   tell the two apart, so the outputs must match: same users, same columns, same values.
   Any difference means the script used something it could not have known at the cut-off.
2. Usefulness: a fixed, simple model (median imputation, quantile scaling, logistic
   regression) is cross-validated on the features against the hidden label "purchased in
   the 30 days after the cut-off"; the metric is its out-of-fold ROC AUC. The model is
   the grader's, fitted on the agent's output read as data.
"""

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import QuantileTransformer

CUTOFF = "2024-06-01T00:00:00Z"
TIMEOUT = 60.0
MAX_FEATURES = 50


def _features(ctx, log, users):
    """Run features.py on hidden/<log>.csv; (features indexed by user_id, failed check)."""
    src, out = f"incoming/{log}.csv", f"incoming/{log}.features.csv"
    cmd = f"python features.py --events {src} --cutoff {CUTOFF} --out {out}"
    run = ctx.exec(cmd, timeout=TIMEOUT, inputs={src: ctx.hidden / f"{log}.csv"})
    name = f"features.py ran on the {log.removeprefix('events_')} log"
    if run.result.timed_out:
        return None, ctx.check(name, False, f"took over {TIMEOUT:.0f} s", gate=True)
    if run.result.exit_code != 0:
        tail = run.result.stderr.strip()[-600:] or "(no stderr)"
        return None, ctx.check(name, False, f"exited {run.result.exit_code}: {tail}", gate=True)
    frame, check = run.read_table(out, name)
    if frame is None:
        return None, check
    problem = _shape_problem(frame, users)
    if problem:
        return None, ctx.check(name, False, f"{out}: {problem}", gate=True)
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
    same = np.isclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True)
    if same.all():
        return None
    rows, cols = np.nonzero(~same)
    changed = pd.Series(full.columns[cols]).value_counts().head(5).to_dict()
    return f"{len(set(rows))} users get different features; changed columns: {changed}"


def grade(ctx):
    if not ctx.path("features.py").is_file():
        return ctx.fail("features.py present", "features.py not found in the workspace root")
    labels = pd.read_csv(ctx.hidden / "labels.csv", dtype={"user_id": str})
    users = labels["user_id"].tolist()
    full, problem = _features(ctx, "events_full", users)
    if problem:
        return ctx.grade(None, [problem])
    cut, problem = _features(ctx, "events_truncated", users)
    if problem:
        return ctx.grade(None, [problem])
    diff = _differences(full, cut)
    point_in_time = ctx.check(
        "features are point-in-time",
        diff is None,
        diff or "identical with and without the events after the cut-off",
        gate=True,
    )
    if diff:
        return ctx.grade(None, [point_in_time])
    model = make_pipeline(
        SimpleImputer(strategy="median", keep_empty_features=True),
        QuantileTransformer(n_quantiles=200, output_distribution="normal"),
        LogisticRegression(max_iter=2000),
    )
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    y = labels["purchased"].to_numpy()
    try:
        p = cross_val_predict(model, cut.to_numpy(), y, cv=folds, method="predict_proba")[:, 1]
    except ValueError as exc:  # e.g. values too large for float64 arithmetic
        fit = ctx.check("features usable by a model", False, f"model fit failed: {exc}", gate=True)
        return ctx.grade(None, [point_in_time, fit])
    auc = float(roc_auc_score(y, p))
    return ctx.grade(auc, [point_in_time], {"feature_columns": float(cut.shape[1])})
