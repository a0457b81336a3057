#!/usr/bin/env python3
"""Audit a train/test split for the leaks that make scores lie.

Checks: test rows that repeat a train row exactly or nearly (every number within --near-tol
train standard deviations, text equal after case/space/punctuation normalisation; pairs
are compared directly, so values either side of a rounding edge still match), groups
present on both sides,
test rows not strictly after train rows in time, and single features that predict the
target almost perfectly (per-feature AUC, or |Spearman| for a numeric target).
Prints JSON on stdout; exit 0, or 3 with --fail-on-problems when problems are found.
Needs only numpy and pandas.

Example: python check_split.py --train train.csv --test test.csv --target y --group user_id
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

MAX_CLASSES = 20


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit code 2."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=Path, required=True, help="training CSV")
    parser.add_argument("--test", type=Path, required=True, help="test or validation CSV")
    parser.add_argument("--target", help="label column (enables the single-feature screen)")
    parser.add_argument("--group", help="entity column that must not straddle the split")
    parser.add_argument("--time", help="timestamp column: test must come after train")
    parser.add_argument("--ignore-cols", default="", help="comma-separated columns to skip")
    parser.add_argument(
        "--near-tol",
        type=float,
        default=0.01,
        help="near-duplicate tolerance in train standard deviations",
    )
    parser.add_argument(
        "--leak-auc",
        type=float,
        default=0.97,
        help="flag a feature whose single-feature AUC reaches this",
    )
    parser.add_argument("--fail-on-problems", action="store_true", help="exit 3 on problems")
    return parser.parse_args(argv)


def read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise UsageError(f"file not found: {path}")
    try:
        frame = pd.read_csv(path, low_memory=False)
    except pd.errors.EmptyDataError:
        raise UsageError(f"file is empty: {path}") from None
    except (ValueError, pd.errors.ParserError) as exc:
        raise UsageError(f"cannot read {path}: {str(exc).splitlines()[0]}") from None
    if frame.empty:
        raise UsageError(f"no data rows in {path}")
    return frame


def require(frame: pd.DataFrame, columns: list[str], label: str) -> None:
    missing = [c for c in columns if c and c not in frame.columns]
    if missing:
        raise UsageError(f"column(s) not in {label}: {', '.join(missing)}")


def is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


# ---------------------------------------------------------------- duplicates
def row_keys(frame: pd.DataFrame) -> pd.Series:
    return pd.util.hash_pandas_object(frame, index=False)


def text_key(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Hash of the text columns after folding case, spaces and punctuation."""
    if not columns:
        return pd.Series(0, index=frame.index, dtype="uint64")
    folded = {
        c: frame[c].astype(str).str.casefold().str.replace(r"[\W_]+", " ", regex=True).str.strip()
        for c in columns
    }
    return pd.util.hash_pandas_object(pd.DataFrame(folded), index=False)


def scaled_numbers(frame: pd.DataFrame, reference: pd.DataFrame, columns: list[str]):
    scale = [float(reference[c].std()) or 1.0 for c in columns]
    values = [pd.to_numeric(frame[c], errors="coerce").to_numpy(float) for c in columns]
    return np.column_stack(values) / np.array(scale) if columns else np.zeros((len(frame), 0))


