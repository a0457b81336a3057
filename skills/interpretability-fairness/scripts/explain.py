#!/usr/bin/env python3
"""Explain a fitted model on held-out data and audit it by group.

Reads a fitted scikit-learn-style model (a joblib file, or a bundle folder holding
model.joblib) that takes the raw columns of a held-out CSV. Reports:
  - permutation importance: drop of the score when a column is shuffled, over --repeats
    shuffles, with mean, std and a 95% interval (across shuffles only);
  - grouped importance: columns shuffled together (--group name=a,b, plus clusters of
    numeric columns whose |Spearman| >= --auto-group), since shuffling one of two
    correlated columns understates both;
  - partial dependence with ICE spread for --pdp columns (average prediction over a grid,
    and how much individual curves disagree with the average);
  - per-group audit for --sensitive columns: size, base rate, selection rate, TPR, FPR,
    precision, AUC, calibration gap (mean score - observed rate) for classifiers at
    --threshold; MAE and mean residual for regressors; and the largest gap of each.
Importance says what the model relies on, not what causes the outcome.
JSON on stdout; exit 2 on bad input. Needs numpy, pandas, scikit-learn and joblib.
Only load model files you produced: unpickling runs code.

Example: python explain.py --model bundle --data test.csv --target churned --drop customer_id \\
    --sensitive gender --sensitive age_band --pdp tenure_months --repeats 10
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import get_scorer, roc_auc_score


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit code 2."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True, help="joblib file or bundle folder")
    parser.add_argument("--data", type=Path, required=True, help="held-out CSV (never training)")
    parser.add_argument("--target", required=True)
    parser.add_argument("--drop", default="", help="comma-separated columns the model ignores")
    parser.add_argument(
        "--scoring",
        help="sklearn scorer name (default: roc_auc for binary, "
        "f1_macro for multiclass, neg_mean_absolute_error for regression)",
    )
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--group", action="append", default=[], help="NAME=col1,col2")
    parser.add_argument(
        "--auto-group",
        type=float,
        default=0.8,
        help="|Spearman| at which numeric columns are grouped (0: off)",
    )
    parser.add_argument("--pdp", action="append", default=[], help="column for PDP/ICE")
    parser.add_argument("--grid", type=int, default=10, help="PDP grid points")
    parser.add_argument("--sensitive", action="append", default=[], help="column to audit by")
    parser.add_argument("--threshold", type=float, default=0.5, help="decision threshold")
    parser.add_argument("--min-group", type=int, default=30, help="smallest group reported")
    parser.add_argument("--max-rows", type=int, default=20000, help="subsample above this")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


# ---------------------------------------------------------------- loading
def load(args: argparse.Namespace):
    path = args.model / "model.joblib" if args.model.is_dir() else args.model
    if not path.is_file():
        raise UsageError(f"model not found: {path}")
    model = joblib.load(path)
    if not args.data.is_file():
        raise UsageError(f"file not found: {args.data}")
    frame = pd.read_csv(args.data)
    drop = [c for c in args.drop.split(",") if c]
    needed = [args.target, *drop, *args.pdp, *args.sensitive]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise UsageError(f"column(s) not found: {', '.join(missing)}")
    frame = frame[frame[args.target].notna()]
    if len(frame) > args.max_rows:
        frame = frame.sample(args.max_rows, random_state=args.seed)
    frame = frame.reset_index(drop=True)
    X = frame.drop(columns=[args.target, *drop])
    # Sensitive columns the model does not use are audited but not passed to it.
    expected = getattr(model, "feature_names_in_", None)
    if expected is not None:
        absent = [c for c in expected if c not in X.columns]
        if absent:
            raise UsageError(f"model expects column(s) missing from the data: {', '.join(absent)}")
        X = X[list(expected)]
    return model, frame, X, frame[args.target]


def task_of(model, y: pd.Series) -> str:
    if hasattr(model, "predict_proba") and hasattr(model, "classes_"):
        return "binary" if len(model.classes_) == 2 else "multiclass"
    return "regression"


# ---------------------------------------------------------------- importance
def shuffled_drop(model, scorer, X, y, columns, repeats, rng) -> np.ndarray:
    base = scorer(model, X, y)
    drops = []
    for _ in range(repeats):
        perm = rng.permutation(len(X))
        Xp = X.copy()
        for col in columns:  # one permutation for all columns: keeps their joint distribution
            Xp[col] = X[col].to_numpy()[perm]
        drops.append(base - scorer(model, Xp, y))
    return np.array(drops)


def summarise(drops: np.ndarray) -> dict:
    mean, sd, r = float(drops.mean()), float(drops.std(ddof=1)), len(drops)
    half = float(stats.t.ppf(0.975, r - 1) * sd / math.sqrt(r)) if r > 1 else float("nan")
    return {"mean": mean, "std": sd, "ci95": [mean - half, mean + half]}


def correlated_groups(X: pd.DataFrame, threshold: float) -> list[list[str]]:
    numeric = X.select_dtypes("number")
    if threshold <= 0 or numeric.shape[1] < 2:
        return []
    corr = numeric.corr(method="spearman").abs().fillna(0).to_numpy()
    names, seen, groups = list(numeric.columns), set(), []
    for i, name in enumerate(names):  # connected components of the |rho| >= threshold graph
        if name in seen:
            continue
        stack, comp = [i], []
        while stack:
            j = stack.pop()
            if names[j] in seen:
                continue
            seen.add(names[j])
            comp.append(names[j])
            stack.extend(k for k in range(len(names)) if k != j and corr[j, k] >= threshold)
        if len(comp) > 1:
            groups.append(sorted(comp))
    return groups


def named_groups(specs: list[str], X: pd.DataFrame) -> dict[str, list[str]]:
    out = {}
    for spec in specs:
        name, _, cols = spec.partition("=")
        columns = [c.strip() for c in cols.split(",") if c.strip()]
        if not name or not columns:
            raise UsageError(f"--group {spec!r}: expected NAME=col1,col2")
        absent = [c for c in columns if c not in X.columns]
        if absent:
            raise UsageError(f"--group {name}: not model inputs: {', '.join(absent)}")
        out[name] = columns
    return out


# ---------------------------------------------------------------- PDP / ICE
def predict_score(model, X: pd.DataFrame, task: str) -> np.ndarray:
    if task == "binary":
        return model.predict_proba(X)[:, 1]
    if task == "multiclass":
        return model.predict_proba(X).max(axis=1)
    return np.asarray(model.predict(X), float)


def pdp(model, X: pd.DataFrame, column: str, task: str, points: int, rng) -> dict:
    sample = X.sample(min(len(X), 500), random_state=int(rng.integers(1 << 31)))
    values = X[column].dropna()
    if pd.api.types.is_numeric_dtype(values):
        grid = np.unique(np.quantile(values, np.linspace(0.05, 0.95, points)))
    else:
        grid = values.value_counts().index[:points].to_numpy()
    curves = []
    for value in grid:
        Xg = sample.copy()
        Xg[column] = value
        curves.append(predict_score(model, Xg, task))
    ice = np.array(curves).T  # rows: examples, columns: grid points
    centred = ice - ice[:, :1]
    spread = float(np.mean(centred.std(axis=0)))
    return {
        "grid": [v.item() if hasattr(v, "item") else v for v in grid],
        "average": ice.mean(axis=0).tolist(),
        "ice_spread": spread,
        "note": "large ice_spread vs the range of 'average' means the effect differs between "
        "rows (interactions): the average curve hides it",
    }


# ---------------------------------------------------------------- group audit
def audit(frame, y, score, column, task, args, classes) -> dict:
    levels, rows = {}, frame[column].fillna("(missing)").astype(str)
    for level, idx in rows.groupby(rows).groups.items():
        if len(idx) < args.min_group:
            continue
        yt, s = y.loc[idx].to_numpy(), score[np.asarray(idx)]
        if task == "binary":
            pos = yt == classes[1]
            pred = s >= args.threshold
            levels[level] = {
                "n": len(idx),
                "base_rate": float(pos.mean()),
                "selection_rate": float(pred.mean()),
                "tpr": rate(pred[pos]),
                "fpr": rate(pred[~pos]),
                "precision": rate(pos[pred]),
                "auc": float(roc_auc_score(pos, s)) if 0 < pos.sum() < len(pos) else None,
                "mean_score": float(s.mean()),
                "calibration_gap": float(s.mean() - pos.mean()),
            }
        elif task == "regression":
            resid = s - yt.astype(float)
            levels[level] = {
                "n": len(idx),
                "mae": float(np.abs(resid).mean()),
                "mean_residual": float(resid.mean()),
            }
        else:
            levels[level] = {"n": len(idx)}
    keys = {
        "binary": ["selection_rate", "tpr", "fpr", "precision", "auc", "calibration_gap"],
        "regression": ["mae", "mean_residual"],
    }.get(task, [])
    gaps = {}
    for key in keys:
        vals = [v[key] for v in levels.values() if v.get(key) is not None]
        if len(vals) > 1:
            gaps[key] = float(max(vals) - min(vals))
    out = {
        "levels": levels,
        "gaps": gaps,
        "skipped_small_groups": int(
            sum(1 for _, g in rows.groupby(rows) if len(g) < args.min_group)
        ),
    }
    sel = [v["selection_rate"] for v in levels.values() if "selection_rate" in v]
    if len(sel) > 1 and max(sel) > 0:
        out["selection_rate_ratio"] = float(min(sel) / max(sel))  # four-fifths rule: < 0.8
    return out


def rate(mask: np.ndarray) -> float | None:
    return float(mask.mean()) if len(mask) else None


# ---------------------------------------------------------------- main
def explain(args: argparse.Namespace) -> dict:
    if args.repeats < 2:
        raise UsageError("--repeats must be at least 2 to give an interval")
    model, frame, X, y = load(args)
    task = task_of(model, y)
    unused = [c for c in args.pdp if c not in X.columns]
    if unused:
        raise UsageError(f"--pdp column(s) not used by the model: {', '.join(unused)}")
    default = {
        "binary": "roc_auc",
        "multiclass": "f1_macro",
        "regression": "neg_mean_absolute_error",
    }[task]
    try:
        scorer = get_scorer(args.scoring or default)
    except ValueError as exc:
        raise UsageError(str(exc).splitlines()[0]) from None
    classes = list(getattr(model, "classes_", []))
    if task == "binary" and not set(y.unique()) <= set(classes):
        raise UsageError(
            f"labels {sorted(map(str, y.unique()))} differ from the model's "
            f"classes {list(map(str, classes))}"
        )
    rng = np.random.default_rng(args.seed)
    result = {
        "task": task,
        "rows": len(X),
        "scoring": args.scoring or default,
        "score": float(scorer(model, X, y)),
    }
    importance = {
        col: summarise(shuffled_drop(model, scorer, X, y, [col], args.repeats, rng))
        for col in X.columns
    }
    result["importance"] = dict(sorted(importance.items(), key=lambda kv: -kv[1]["mean"]))
    groups = named_groups(args.group, X)
    auto = correlated_groups(X, args.auto_group)
    for cols in auto:
        groups.setdefault("+".join(cols), cols)
    result["correlated_groups"] = auto
    result["group_importance"] = {
        name: {
            "columns": cols,
            **summarise(shuffled_drop(model, scorer, X, y, cols, args.repeats, rng)),
        }
        for name, cols in groups.items()
    }
    result["pdp"] = {col: pdp(model, X, col, task, args.grid, rng) for col in args.pdp}
    if args.sensitive:
        score = predict_score(model, X, task)
        result["groups"] = {
            col: audit(frame, y, score, col, task, args, classes) for col in args.sensitive
        }
    result["notes"] = [
        "importance = how much this model's score relies on a column on this data; it is not "
        "the causal effect of changing that column in the world",
        "intervals cover shuffling noise only, not the sampling noise of the evaluation set",
        "correlated columns share credit: read the grouped importance for them",
    ]
    return result


def finite(value):
    """JSON has no NaN or infinity: write null instead."""
    if isinstance(value, dict):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    if isinstance(value, np.generic):
        return finite(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        result = explain(args)
    except UsageError as exc:
        print(f"explain.py: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a clear line instead of a traceback, even for surprises
        print(f"explain.py: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(finite(result), indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
