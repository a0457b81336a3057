#!/usr/bin/env python3
"""Compare a current batch with reference data, feature by feature, and decide on alerts.

Per feature: Population Stability Index (reference-quantile bins for numbers, categories
for the rest), two-sample Kolmogorov-Smirnov for numbers, chi-square homogeneity test for
categories, missing-rate change and the share of never-seen categories. The missing-share
check runs on all rows first, so a feature that went (almost) entirely null alerts even
though too few values remain to test its distribution; otherwise a feature with fewer than
--min-samples values on either side is 'insufficient_data'.
Prints JSON on stdout; exit 0, or 3 with --fail-on-alert when the overall status is alert.
Needs only numpy and pandas.

Example: python drift_report.py --reference train.csv --current batch.csv --exclude id,label
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

EPS = 1e-4
MAX_CATEGORIES = 50
OTHER, NEW = "__other__", "__new__"


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit code 2."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--reference", type=Path, required=True, help="reference CSV (training or validation data)"
    )
    parser.add_argument("--current", type=Path, required=True, help="current batch CSV")
    parser.add_argument("--features", default="", help="comma-separated (default: all shared)")
    parser.add_argument("--exclude", default="", help="comma-separated columns to skip")
    parser.add_argument("--categorical", default="", help="numeric columns to treat as categories")
    parser.add_argument("--prediction", help="model score column: reported as prediction drift")
    parser.add_argument("--bins", type=int, default=10, help="quantile bins for numeric PSI")
    parser.add_argument("--psi-warn", type=float, default=0.1)
    parser.add_argument("--psi-alert", type=float, default=0.25)
    parser.add_argument(
        "--ks-alert",
        type=float,
        default=0.1,
        help="KS statistic that alerts (together with p below --alpha)",
    )
    parser.add_argument("--alpha", type=float, default=0.01, help="test significance level")
    parser.add_argument("--min-samples", type=int, default=100)
    parser.add_argument(
        "--missing-alert",
        type=float,
        default=0.1,
        help="absolute change in missing share that alerts",
    )
    parser.add_argument(
        "--new-category-alert",
        type=float,
        default=0.05,
        help="share of never-seen categories that alerts",
    )
    parser.add_argument("--fail-on-alert", action="store_true", help="exit 3 on alert")
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


def names(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


# ---------------------------------------------------------------- statistics
def psi(ref_share: np.ndarray, cur_share: np.ndarray) -> float:
    r, c = np.maximum(ref_share, EPS), np.maximum(cur_share, EPS)
    return float(np.sum((c - r) * np.log(c / r)))


def ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.sort(a), np.sort(b)
    grid = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, grid, side="right") / len(a)
    cdf_b = np.searchsorted(b, grid, side="right") / len(b)
    return float(np.max(np.abs(cdf_a - cdf_b)))


def ks_pvalue(d: float, n: int, m: int) -> float:
    """Asymptotic two-sided p-value (Kolmogorov distribution with Stephens' correction)."""
    en = math.sqrt(n * m / (n + m))
    lam = (en + 0.12 + 0.11 / en) * d
    if lam < 0.2:
        return 1.0
    k = np.arange(1, 101)
    p = 2 * np.sum((-1.0) ** (k - 1) * np.exp(-2 * k**2 * lam**2))
    return float(min(max(p, 0.0), 1.0))


def gamma_q(a: float, x: float) -> float:
    """Regularised upper incomplete gamma Q(a, x), the chi-square survival function's core."""
    if x <= 0:
        return 1.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:  # series for P(a, x)
        term = total = 1.0 / a
        for n in range(1, 1000):
            term *= x / (a + n)
            total += term
            if term < total * 1e-14:
                break
        return max(0.0, 1.0 - total * math.exp(log_front))
    b, c, d = x + 1 - a, 1e300, 1 / (x + 1 - a)  # continued fraction (modified Lentz)
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2
        d = 1 / (an * d + b or 1e-300)
        c = b + an / c or 1e-300
        h *= d * c
        if abs(d * c - 1) < 1e-14:
            break
    return math.exp(log_front) * h


def chi_square_pvalue(ref_counts: np.ndarray, cur_counts: np.ndarray) -> tuple[float, float]:
    """Homogeneity test on the 2 x K table of counts; categories empty on both sides dropped."""
    table = np.vstack([ref_counts, cur_counts]).astype(float)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        return 0.0, 1.0
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0) / table.sum()
    stat = float(np.sum((table - expected) ** 2 / expected))
    return stat, gamma_q((table.shape[1] - 1) / 2, stat / 2)


