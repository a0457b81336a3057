#!/usr/bin/env python3
"""Cross-validated baselines for a tabular dataset: the numbers any model must beat.

Fits a dummy model, a linear model (imputation, scaling, one-hot, optional TF-IDF text) and
HistGradientBoosting, each inside one scikit-learn Pipeline so preprocessing is learnt on
the training folds only. Splits by group (--group), by time (--time, parsed as dates so
day-first strings cannot sort as text; with --group, test rows of groups already seen in
training are dropped) or stratified at random. Missing text is treated as an empty document.
Prints mean and std of each metric per model as JSON on stdout.
Needs numpy, pandas and scikit-learn.

Example: python baseline.py train.csv --target churned --group customer_id
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    StratifiedGroupKFold,
    StratifiedKFold,
    TimeSeriesSplit,
    cross_validate,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    OneHotEncoder,
    OrdinalEncoder,
    StandardScaler,
)

SCORING = {
    "binary": {
        "roc_auc": "roc_auc",
        "pr_auc": "average_precision",
        "log_loss": "neg_log_loss",
        "balanced_accuracy": "balanced_accuracy",
    },
    "multiclass": {
        "accuracy": "accuracy",
        "balanced_accuracy": "balanced_accuracy",
        "f1_macro": "f1_macro",
        "log_loss": "neg_log_loss",
    },
    "regression": {
        "mae": "neg_mean_absolute_error",
        "rmse": "neg_root_mean_squared_error",
        "r2": "r2",
    },
}
PRIMARY = {"binary": "pr_auc", "multiclass": "log_loss", "regression": "mae"}
LOWER_IS_BETTER = {"log_loss", "mae", "rmse"}


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit code 2."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="training CSV (never the test set)")
    parser.add_argument("--target", required=True, help="label column")
    parser.add_argument("--task", choices=["auto", "classification", "regression"], default="auto")
    parser.add_argument("--cv", type=int, default=5, help="number of folds")
    parser.add_argument("--group", help="keep each group's rows in one fold")
    parser.add_argument("--time", help="order by this column and use forward-chaining folds")
    parser.add_argument(
        "--time-format",
        help="strptime format of --time when it is text, e.g. %%d/%%m/%%Y (default: inferred, "
        "and the run stops if one format does not fit every row)",
    )
    parser.add_argument(
        "--gap", type=int, default=0, help="rows left out between train and test in time folds"
    )
    parser.add_argument("--drop", default="", help="comma-separated columns to ignore (IDs)")
    parser.add_argument("--text-cols", default="", help="comma-separated free-text columns")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def names(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def load(args: argparse.Namespace) -> pd.DataFrame:
    if not args.data.is_file():
        raise UsageError(f"file not found: {args.data}")
    try:
        frame = pd.read_csv(args.data, low_memory=False)
    except pd.errors.EmptyDataError:
        raise UsageError(f"file is empty: {args.data}") from None
    needed = [args.target, args.group, args.time, *names(args.drop), *names(args.text_cols)]
    missing = [c for c in needed if c and c not in frame.columns]
    if missing:
        raise UsageError(f"column(s) not found: {', '.join(missing)}")
    frame = frame.dropna(subset=[args.target])
    if len(frame) < 2 * args.cv:
        raise UsageError(f"{len(frame)} labelled rows is too few for {args.cv}-fold CV")
    if args.time:
        order = time_order(frame[args.time], args.time_format, args.time)
        frame = frame.iloc[np.argsort(order.to_numpy(), kind="mergesort")].reset_index(drop=True)
    return frame


def time_order(column: pd.Series, fmt: str | None, name: str) -> pd.Series:
    """Numbers sort as numbers; text must parse as dates (sorting '31/01' < '01/02' as strings
    would interleave months and leak the future into training folds)."""
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
        if column.isna().any():
            raise UsageError(f"--time column {name!r} has missing values")
        return column
    try:
        parsed = pd.to_datetime(column, format=fmt, errors="raise")
    except (ValueError, TypeError) as exc:
        first = str(exc).splitlines()[0]
        raise UsageError(
            f"--time column {name!r} does not parse as dates ({first}); "
            "pass --time-format, e.g. %d/%m/%Y"
        ) from None
    if parsed.isna().any():
        raise UsageError(f"--time column {name!r} has missing values")
    return parsed


def task_of(y: pd.Series, requested: str) -> str:
    numeric = pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y)
    if requested == "regression" or (requested == "auto" and numeric and y.nunique() > 20):
        if not numeric:
            raise UsageError("regression needs a numeric target")
        return "regression"
    if y.nunique() < 2:
        raise UsageError("the target has a single class")
    return "binary" if y.nunique() == 2 else "multiclass"


# ---------------------------------------------------------------- pipelines
def column_kinds(frame: pd.DataFrame, args: argparse.Namespace) -> dict[str, list[str]]:
    text = names(args.text_cols)
    skip = {args.target, args.group, args.time, *names(args.drop), *text}
    rest = [c for c in frame.columns if c not in skip]
    numeric = [
        c
        for c in rest
        if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    ]
    categorical = [c for c in rest if c not in numeric]
    if not numeric + categorical + text:
        raise UsageError("no feature columns left after --drop")
    return {"numeric": numeric, "categorical": categorical, "text": text}


def linear_features(kinds: dict[str, list[str]]) -> ColumnTransformer:
    parts = [
        (
            "num",
            make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler()),
            kinds["numeric"],
        ),
        (
            "cat",
            make_pipeline(
                SimpleImputer(strategy="constant", fill_value="missing"),
                OneHotEncoder(
                    handle_unknown="infrequent_if_exist", min_frequency=5, max_categories=50
                ),
            ),
            kinds["categorical"],
        ),
    ]
    parts += [(f"text_{c}", text_features(), [c]) for c in kinds["text"]]
    return ColumnTransformer([p for p in parts if len(p[2])], sparse_threshold=0.3)


def text_features() -> Pipeline:
    """Missing text is an empty document (TfidfVectorizer raises on NaN); ravel hands the
    vectoriser the 1-D strings it expects. Built from library parts only, so it pickles."""
    return make_pipeline(
        SimpleImputer(strategy="constant", fill_value=""),
        FunctionTransformer(np.ravel, feature_names_out="one-to-one"),
        TfidfVectorizer(min_df=2, ngram_range=(1, 2), max_features=20000),
    )


def tree_features(kinds: dict[str, list[str]]) -> ColumnTransformer:
    # Unknown and missing become -1, which HistGradientBoosting treats as missing; it accepts
    # at most max_bins (255) categories, so rarer levels are pooled into one.
    ordinal = OrdinalEncoder(
        handle_unknown="use_encoded_value",
        unknown_value=-1,
        encoded_missing_value=-1,
        max_categories=255,
    )
    parts = [
        ("num", "passthrough", kinds["numeric"]),
        (
            "cat",
            make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"), ordinal),
            kinds["categorical"],
        ),
    ]
    return ColumnTransformer([p for p in parts if p[2]], remainder="drop")


def models(task: str, kinds: dict[str, list[str]], seed: int) -> dict[str, Pipeline]:
    n_cat = len(kinds["categorical"])
    cat_mask = [False] * len(kinds["numeric"]) + [True] * n_cat
    hgb_args = {"random_state": seed, "categorical_features": cat_mask if n_cat else None}
    if task == "regression":
        dummy, linear = DummyRegressor(), Ridge(alpha=1.0)
        boosted = HistGradientBoostingRegressor(**hgb_args)
    else:
        dummy, linear = DummyClassifier(strategy="prior"), LogisticRegression(max_iter=2000)
        boosted = HistGradientBoostingClassifier(**hgb_args)
    found = {
        # The dummy ignores X: no preprocessing, so it cannot fail on the features.
        "dummy": make_pipeline(dummy),
        "linear": make_pipeline(linear_features(kinds), linear),
    }
    if kinds["numeric"] or kinds["categorical"]:
        found["hist_gradient_boosting"] = make_pipeline(tree_features(kinds), boosted)
    return found


class TimeThenGroupSplit:
    """Forward-chaining folds that also keep groups apart: TimeSeriesSplit ignores groups, so
    test rows whose group already appears in the training rows are dropped from that fold."""

    def __init__(self, n_splits: int, gap: int) -> None:
        self.inner = TimeSeriesSplit(n_splits=n_splits, gap=gap)

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        return self.inner.get_n_splits()

    def split(self, X, y=None, groups=None):
        groups = np.asarray(groups)
        for train, test in self.inner.split(X):
            unseen = test[~np.isin(groups[test], groups[train])]
            if len(unseen) == 0:
                raise UsageError("every test group also appears in training: use fewer --cv")
            yield train, unseen


def splitter(task: str, args: argparse.Namespace):
    if args.time and args.group:
        return (
            TimeThenGroupSplit(args.cv, args.gap),
            f"forward-chaining by {args.time}; test rows of {args.group} groups seen in "
            "training dropped",
        )
    if args.time:
        return TimeSeriesSplit(n_splits=args.cv, gap=args.gap), "forward-chaining by " + args.time
    if args.group and task != "regression":
        return (
            StratifiedGroupKFold(args.cv, shuffle=True, random_state=args.seed),
            "stratified group k-fold by " + args.group,
        )
    if args.group:
        return GroupKFold(args.cv), "group k-fold by " + args.group
    if task == "regression":
        return KFold(args.cv, shuffle=True, random_state=args.seed), "shuffled k-fold"
    return StratifiedKFold(args.cv, shuffle=True, random_state=args.seed), "stratified k-fold"


# ---------------------------------------------------------------- run
def summarise(scores: dict, names_to_scorers: dict) -> dict:
    out = {}
    for name in names_to_scorers:
        sign = -1.0 if name in LOWER_IS_BETTER else 1.0
        test, train = sign * scores[f"test_{name}"], sign * scores[f"train_{name}"]
        out[name] = {
            "mean": finite(np.nanmean(test)),
            "std": finite(np.nanstd(test)),
            "train_mean": finite(np.nanmean(train)),
        }
    return out


def finite(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def evaluate(frame: pd.DataFrame, args: argparse.Namespace) -> dict:
    y = frame[args.target]
    task = task_of(y, args.task)
    kinds = column_kinds(frame, args)
    cv, description = splitter(task, args)
    scoring = SCORING[task]
    groups = frame[args.group] if args.group else None
    results = {}
    for name, model in models(task, kinds, args.seed).items():
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scores = cross_validate(
                model,
                frame.drop(columns=[args.target]),
                y,
                cv=cv,
                groups=groups,
                scoring=scoring,
                return_train_score=True,
                error_score=np.nan,
            )
        results[name] = {
            **summarise(scores, scoring),
            "seconds": round(time.perf_counter() - start, 2),
        }
    primary = PRIMARY[task]
    ranked = [n for n in results if results[n][primary]["mean"] is not None]
    best = (min if primary in LOWER_IS_BETTER else max)(
        ranked, key=lambda n: results[n][primary]["mean"], default=None
    )
    return {
        "task": task,
        "n_rows": len(frame),
        "features": kinds,
        "cv": description,
        "folds": args.cv,
        "primary_metric": primary,
        "best": best,
        "models": results,
    }


def one_line(exc: Exception) -> str:
    """scikit-learn's 'All the fits failed' message embeds whole tracebacks: keep the type,
    its first line and the underlying error (the last non-empty line)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if len(lines) <= 1:
        return f"{type(exc).__name__}: {lines[0] if lines else ''}"
    return f"{type(exc).__name__}: {lines[0]} ... {lines[-1]}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        result = evaluate(load(args), args)
    except UsageError as exc:
        print(f"baseline.py: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a clear line instead of a traceback, even for surprises
        print(f"baseline.py: unexpected error: {one_line(exc)}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
