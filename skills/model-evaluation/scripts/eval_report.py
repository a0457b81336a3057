#!/usr/bin/env python3
"""Evaluate predictions with bootstrap intervals: binary scores, multiclass labels, regression.

Binary (--score): ROC-AUC, PR-AUC (average precision), log loss and Brier with 95%
percentile-bootstrap intervals (optionally resampling whole clusters), a calibration table
with ECE, the threshold with the lowest expected cost for the given false-positive and
false-negative costs, per-slice metrics, and a paired bootstrap comparison against a second
score column (--compare). Multiclass (--pred, predicted labels; --proba-prefix for log
loss): accuracy, macro-F1, balanced accuracy with intervals, per-class precision/recall/F1,
the confusion matrix. Regression (--pred, predicted values): MAE, RMSE, R^2, bias with
intervals, against predicting the mean. Both take --compare (a second prediction column),
--slice and --cluster. The bootstrap costs n_boot x n: above ~100k rows use --n-boot 200.
Prints JSON on stdout. Needs only numpy and pandas.

Examples:
  python eval_report.py preds.csv --y-true label --score proba --cost-fp 1 --cost-fn 10
  python eval_report.py preds.csv --y-true queue --pred predicted_queue --proba-prefix p_
  python eval_report.py preds.csv --y-true sales --pred forecast --compare old_forecast
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

EPS = 1e-15


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit code 2."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="CSV with one row per example")
    parser.add_argument("--y-true", required=True, help="true label or value column")
    parser.add_argument(
        "--task", choices=["auto", "binary", "multiclass", "regression"], default="auto"
    )
    parser.add_argument("--score", help="binary: score column, higher = more positive")
    parser.add_argument("--pred", help="multiclass: predicted label; regression: predicted value")
    parser.add_argument(
        "--proba-prefix", help="multiclass: probability columns are PREFIX<class>, for log loss"
    )
    parser.add_argument("--positive", help="label value of the positive class (default: 1)")
    parser.add_argument("--cost-fp", type=float, default=1.0, help="cost of a false positive")
    parser.add_argument("--cost-fn", type=float, default=1.0, help="cost of a false negative")
    parser.add_argument(
        "--threshold",
        type=float,
        help="also report this fixed threshold "
        "(one chosen on validation data, applied here unchanged)",
    )
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--cluster", help="resample whole clusters (user, patient) not rows")
    parser.add_argument("--bins", type=int, default=10, help="calibration bins")
    parser.add_argument(
        "--slice", action="append", default=[], help="column to slice by (repeatable)"
    )
    parser.add_argument("--min-slice", type=int, default=30, help="smallest slice reported")
    parser.add_argument(
        "--compare", help="second score (binary) or prediction column: paired comparison"
    )
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


# ---------------------------------------------------------------- loading
def read_frame(args: argparse.Namespace) -> pd.DataFrame:
    if not args.data.is_file():
        raise UsageError(f"file not found: {args.data}")
    try:
        frame = pd.read_csv(args.data)
    except pd.errors.EmptyDataError:
        raise UsageError(f"file is empty: {args.data}") from None
    needed = [args.y_true, args.score, args.pred, args.cluster, args.compare, *args.slice]
    missing = [c for c in needed if c and c not in frame.columns]
    if missing:
        raise UsageError(f"column(s) not found: {', '.join(missing)}")
    used = [c for c in (args.y_true, args.score, args.pred, args.compare) if c]
    frame = frame.dropna(subset=used)
    if frame.empty:
        raise UsageError("no rows with both a label and a prediction")
    return frame.reset_index(drop=True)


def task_of(args: argparse.Namespace, frame: pd.DataFrame) -> str:
    if args.score and args.pred:
        raise UsageError("give --score (binary scores) or --pred (labels or values), not both")
    if not (args.score or args.pred):
        raise UsageError("give --score (binary scores) or --pred (labels or values)")
    if args.task != "auto":
        if (args.task == "binary") != bool(args.score):
            raise UsageError("binary takes --score; multiclass and regression take --pred")
        return args.task
    if args.score:
        return "binary"
    y = frame[args.y_true]
    numeric = pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y)
    return "regression" if numeric and y.nunique() > 20 else "multiclass"


def load(args: argparse.Namespace, frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    return frame, binary_labels(frame[args.y_true], args.positive)


def binary_labels(labels: pd.Series, positive: str | None) -> np.ndarray:
    values = list(labels.unique())
    if len(values) > 2:
        raise UsageError(
            f"--score takes two classes, found {len(values)}: use --pred (and --proba-prefix) "
            "for multiclass"
        )
    if positive is None:
        chosen = 1 if 1 in values or len(values) < 2 else max(values, key=str)
    else:
        chosen = next((v for v in values if str(v) == positive), None)
        if chosen is None:
            raise UsageError(f"positive label {positive!r} not among {values}")
    y = (labels == chosen).to_numpy()
    if y.all() or not y.any():
        raise UsageError("labels contain one class only; metrics need both")
    return y.astype(int)


# ---------------------------------------------------------------- metrics
def average_ranks(x: np.ndarray) -> np.ndarray:
    """1-based ranks, ties sharing their average rank (as in the Mann-Whitney U statistic)."""
    order = np.argsort(x)
    starts = np.r_[0, np.flatnonzero(np.diff(x[order])) + 1]
    ends = np.r_[starts[1:], len(x)]
    ranks = np.empty(len(x))
    ranks[order] = np.repeat((starts + ends + 1) / 2.0, ends - starts)
    return ranks


def roc_auc(y: np.ndarray, s: np.ndarray) -> float:
    n_pos = y.sum()
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        return math.nan
    ranks = average_ranks(s)
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def curve_counts(y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Thresholds (distinct scores, high to low) with cumulative TP and FP at each."""
    order = np.argsort(-s)
    s_sorted, y_sorted = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s_sorted)), len(s_sorted) - 1]
    tp = np.cumsum(y_sorted)[last]
    return s_sorted[last], tp, (last + 1) - tp