def near_duplicates(
    train: pd.DataFrame, test: pd.DataFrame, features: list[str], tol: float
) -> np.ndarray:
    """Test rows with a train row whose text matches and whose every number is within tol
    train-std. Rows are blocked on the text key and on the most varied number's bucket, and
    each test row is compared with the train rows of its own and both neighbouring buckets,
    so two values either side of a bucket edge are still compared (rounding alone missed
    1.0049 vs 1.0051)."""
    numeric = [c for c in features if is_numeric(train[c])]
    text = [c for c in features if c not in numeric]
    x_train, x_test = scaled_numbers(train, train, numeric), scaled_numbers(test, train, numeric)
    left = pd.DataFrame({"key": text_key(test, text).to_numpy(), "row": np.arange(len(test))})
    right = pd.DataFrame({"key": text_key(train, text).to_numpy(), "other": np.arange(len(train))})
    if numeric:
        block = int(np.argmax([train[c].nunique() for c in numeric]))
        width = max(tol, 1e-12)
        left["b"] = np.floor(np.nan_to_num(x_test[:, block], nan=-1e18) / width)
        right["b"] = np.floor(np.nan_to_num(x_train[:, block], nan=-1e18) / width)
        left = pd.concat([left.assign(b=left["b"] + shift) for shift in (-1, 0, 1)])
    found = np.zeros(len(test), dtype=bool)
    on = ["key", "b"] if numeric else ["key"]
    for start in range(0, len(left), 20000):  # bounded memory for large tables
        pairs = left.iloc[start : start + 20000].merge(right, on=on)
        if pairs.empty:
            continue
        a, b = x_test[pairs["row"].to_numpy()], x_train[pairs["other"].to_numpy()]
        both_missing = np.isnan(a) & np.isnan(b)
        gap = np.where(both_missing, 0.0, np.abs(a - b))
        close = np.all(np.nan_to_num(gap, nan=np.inf) <= tol, axis=1)
        found[pairs["row"].to_numpy()[close]] = True
    return found


def duplicate_check(
    train: pd.DataFrame, test: pd.DataFrame, features: list[str], tol: float
) -> dict:
    exact = row_keys(test[features]).isin(set(row_keys(train[features])))
    near = pd.Series(near_duplicates(train, test, features, tol), index=test.index)
    return {
        "features_compared": len(features),
        "test_rows_exactly_in_train": int(exact.sum()),
        "test_rows_nearly_in_train": int((near & ~exact).sum()),
        "share_of_test": float((near | exact).mean()),
        "example_test_rows": [int(i) for i in np.flatnonzero(exact | near)[:5]],
    }


# ---------------------------------------------------------------- groups and time
def group_check(train: pd.DataFrame, test: pd.DataFrame, column: str) -> dict:
    shared = set(train[column].dropna()) & set(test[column].dropna())
    return {
        "column": column,
        "groups_in_both": len(shared),
        "test_rows_in_shared_groups": int(test[column].isin(shared).sum()),
        "examples": sorted(map(str, shared))[:5],
    }


def parse_time(series: pd.Series, label: str) -> pd.Series:
    if is_numeric(series):
        return series.astype(float)
    parsed = pd.to_datetime(series, errors="coerce", format="mixed")
    if parsed.isna().mean() > 0.5:
        raise UsageError(f"time column in {label} does not parse as dates or numbers")
    return parsed


def time_check(train: pd.DataFrame, test: pd.DataFrame, column: str) -> dict:
    train_time, test_time = parse_time(train[column], "train"), parse_time(test[column], "test")
    latest_train = train_time.max()
    return {
        "column": column,
        "train_max": str(latest_train),
        "test_min": str(test_time.min()),
        "test_rows_not_after_train": int((test_time <= latest_train).sum()),
        "ordered": bool(test_time.min() > latest_train),
    }


# ---------------------------------------------------------------- single-feature screen
def rank_auc(score: np.ndarray, positive: np.ndarray) -> float:
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        return math.nan
    ranks = pd.Series(score).rank().to_numpy()
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def out_of_fold_means(codes: np.ndarray, y: np.ndarray, folds: int = 5) -> np.ndarray:
    """Category -> mean target learned on the other folds, so IDs do not score 1.0 trivially."""
    fold = np.random.default_rng(0).integers(0, folds, len(y))
    encoded = np.empty(len(y))
    for k in range(folds):
        fit, held = fold != k, fold == k
        means = pd.Series(y[fit]).groupby(codes[fit]).mean()
        mapped = pd.Series(codes[held]).map(means).fillna(y[fit].mean())
        encoded[held] = mapped.to_numpy()
    return encoded


def as_score(feature: pd.Series, y: np.ndarray) -> np.ndarray:
    if is_numeric(feature):
        return feature.fillna(feature.median()).to_numpy(dtype=float)
    codes, _ = pd.factorize(feature.astype(str))
    return out_of_fold_means(codes, y)


