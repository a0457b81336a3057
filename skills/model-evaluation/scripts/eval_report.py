#!/usr/bin/env python3
"""Evaluate binary-classifier scores: metrics with bootstrap intervals, calibration, costs.

Reads a CSV with the true label and a score per row. Reports ROC-AUC, PR-AUC (average
precision), log loss and Brier with 95% percentile-bootstrap intervals (optionally
resampling whole clusters), a calibration table with ECE, the threshold with the lowest
expected cost for the given false-positive and false-negative costs, per-slice metrics, and
a paired bootstrap comparison against a second score column. Prints JSON on stdout.
Needs only numpy and pandas.

Example: python eval_report.py preds.csv --y-true label --score proba --cost-fp 1 --cost-fn 10
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
    parser.add_argument("--y-true", required=True, help="true label column (two classes)")
    parser.add_argument("--score", required=True, help="score column: higher = more positive")
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
    parser.add_argument("--compare", help="second score column: paired comparison")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


# ---------------------------------------------------------------- loading
def load(args: argparse.Namespace) -> tuple[pd.DataFrame, np.ndarray]:
    if not args.data.is_file():
        raise UsageError(f"file not found: {args.data}")
    try:
        frame = pd.read_csv(args.data)
    except pd.errors.EmptyDataError:
        raise UsageError(f"file is empty: {args.data}") from None
    needed = [args.y_true, args.score, args.cluster, args.compare, *args.slice]
    missing = [c for c in needed if c and c not in frame.columns]
    if missing:
        raise UsageError(f"column(s) not found: {', '.join(missing)}")
    frame = frame.dropna(subset=[c for c in (args.y_true, args.score, args.compare) if c])
    if frame.empty:
        raise UsageError("no rows with both a label and a score")
    return frame, binary_labels(frame[args.y_true], args.positive)


def binary_labels(labels: pd.Series, positive: str | None) -> np.ndarray:
    values = list(labels.unique())
    if len(values) > 2:
        raise UsageError(
            f"binary labels only, found {len(values)} classes; evaluate one class against the rest"
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


def paired_comparison(y, a, b, functions, index_sets) -> dict:
    diffs = {name: [] for name in functions}
    for idx in index_sets:
        for name, fn in functions.items():
            diffs[name].append(fn(y[idx], b[idx]) - fn(y[idx], a[idx]))
    result = {}
    for name, fn in functions.items():
        higher_better = name in ("roc_auc", "pr_auc")
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


def report(args: argparse.Namespace) -> dict:
    frame, y = load(args)
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
    out["warnings"] = warnings_for(y, is_prob)
    return out


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