def average_precision(y: np.ndarray, s: np.ndarray) -> float:
    if y.sum() == 0:
        return math.nan
    _, tp, fp = curve_counts(y, s)
    precision, recall = tp / (tp + fp), tp / tp[-1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, EPS, 1 - EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def brier(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean((p - y) ** 2))


def metric_functions(is_probability: bool) -> dict:
    functions = {"roc_auc": roc_auc, "pr_auc": average_precision}
    if is_probability:
        functions.update(log_loss=log_loss, brier=brier)
    return functions


# ---------------------------------------------------------------- bootstrap
def resamples(n: int, clusters: np.ndarray | None, n_boot: int, seed: int):
    """Row indices of each bootstrap resample; whole clusters stay together when given."""
    rng = np.random.default_rng(seed)
    if clusters is None:
        for _ in range(n_boot):
            yield rng.integers(0, n, n)
        return
    codes, uniques = pd.factorize(clusters)
    members = [np.flatnonzero(codes == k) for k in range(len(uniques))]
    for _ in range(n_boot):
        yield np.concatenate([members[k] for k in rng.integers(0, len(members), len(members))])


def interval(values: list[float]) -> list[float] | None:
    clean = [v for v in values if not math.isnan(v)]
    if len(clean) < 10:
        return None
    return [float(np.percentile(clean, 2.5)), float(np.percentile(clean, 97.5))]


def metrics_with_intervals(y, s, functions, index_sets) -> dict:
    draws = {name: [] for name in functions}
    for idx in index_sets:
        for name, fn in functions.items():
            draws[name].append(fn(y[idx], s[idx]))
    return {
        name: {"value": fn(y, s), "ci95": interval(draws[name])} for name, fn in functions.items()
    }


def paired_comparison(y, a, b, functions, index_sets, higher=("roc_auc", "pr_auc")) -> dict:
    diffs = {name: [] for name in functions}
    for idx in index_sets:
        for name, fn in functions.items():
            diffs[name].append(fn(y[idx], b[idx]) - fn(y[idx], a[idx]))
    result = {}
    for name, fn in functions.items():
        higher_better = name in higher
        clean = np.array([d for d in diffs[name] if not math.isnan(d)])
        better = np.mean(clean > 0) if higher_better else np.mean(clean < 0)
        result[name] = {
            "score": fn(y, a),
            "compare": fn(y, b),
            "compare_minus_score": fn(y, b) - fn(y, a),
            "ci95": interval(list(clean)),
            "share_compare_better": float(better),
        }
    return result


# ---------------------------------------------------------------- calibration and costs
def calibration(y: np.ndarray, p: np.ndarray, bins: int) -> dict:
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        mask = which == b
        if not mask.any():
            continue
        mean_p, rate = float(p[mask].mean()), float(y[mask].mean())
        ece += mask.mean() * abs(mean_p - rate)
        table.append(
            {
                "bin": [round(edges[b], 4), round(edges[b + 1], 4)],
                "n": int(mask.sum()),
                "mean_score": mean_p,
                "positive_rate": rate,
            }
        )
    return {"ece": float(ece), "bins": table}


def confusion_at(y: np.ndarray, s: np.ndarray, t: float, c_fp: float, c_fn: float) -> dict:
    pred = s >= t
    tp, fp = int((pred & (y == 1)).sum()), int((pred & (y == 0)).sum())
    fn, tn = int((~pred & (y == 1)).sum()), int((~pred & (y == 0)).sum())
    return {
        "threshold": float(t),
        "expected_cost": (c_fp * fp + c_fn * fn) / len(y),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn),
        "predicted_positive_rate": float(pred.mean()),
    }