# ---------------------------------------------------------------- per feature
def numeric_drift(ref: pd.Series, cur: pd.Series, bins: int) -> dict:
    r, c = ref.to_numpy(dtype=float), cur.to_numpy(dtype=float)
    edges = np.unique(np.quantile(r, np.linspace(0, 1, bins + 1))[1:-1])
    ref_share = np.bincount(np.searchsorted(edges, r, side="right"), minlength=len(edges) + 1)
    cur_share = np.bincount(np.searchsorted(edges, c, side="right"), minlength=len(edges) + 1)
    d = ks_statistic(r, c)
    return {
        "kind": "numeric",
        "psi": psi(ref_share / len(r), cur_share / len(c)),
        "ks_statistic": d,
        "ks_pvalue": ks_pvalue(d, len(r), len(c)),
        "reference_mean": float(r.mean()),
        "current_mean": float(c.mean()),
        "reference_std": float(r.std()),
        "current_std": float(c.std()),
    }


def categorical_drift(ref: pd.Series, cur: pd.Series) -> dict:
    ref, cur = ref.astype(str), cur.astype(str)
    kept = list(ref.value_counts().index[:MAX_CATEGORIES])
    seen = set(ref)
    cur_mapped = cur.where(cur.isin(kept), cur.map(lambda v: OTHER if v in seen else NEW))
    ref_mapped = ref.where(ref.isin(kept), OTHER)
    levels = [*kept, OTHER, NEW]
    ref_counts = ref_mapped.value_counts().reindex(levels, fill_value=0).to_numpy()
    cur_counts = cur_mapped.value_counts().reindex(levels, fill_value=0).to_numpy()
    stat, p = chi_square_pvalue(ref_counts, cur_counts)
    shifts = cur_counts / len(cur) - ref_counts / len(ref)
    top = sorted(zip(levels, shifts, strict=True), key=lambda t: -abs(t[1]))[:3]
    return {
        "kind": "categorical",
        "psi": psi(ref_counts / len(ref), cur_counts / len(cur)),
        "chi2_statistic": stat,
        "chi2_pvalue": p,
        "new_category_share": float((cur_mapped == NEW).mean()),
        "largest_share_changes": {k: round(float(v), 4) for k, v in top},
    }


def judge(stats: dict, missing_change: float, args: argparse.Namespace) -> tuple[str, list]:
    """Alerts need a large effect, not just a small p-value: big samples make everything
    'significant'."""
    alerts, warns = [], []
    if stats["psi"] >= args.psi_alert:
        alerts.append(f"PSI {stats['psi']:.3f} >= {args.psi_alert}")
    elif stats["psi"] >= args.psi_warn:
        warns.append(f"PSI {stats['psi']:.3f} >= {args.psi_warn}")
    p = stats.get("ks_pvalue", stats.get("chi2_pvalue"))
    if stats.get("ks_statistic", 0) >= args.ks_alert and p < args.alpha:
        alerts.append(f"KS {stats['ks_statistic']:.3f} >= {args.ks_alert} (p={p:.2g})")
    elif p < args.alpha:
        warns.append(f"distribution test p={p:.2g} < {args.alpha}")
    if abs(missing_change) >= args.missing_alert:
        alerts.append(f"missing share changed by {missing_change:+.2f}")
    if stats.get("new_category_share", 0) >= args.new_category_alert:
        alerts.append(f"{stats['new_category_share']:.1%} of values are unseen categories")
    status = "alert" if alerts else "warn" if warns else "ok"
    return status, alerts + warns


