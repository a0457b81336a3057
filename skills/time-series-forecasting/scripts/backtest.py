#!/usr/bin/env python3
"""Rolling-origin backtest of forecasting baselines: the scores a real model has to beat.

For each of --folds forecast origins (cutoffs on the shared time grid, --step apart, the last
one --horizon before the end) every series is cut at the origin, and naive, seasonal naive,
drift and mean forecasts are scored on the next --horizon points: MAE, RMSE, sMAPE and MASE
(scaled by the in-sample seasonal-naive error of the training part). The fold cutoffs are
printed so a real model can be backtested on the same folds. JSON on stdout.
Needs only numpy and pandas.

Example:
  python backtest.py sales.csv --time date --target units --series store --horizon 14 --season 7
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit code 2."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="CSV in long format: time, [series,] target")
    parser.add_argument("--time", required=True, help="timestamp column")
    parser.add_argument("--target", required=True, help="value column")
    parser.add_argument("--series", help="series ID column for many series in one file")
    parser.add_argument("--horizon", type=int, required=True, help="steps ahead to forecast")
    parser.add_argument(
        "--season",
        type=int,
        default=1,
        help="season length in steps (7 for "
        "daily data with a weekly cycle, 12 for monthly, 1 for none)",
    )
    parser.add_argument("--folds", type=int, default=3, help="number of forecast origins")
    parser.add_argument("--step", type=int, help="steps between origins (default: horizon)")
    return parser.parse_args(argv)


def load(args: argparse.Namespace) -> pd.DataFrame:
    if not args.data.is_file():
        raise UsageError(f"file not found: {args.data}")
    try:
        frame = pd.read_csv(args.data)
    except pd.errors.EmptyDataError:
        raise UsageError(f"file is empty: {args.data}") from None
    missing = [c for c in (args.time, args.target, args.series) if c and c not in frame.columns]
    if missing:
        raise UsageError(f"column(s) not found: {', '.join(missing)}")
    if frame.empty:
        raise UsageError(f"no data rows in {args.data}")
    if args.horizon < 1 or args.season < 1 or args.folds < 1:
        raise UsageError("--horizon, --season and --folds must be at least 1")
    frame[args.time] = pd.to_datetime(frame[args.time], errors="coerce", format="mixed")
    frame[args.target] = pd.to_numeric(frame[args.target], errors="coerce")
    if frame[args.time].isna().any():
        raise UsageError(f"{int(frame[args.time].isna().sum())} rows have an unparsable time")
    return frame.sort_values(args.time, kind="mergesort")


# ---------------------------------------------------------------- forecasts and metrics
def forecasts(train: np.ndarray, horizon: int, season: int) -> dict[str, np.ndarray]:
    steps = np.arange(horizon)
    last_season = train[-season:] if len(train) >= season else train[-1:]
    slope = (train[-1] - train[0]) / (len(train) - 1) if len(train) > 1 else 0.0
    return {
        "naive": np.repeat(train[-1], horizon),
        "seasonal_naive": last_season[steps % len(last_season)],
        "drift": train[-1] + slope * (steps + 1),
        "mean": np.repeat(train.mean(), horizon),
    }


def mase_scale(train: np.ndarray, season: int) -> float:
    """Mean absolute error of the in-sample seasonal naive forecast (naive when too short)."""
    lag = season if len(train) > season else 1
    errors = np.abs(train[lag:] - train[:-lag])
    return float(errors.mean()) if len(errors) else math.nan


def scores(actual: np.ndarray, predicted: np.ndarray, scale: float) -> dict[str, float]:
    error = actual - predicted
    denominator = np.abs(actual) + np.abs(predicted)
    smape = np.where(
        denominator > 0, 2 * np.abs(error) / np.where(denominator > 0, denominator, 1), 0.0
    )
    mae = float(np.mean(np.abs(error)))
    return {
        "mae": mae,
        "rmse": float(np.sqrt(np.mean(error**2))),
        "smape": float(np.mean(smape)),
        "mase": mae / scale if scale and math.isfinite(scale) and scale > 0 else math.nan,
    }


# ---------------------------------------------------------------- backtest
def cutoffs(times: np.ndarray, args: argparse.Namespace) -> list[int]:
    """Index into the time grid of each origin: the first forecast step of each fold."""
    step = args.step or args.horizon
    origins = [len(times) - args.horizon - k * step for k in range(args.folds)][::-1]
    minimum = max(2, args.season + 1)
    if origins[0] < minimum:
        raise UsageError(
            f"{len(times)} time points are too few for {args.folds} folds of "
            f"horizon {args.horizon}: lower --folds, --step or --horizon"
        )
    return origins


def series_of(frame: pd.DataFrame, args: argparse.Namespace):
    if args.series:
        yield from frame.groupby(args.series, sort=True)
    else:
        yield "all", frame


def fold_scores(frame: pd.DataFrame, start, end, args) -> dict[str, list[dict]]:
    """Scores of each baseline on [start, end) for every series, trained on time < start."""
    found: dict[str, list[dict]] = {}
    for _, part in series_of(frame, args):
        train = part.loc[part[args.time] < start, args.target].dropna().to_numpy(dtype=float)
        test = part.loc[(part[args.time] >= start) & (part[args.time] < end), args.target]
        test = test.to_numpy(dtype=float)
        if len(train) < 2 or len(test) == 0 or np.isnan(test).any():
            continue
        scale = mase_scale(train, args.season)
        for name, prediction in forecasts(train, len(test), args.season).items():
            found.setdefault(name, []).append(scores(test, prediction, scale))
    return found


def mean_of(rows: list[dict]) -> dict[str, float | None]:
    out = {}
    for key in rows[0]:
        values = [r[key] for r in rows if math.isfinite(r[key])]
        out[key] = float(np.mean(values)) if values else None
    return out


def regularity_warnings(frame: pd.DataFrame, args: argparse.Namespace) -> list[str]:
    notes = []
    for name, part in series_of(frame, args):
        steps = part[args.time].diff().dropna()
        if steps.nunique() > 1:
            notes.append(
                f"series {name}: irregular time steps; resample to a fixed frequency "
                "and decide what a missing step means (zero or unknown)"
            )
        if part[args.time].duplicated().any():
            notes.append(f"series {name}: repeated timestamps; aggregate them first")
    return notes[:10]


def backtest(args: argparse.Namespace) -> dict:
    frame = load(args)
    times = np.sort(frame[args.time].unique())
    folds, per_method = [], {}
    for k, origin in enumerate(cutoffs(times, args)):
        start = times[origin]
        end = (
            times[origin + args.horizon]
            if origin + args.horizon < len(times)
            else (times[-1] + np.timedelta64(1, "ns"))
        )
        results = fold_scores(frame, start, end, args)
        folds.append(
            {
                "fold": k,
                "train_before": str(pd.Timestamp(start)),
                "test_start": str(pd.Timestamp(start)),
                "test_end": str(pd.Timestamp(times[min(origin + args.horizon, len(times)) - 1])),
                "baselines": {m: mean_of(rows) for m, rows in results.items()},
            }
        )
        for method, rows in results.items():
            per_method.setdefault(method, []).extend(rows)
    overall = {m: mean_of(rows) for m, rows in per_method.items()}
    ranked = [m for m in overall if overall[m]["mase"] is not None]
    return {
        "n_series": sum(1 for _ in series_of(frame, args)),
        "horizon": args.horizon,
        "season": args.season,
        "folds": folds,
        "baselines": overall,
        "best_baseline_by_mase": min(ranked, key=lambda m: overall[m]["mase"], default=None),
        "warnings": regularity_warnings(frame, args),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        result = backtest(args)
    except UsageError as exc:
        print(f"backtest.py: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a clear line instead of a traceback, even for surprises
        print(f"backtest.py: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