def cost_analysis(y: np.ndarray, s: np.ndarray, c_fp: float, c_fn: float, is_prob: bool) -> dict:
    thresholds, tp, fp = curve_counts(y, s)
    cost = (c_fp * fp + c_fn * (y.sum() - tp)) / len(y)
    best = float(thresholds[int(np.argmin(cost))])
    if c_fn * y.sum() / len(y) < cost.min():  # flagging nobody beats every threshold
        best = float(np.inf)
    result = {
        "cost_fp": c_fp,
        "cost_fn": c_fn,
        "best_on_this_data": confusion_at(y, s, best, c_fp, c_fn),
        "flag_none_cost": c_fn * y.sum() / len(y),
        "flag_all_cost": c_fp * (len(y) - y.sum()) / len(y),
    }
    if is_prob:
        rule = c_fp / (c_fp + c_fn)
        result["bayes_rule_for_calibrated_probabilities"] = confusion_at(y, s, rule, c_fp, c_fn)
        result["at_0.5"] = confusion_at(y, s, 0.5, c_fp, c_fn)
    return result


# ---------------------------------------------------------------- slices and report
def slice_report(frame, y, s, column, functions, threshold, min_n) -> list[dict]:
    rows = []
    for value, positions in frame.groupby(column, dropna=False).indices.items():
        if len(positions) < min_n:
            continue
        ys, ss = y[positions], s[positions]
        row = {"value": str(value), "n": len(positions), "prevalence": float(ys.mean())}
        if 0 < ys.sum() < len(ys):
            row.update({name: fn(ys, ss) for name, fn in functions.items()})
            row["recall_at_threshold"] = float((ss[ys == 1] >= threshold).mean())
        rows.append(row)
    return sorted(rows, key=lambda r: r.get("roc_auc", 2.0))


def warnings_for(y: np.ndarray, is_prob: bool) -> list[str]:
    notes = [
        "best_on_this_data picks the threshold on the rows it scores: choose it on "
        "validation data and pass it to --threshold on test data"
    ]
    if y.sum() < 30 or (len(y) - y.sum()) < 30:
        notes.append(
            f"only {min(y.sum(), len(y) - y.sum())} rows in the smaller class: "
            "intervals are wide and metrics unstable"
        )
    if not is_prob:
        notes.append("scores are outside [0, 1]: log loss, Brier and calibration skipped")
    return notes


# ---------------------------------------------------------------- multiclass
def accuracy(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean(y == p))


def per_class(y: np.ndarray, p: np.ndarray, classes: np.ndarray) -> dict:
    rows = {}
    for k in classes:
        tp = float(np.sum((p == k) & (y == k)))
        predicted, actual = float(np.sum(p == k)), float(np.sum(y == k))
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else math.nan
        f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
        rows[str(k)] = {"precision": precision, "recall": recall, "f1": f1, "support": actual}
    return rows