def feature_report(ref: pd.Series, cur: pd.Series, categorical: bool, args) -> dict:
    missing_ref, missing_cur = float(ref.isna().mean()), float(cur.isna().mean())
    ref_v, cur_v = ref.dropna(), cur.dropna()
    base = {
        "n_reference": len(ref_v),
        "n_current": len(cur_v),
        "missing_reference": missing_ref,
        "missing_current": missing_cur,
    }
    if min(len(ref_v), len(cur_v)) < args.min_samples:
        # A broken join turns a column to null: that is the alert, not a reason to stay quiet.
        change = missing_cur - missing_ref
        if abs(change) >= args.missing_alert and min(len(ref), len(cur)) >= args.min_samples:
            return {
                **base,
                "status": "alert",
                "reasons": [
                    f"missing share changed by {change:+.2f}",
                    f"fewer than {args.min_samples} non-missing values: distribution not tested",
                ],
            }
        return {
            **base,
            "status": "insufficient_data",
            "reasons": [f"fewer than {args.min_samples} non-missing values"],
        }
    stats = (
        categorical_drift(ref_v, cur_v) if categorical else numeric_drift(ref_v, cur_v, args.bins)
    )
    status, reasons = judge(stats, missing_cur - missing_ref, args)
    return {**base, **stats, "status": status, "reasons": reasons}


def is_categorical(series: pd.Series, forced: set[str]) -> bool:
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    return series.name in forced or not numeric


# ---------------------------------------------------------------- report
def choose_features(ref: pd.DataFrame, cur: pd.DataFrame, args) -> tuple[list[str], list[str]]:
    wanted = names(args.features) or list(ref.columns)
    unknown = [c for c in wanted if c not in ref.columns]
    if unknown:
        raise UsageError(f"column(s) not in reference: {', '.join(unknown)}")
    if args.prediction and args.prediction not in ref.columns:
        raise UsageError(f"prediction column {args.prediction!r} not in reference")
    skip = set(names(args.exclude)) | {args.prediction}
    wanted = [c for c in wanted if c not in skip]
    missing_in_current = [c for c in wanted if c not in cur.columns]
    return [c for c in wanted if c in cur.columns], missing_in_current


def overall(features: dict, prediction: dict | None, schema_missing: list[str]) -> dict:
    statuses = {name: f["status"] for name, f in features.items()}
    if prediction:
        statuses["(prediction)"] = prediction["status"]
    alerts = sorted(n for n, s in statuses.items() if s == "alert")
    warns = sorted(n for n, s in statuses.items() if s == "warn")
    judged = [s for s in statuses.values() if s != "insufficient_data"]
    status = "alert" if alerts or schema_missing else "warn" if warns else "ok"
    if not judged and not schema_missing:
        status = "insufficient_data"
    return {
        "status": status,
        "alerting": alerts,
        "warning": warns,
        "missing_columns": schema_missing,
        "drifted_share": len(alerts) / len(judged) if judged else None,
    }


def report(args: argparse.Namespace) -> dict:
    ref, cur = read_csv(args.reference), read_csv(args.current)
    features, schema_missing = choose_features(ref, cur, args)
    forced = set(names(args.categorical))
    per_feature = {
        c: feature_report(ref[c], cur[c], is_categorical(ref[c], forced), args) for c in features
    }
    prediction = None
    if args.prediction:
        if args.prediction not in cur.columns:
            raise UsageError(f"prediction column {args.prediction!r} not in current")
        prediction = feature_report(ref[args.prediction], cur[args.prediction], False, args)
    return {
        "n_reference": len(ref),
        "n_current": len(cur),
        "thresholds": {
            "psi_warn": args.psi_warn,
            "psi_alert": args.psi_alert,
            "ks_alert": args.ks_alert,
            "alpha": args.alpha,
            "min_samples": args.min_samples,
        },
        "overall": overall(per_feature, prediction, schema_missing),
        "prediction": prediction,
        "features": per_feature,
    }


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
        print(f"drift_report.py: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a clear line instead of a traceback, even for surprises
        print(f"drift_report.py: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(finite(result), indent=2))
    summary = result["overall"]
    print(f"overall: {summary['status']}; alerting: {summary['alerting']}", file=sys.stderr)
    return 3 if args.fail_on_alert and summary["status"] == "alert" else 0


if __name__ == "__main__":
    sys.exit(main())