def feature_signal(feature: pd.Series, target: pd.Series) -> tuple[float, str]:
    if is_numeric(target) and target.nunique() > MAX_CLASSES:
        y = target.to_numpy(dtype=float)
        rho = pd.Series(as_score(feature, y)).rank().corr(pd.Series(y).rank())
        return abs(float(rho)) if pd.notna(rho) else 0.0, "abs_spearman"
    best = 0.0
    for cls in target.unique()[:MAX_CLASSES]:
        positive = (target == cls).to_numpy()
        auc = rank_auc(as_score(feature, positive.astype(float)), positive)
        best = max(best, auc, 1 - auc) if not math.isnan(auc) else best
    return best, "auc"


def leakage_screen(train: pd.DataFrame, features: list[str], target: str, threshold: float) -> dict:
    rows = train.dropna(subset=[target])
    scores = []
    for col in features:
        value, method = feature_signal(rows[col], rows[target])
        scores.append({"feature": col, "score": round(value, 4), "method": method})
    scores.sort(key=lambda s: -s["score"])
    return {
        "threshold": threshold,
        "top": scores[:5],
        "suspected": [s["feature"] for s in scores if s["score"] >= threshold],
    }


def target_shift(train: pd.Series, test: pd.Series) -> dict:
    if is_numeric(train) and train.nunique() > MAX_CLASSES:
        return {"train_mean": float(train.mean()), "test_mean": float(test.mean())}
    shares = pd.concat(
        [train.value_counts(normalize=True), test.value_counts(normalize=True)],
        axis=1,
        keys=["train", "test"],
    ).fillna(0.0)
    return {
        "class_shares": {
            str(k): [round(float(a), 4), round(float(b), 4)] for k, (a, b) in shares.iterrows()
        }
    }


# ---------------------------------------------------------------- report
def problems_of(report: dict) -> list[str]:
    found = []
    dup = report["duplicates"]
    if dup["test_rows_exactly_in_train"]:
        found.append(f"{dup['test_rows_exactly_in_train']} test rows repeat a train row exactly")
    if dup["test_rows_nearly_in_train"]:
        found.append(f"{dup['test_rows_nearly_in_train']} test rows nearly repeat a train row")
    if report.get("groups", {}).get("groups_in_both"):
        found.append(f"{report['groups']['groups_in_both']} groups appear in train and test")
    if report.get("time") and not report["time"]["ordered"]:
        found.append(
            f"{report['time']['test_rows_not_after_train']} test rows are not later "
            "than the latest train row"
        )
    for feature in report.get("leakage", {}).get("suspected", []):
        found.append(f"feature {feature!r} alone nearly predicts the target: leak?")
    return found


def check(args: argparse.Namespace) -> dict:
    train, test = read_csv(args.train), read_csv(args.test)
    keys = [args.group, args.time]
    require(train, [*keys, args.target], "train")
    require(test, keys, "test")
    skip = {args.target, args.group, args.time, *filter(None, args.ignore_cols.split(","))}
    features = [c for c in train.columns if c in test.columns and c not in skip]
    if not features:
        raise UsageError("train and test share no feature columns")
    report = {
        "n_train": len(train),
        "n_test": len(test),
        "duplicates": duplicate_check(train, test, features, args.near_tol),
    }
    if args.group:
        report["groups"] = group_check(train, test, args.group)
    if args.time:
        report["time"] = time_check(train, test, args.time)
    if args.target:
        report["leakage"] = leakage_screen(train, features, args.target, args.leak_auc)
        if args.target in test.columns:
            report["target_shift"] = target_shift(train[args.target], test[args.target])
    report["problems"] = problems_of(report)
    report["ok"] = not report["problems"]
    return report


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        report = check(args)
    except UsageError as exc:
        print(f"check_split.py: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a clear line instead of a traceback, even for surprises
        print(f"check_split.py: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2, default=str))
    for problem in report["problems"]:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 3 if args.fail_on_problems and report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