def macro_f1_for(classes: np.ndarray):
    """Macro-F1 over the classes of the whole evaluation set (a resample missing a class
    scores it 0, as scikit-learn does with labels= given)."""

    def macro_f1(y: np.ndarray, p: np.ndarray) -> float:
        table = per_class(y, p, classes)
        return float(np.mean([row["f1"] for row in table.values()]))

    return macro_f1


def balanced_accuracy(y: np.ndarray, p: np.ndarray) -> float:
    recalls = [np.mean(p[y == k] == k) for k in np.unique(y)]
    return float(np.mean(recalls))


def multiclass_log_loss(columns: dict, classes: np.ndarray):
    """Rows index into the probability matrix, so bootstrap resamples can reuse it."""
    matrix = np.column_stack([columns[str(k)] for k in classes])
    matrix = np.clip(matrix / matrix.sum(axis=1, keepdims=True), EPS, 1)
    position = {k: i for i, k in enumerate(classes)}

    def log_loss_mc(y: np.ndarray, rows: np.ndarray) -> float:
        codes = np.array([position[v] for v in y])
        return float(-np.mean(np.log(matrix[rows.astype(int), codes])))

    return log_loss_mc


def multiclass_report(args, frame, index_sets, clusters) -> dict:
    y = frame[args.y_true].astype(str).to_numpy()
    p = frame[args.pred].astype(str).to_numpy()
    classes = np.array(sorted(set(y) | set(p)))
    functions = {
        "accuracy": accuracy,
        "macro_f1": macro_f1_for(classes),
        "balanced_accuracy": balanced_accuracy,
    }
    out = {
        "task": "multiclass",
        "n": len(y),
        "classes": [str(k) for k in classes],
        "metrics": metrics_with_intervals(y, p, functions, index_sets),
    }
    if args.proba_prefix:
        columns = {str(k): f"{args.proba_prefix}{k}" for k in classes}
        absent = [c for c in columns.values() if c not in frame.columns]
        if absent:
            raise UsageError(f"probability column(s) not found: {', '.join(absent)}")
        probs = {k: pd.to_numeric(frame[c], errors="coerce").to_numpy() for k, c in columns.items()}
        if any(np.isnan(v).any() for v in probs.values()):
            raise UsageError("probability columns have missing or non-numeric values")
        rows = np.arange(len(y), dtype=float)
        loss = multiclass_log_loss(probs, classes)
        out["metrics"]["log_loss"] = metrics_with_intervals(y, rows, {"l": loss}, index_sets)["l"]
    majority = pd.Series(y).value_counts().index[0]
    out["reference_values"] = {
        "accuracy_of_majority_class": float(np.mean(y == majority)),
        "macro_f1_of_majority_class": functions["macro_f1"](y, np.full(len(y), majority)),
    }
    out["per_class"] = per_class(y, p, classes)
    table = pd.crosstab(pd.Series(y, name="true"), pd.Series(p, name="predicted"))
    table = table.reindex(index=classes, columns=classes, fill_value=0)
    out["confusion_matrix"] = {
        "labels": [str(k) for k in classes],
        "rows_true_columns_predicted": table.to_numpy().tolist(),
    }
    out["slices"] = {
        col: generic_slices(frame, y, p, col, functions, args.min_slice) for col in args.slice
    }
    if args.compare:
        b = frame[args.compare].astype(str).to_numpy()
        out["comparison"] = paired_comparison(y, p, b, functions, index_sets, higher=set(functions))
    return out


# ---------------------------------------------------------------- regression
def mae(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean(np.abs(y - p)))


def rmse(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.sqrt(np.mean((y - p) ** 2)))


def r2(y: np.ndarray, p: np.ndarray) -> float:
    total = np.sum((y - y.mean()) ** 2)
    return float(1 - np.sum((y - p) ** 2) / total) if total > 0 else math.nan


def bias(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean(p - y))


def regression_report(args, frame, index_sets, clusters) -> dict:
    y = pd.to_numeric(frame[args.y_true], errors="coerce").to_numpy(dtype=float)
    p = pd.to_numeric(frame[args.pred], errors="coerce").to_numpy(dtype=float)
    if np.isnan(y).any() or np.isnan(p).any():
        raise UsageError("regression needs numeric --y-true and --pred columns")
    functions = {"mae": mae, "rmse": rmse, "r2": r2, "bias": bias}
    mean_baseline = np.full(len(y), y.mean())
    out = {
        "task": "regression",
        "n": len(y),
        "metrics": metrics_with_intervals(y, p, functions, index_sets),
        "reference_values": {
            "mae_of_predicting_the_mean": mae(y, mean_baseline),
            "rmse_of_predicting_the_mean": rmse(y, mean_baseline),
            "note": "the mean is taken on these rows: a flattering baseline, not a model",
        },
        "median_absolute_error": float(np.median(np.abs(y - p))),
    }
    out["slices"] = {
        col: generic_slices(frame, y, p, col, functions, args.min_slice) for col in args.slice
    }
    if args.compare:
        b = pd.to_numeric(frame[args.compare], errors="coerce").to_numpy(dtype=float)
        out["comparison"] = paired_comparison(y, p, b, functions, index_sets, higher={"r2"})
    return out


def generic_slices(frame, y, p, column, functions, min_n) -> list[dict]:
    rows = []
    for value, positions in frame.groupby(column, dropna=False).indices.items():
        if len(positions) < min_n:
            continue
        row = {"value": str(value), "n": len(positions)}
        row.update({name: fn(y[positions], p[positions]) for name, fn in functions.items()})
        rows.append(row)
    return rows


def report(args: argparse.Namespace) -> dict:
    frame = read_frame(args)
    task = task_of(args, frame)
    if task != "binary":
        clusters = frame[args.cluster].to_numpy() if args.cluster else None
        index_sets = list(resamples(len(frame), clusters, args.n_boot, args.seed))
        build = multiclass_report if task == "multiclass" else regression_report
        out = build(args, frame, index_sets, clusters)
        out["warnings"] = size_warnings(len(frame), args.n_boot)
        return out
    frame, y = load(args, frame)
    s = pd.to_numeric(frame[args.score], errors="coerce").to_numpy(dtype=float)
    if np.isnan(s).any():
        raise UsageError(f"score column {args.score!r} has non-numeric values")
    is_prob = bool(((s >= 0) & (s <= 1)).all())
    functions = metric_functions(is_prob)
    clusters = frame[args.cluster].to_numpy() if args.cluster else None
    index_sets = list(resamples(len(y), clusters, args.n_boot, args.seed))
    prevalence = float(y.mean())
    out = {
        "n": len(y),
        "positives": int(y.sum()),
        "prevalence": prevalence,
        "score_is_probability": is_prob,
        "metrics": metrics_with_intervals(y, s, functions, index_sets),
        "reference_values": {
            "pr_auc_of_random_scores": prevalence,
            "roc_auc_random": 0.5,
            "brier_of_constant_prevalence": prevalence * (1 - prevalence),
        },
        "costs": cost_analysis(y, s, args.cost_fp, args.cost_fn, is_prob),
    }
    if is_prob:
        out["calibration"] = calibration(y, s, args.bins)
    threshold = args.threshold
    if threshold is not None:
        out["fixed_threshold"] = confusion_at(y, s, threshold, args.cost_fp, args.cost_fn)
    else:
        threshold = out["costs"]["best_on_this_data"]["threshold"]
    out["slices"] = {
        col: slice_report(frame, y, s, col, functions, threshold, args.min_slice)
        for col in args.slice
    }
    if args.compare:
        b = pd.to_numeric(frame[args.compare], errors="coerce").to_numpy(dtype=float)
        out["comparison"] = paired_comparison(y, s, b, functions, index_sets)
    out["task"] = "binary"
    out["warnings"] = warnings_for(y, is_prob) + size_warnings(len(y), args.n_boot)
    return out


def size_warnings(n: int, n_boot: int) -> list[str]:
    """The bootstrap re-computes every metric n_boot times: 1,000 x 200k rows is minutes."""
    if n * n_boot > 50_000_000:
        return [f"{n} rows x {n_boot} resamples is slow: --n-boot 200 gives usable intervals"]
    return []


def finite(value):
    """JSON has no NaN or infinity: write null instead."""
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        result = report(args)
    except UsageError as exc:
        print(f"eval_report.py: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a clear line instead of a traceback, even for surprises
        print(f"eval_report.py: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(finite(result), indent=2, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
