#!/usr/bin/env python3
"""Plan and read A/B tests: sample size, hashed assignment, SRM check, effect with CI, CUPED.

Subcommands:
  size        units per arm for a proportion (--baseline) or a mean (--sd), given the smallest
              effect worth detecting (--mde, absolute; --relative for a share of the baseline)
  assign      deterministic arm per unit id: sha256 of "experiment:id", so a user keeps
              their arm across sessions and experiments are independent of each other
  analyze     one row per randomised unit: sample-ratio-mismatch test, difference in means
              (Welch) with its CI and relative lift, CUPED with a pre-period covariate,
              guardrails as non-inferiority checks, and a ship / no-ship / inconclusive call
  sequential  the same data read at every look (cumulative by a time column): the naive
              p-value next to an always-valid mSPRT p-value and confidence sequence, for
              teams that watch the dashboard daily
JSON on stdout; exit 2 on bad input. Needs numpy, pandas and scipy.

Examples:
  python ab_analysis.py size --baseline 0.10 --mde 0.01
  python ab_analysis.py assign ids.csv --id-col user_id --experiment checkout-v2 --out arms.csv
  python ab_analysis.py analyze units.csv --arm arm --control control --metric converted \\
      --pre pre_spend --guardrail latency_ms:higher:0.02
  python ab_analysis.py sequential units.csv --arm arm --control control --metric spend \\
      --time day --mde 0.5
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

SRM_ALPHA = 0.001  # strict on purpose: an SRM alarm invalidates the whole readout


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit code 2."""


# ---------------------------------------------------------------- arguments
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    size = sub.add_parser("size", help="units per arm")
    size.add_argument("--baseline", type=float, help="control conversion rate (proportions)")
    size.add_argument("--sd", type=float, help="standard deviation of the metric (means)")
    size.add_argument("--mde", type=float, required=True, help="smallest effect worth finding")
    size.add_argument("--relative", action="store_true", help="--mde is a share of baseline")
    size.add_argument("--alpha", type=float, default=0.05, help="two-sided false-positive rate")
    size.add_argument("--power", type=float, default=0.8)
    size.add_argument("--ratio", type=float, default=1.0, help="treatment units per control")
    size.add_argument("--daily-units", type=float, help="eligible units per day (both arms)")

    assign = sub.add_parser("assign", help="hashed assignment")
    assign.add_argument("data", type=Path, help="CSV with the unit ids")
    assign.add_argument("--id-col", required=True)
    assign.add_argument("--experiment", required=True, help="salt: one name per experiment")
    assign.add_argument("--arms", default="control,treatment")
    assign.add_argument("--weights", help="traffic shares, e.g. 50,50 (default equal)")
    assign.add_argument("--out", type=Path, required=True, help="CSV written with an arm column")

    for name in ("analyze", "sequential"):
        cmd = sub.add_parser(name)
        cmd.add_argument("data", type=Path, help="CSV, one row per randomised unit")
        cmd.add_argument("--arm", required=True, help="arm column")
        cmd.add_argument("--control", required=True, help="value of --arm for the control")
        cmd.add_argument("--treatment", help="treatment arm (needed with more than two arms)")
        cmd.add_argument("--metric", required=True, help="primary metric, per unit")
        cmd.add_argument("--pre", help="pre-experiment covariate for CUPED (same metric before)")
        cmd.add_argument("--alpha", type=float, default=0.05)
        cmd.add_argument("--lower-is-better", action="store_true", help="for the primary metric")
        if name == "analyze":
            cmd.add_argument("--expected", help="planned traffic shares control,treatment")
            cmd.add_argument(
                "--guardrail",
                action="append",
                default=[],
                help="COLUMN:higher|lower:MARGIN, the harmful direction and the largest "
                "tolerated relative change (latency_ms:higher:0.02)",
            )
            cmd.add_argument("--min-effect", type=float, default=0.0, help="practical bar")
        else:
            cmd.add_argument("--time", required=True, help="look column: rows up to each value")
            cmd.add_argument("--mde", type=float, required=True, help="mixing scale tau")
    return parser.parse_args(argv)


# ---------------------------------------------------------------- planning
def sample_size(args: argparse.Namespace) -> dict:
    if (args.baseline is None) == (args.sd is None):
        raise UsageError("give exactly one of --baseline (proportion) or --sd (mean)")
    if not (0 < args.alpha < 1 and 0 < args.power < 1) or args.mde <= 0 or args.ratio <= 0:
        raise UsageError("need 0 < alpha, power < 1 and positive --mde and --ratio")
    z = stats.norm.ppf(1 - args.alpha / 2) + stats.norm.ppf(args.power)
    if args.baseline is not None:
        p1 = args.baseline
        delta = args.mde * p1 if args.relative else args.mde
        p2 = p1 + delta
        if not (0 < p1 < 1 and 0 < p2 < 1):
            raise UsageError(f"rates must lie in (0, 1): baseline {p1}, treated {p2}")
        # Unpooled variance under the alternative; n_t = ratio * n_c.
        n_control = z**2 * (p1 * (1 - p1) + p2 * (1 - p2) / args.ratio) / delta**2
        kind = "proportion"
    else:
        if args.sd <= 0:
            raise UsageError("--sd must be positive")
        delta = args.mde * args.sd if args.relative else args.mde
        n_control = z**2 * args.sd**2 * (1 + 1 / args.ratio) / delta**2
        kind = "mean"
    n_control = math.ceil(n_control)
    n_treatment = math.ceil(n_control * args.ratio)
    out = {
        "kind": kind,
        "absolute_mde": delta,
        "alpha": args.alpha,
        "power": args.power,
        "n_control": n_control,
        "n_treatment": n_treatment,
        "n_total": n_control + n_treatment,
    }
    if args.daily_units:
        out["days"] = math.ceil(out["n_total"] / args.daily_units)
        out["note"] = "run whole weeks (at least 1-2) so weekday effects average out"
    return out


def bucket(unit_id: str, experiment: str) -> float:
    """Uniform number in [0, 1) from the salted id: stable, and independent across salts."""
    digest = hashlib.sha256(f"{experiment}:{unit_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign(args: argparse.Namespace) -> dict:
    frame = read_csv(args.data, dtype={args.id_col: str})
    require(frame, [args.id_col])
    arms = [a.strip() for a in args.arms.split(",") if a.strip()]
    weights = parse_shares(args.weights, len(arms)) if args.weights else [1 / len(arms)] * len(arms)
    edges = np.cumsum(weights)
    ids = frame[args.id_col].fillna("").astype(str)
    if (ids == "").any():
        raise UsageError(f"{int((ids == '').sum())} row(s) have no id")
    draws = ids.map(lambda i: bucket(i, args.experiment)).to_numpy()
    index = np.minimum(np.searchsorted(edges, draws, side="right"), len(arms) - 1)
    frame["arm"] = [arms[i] for i in index]
    frame.to_csv(args.out, index=False)
    counts = frame["arm"].value_counts().reindex(arms, fill_value=0)
    return {"experiment": args.experiment, "out": str(args.out), "counts": counts.to_dict()}


# ---------------------------------------------------------------- analysis
def welch(t: np.ndarray, c: np.ndarray, alpha: float) -> dict:
    """Difference of means (treatment - control), Welch CI and p-value, relative lift."""
    nt, nc = len(t), len(c)
    mt, mc = float(t.mean()), float(c.mean())
    vt, vc = float(t.var(ddof=1)), float(c.var(ddof=1))
    se2 = vt / nt + vc / nc
    diff = mt - mc
    if se2 == 0:
        raise UsageError("the metric has no variance in either arm")
    df = se2**2 / ((vt / nt) ** 2 / (nt - 1) + (vc / nc) ** 2 / (nc - 1))
    q = stats.t.ppf(1 - alpha / 2, df)
    se = math.sqrt(se2)
    out = {
        "control_mean": mc,
        "treatment_mean": mt,
        "difference": diff,
        "ci": [diff - q * se, diff + q * se],
        "p_value": float(2 * stats.t.sf(abs(diff) / se, df)),
    }
    if mc != 0:  # delta method for the ratio mt/mc - 1
        var_rel = (vt / nt) / mc**2 + mt**2 * (vc / nc) / mc**4
        rel, zq = mt / mc - 1, stats.norm.ppf(1 - alpha / 2)
        out["relative_lift"] = rel
        out["relative_ci"] = [rel - zq * math.sqrt(var_rel), rel + zq * math.sqrt(var_rel)]
    return out


def cuped(frame: pd.DataFrame, metric: str, pre: str) -> tuple[pd.Series, dict]:
    """Y - theta (X - mean X), theta from both arms pooled: same mean, smaller variance."""
    y, x = frame[metric], frame[pre]
    if x.var() == 0:
        raise UsageError(f"--pre {pre} is constant: nothing to adjust with")
    theta = float(np.cov(y, x, ddof=1)[0, 1] / x.var(ddof=1))
    adjusted = y - theta * (x - x.mean())
    reduction = 1 - float(adjusted.var() / y.var())
    return adjusted, {"theta": theta, "variance_reduction": reduction}


def srm(counts: pd.Series, expected: list[float]) -> dict:
    total = counts.sum()
    result = stats.chisquare(counts.to_numpy(), f_exp=np.array(expected) * total)
    p = float(result.pvalue)
    return {
        "counts": {str(k): int(v) for k, v in counts.items()},
        "expected_shares": expected,
        "p_value": p,
        "mismatch": p < SRM_ALPHA,
    }


def guardrail(frame, arm, control, treatment, spec: str, alpha: float) -> dict:
    try:
        column, direction, margin = spec.rsplit(":", 2)
        margin = float(margin)
    except ValueError:
        raise UsageError(f"--guardrail {spec!r}: expected COLUMN:higher|lower:MARGIN") from None
    if direction not in ("higher", "lower"):
        raise UsageError(f"--guardrail {spec!r}: direction must be 'higher' or 'lower'")
    require(frame, [column])
    values = numeric(frame, column)
    res = welch(values[arm == treatment], values[arm == control], alpha)
    if "relative_ci" not in res:
        raise UsageError(f"guardrail {column}: control mean is 0, no relative change")
    sign = 1 if direction == "higher" else -1  # harm measured as a positive number
    harm = sign * res["relative_lift"]
    worst = max(sign * b for b in res["relative_ci"])
    best = min(sign * b for b in res["relative_ci"])
    # Non-inferiority: pass only when even the worst plausible change is within the margin.
    status = (
        "ok" if worst < margin else "fail" if harm >= margin or best >= margin else "inconclusive"
    )
    return {
        "column": column,
        "harmful_direction": direction,
        "margin": margin,
        "relative_change": res["relative_lift"],
        "relative_ci": res["relative_ci"],
        "status": status,
    }


def analyze(args: argparse.Namespace) -> dict:
    frame, arm, treatment = load_arms(args)
    counts = pd.Series(arm).value_counts().reindex([args.control, treatment], fill_value=0)
    expected = parse_shares(args.expected, 2) if args.expected else [0.5, 0.5]
    out = {"control": args.control, "treatment": treatment, "srm": srm(counts, expected)}
    y = numeric(frame, args.metric)
    out["primary"] = {
        "metric": args.metric,
        **welch(y[arm == treatment], y[arm == args.control], args.alpha),
    }
    reading = out["primary"]
    if args.pre:
        adjusted, info = cuped(frame.assign(**{args.metric: y}), args.metric, args.pre)
        res = welch(
            adjusted[arm == treatment].to_numpy(),
            adjusted[arm == args.control].to_numpy(),
            args.alpha,
        )
        out["cuped"] = {"covariate": args.pre, **info, **res}
        reading = out["cuped"]
    out["guardrails"] = [
        guardrail(frame, arm, args.control, treatment, spec, args.alpha) for spec in args.guardrail
    ]
    out["decision"] = decide(out, reading, args)
    return out


def decide(out: dict, reading: dict, args: argparse.Namespace) -> dict:
    reasons = []
    if out["srm"]["mismatch"]:
        return {
            "call": "invalid",
            "reasons": [
                f"sample-ratio mismatch (p={out['srm']['p_value']:.2g}): assignment or logging "
                "is broken; find the cause before reading any metric"
            ],
        }
    low, high = reading["ci"]
    if args.lower_is_better:
        low, high = -high, -low
    if low > args.min_effect:
        primary = "win"
        reasons.append(f"primary CI excludes {args.min_effect} in the good direction")
    elif high < 0:
        primary = "loss"
        reasons.append("primary metric is significantly worse")
    else:
        primary = "flat"
        reasons.append(
            f"primary CI [{reading['ci'][0]:.4g}, {reading['ci'][1]:.4g}] is not decisive"
        )
    states = {g["column"]: g["status"] for g in out["guardrails"]}
    for column, status in states.items():
        if status != "ok":
            reasons.append(f"guardrail {column}: {status}")
    if primary == "loss" or "fail" in states.values():
        call = "no-ship"
    elif primary == "win" and all(s == "ok" for s in states.values()):
        call = "ship"
    else:
        call = "inconclusive"
    return {"call": call, "reasons": reasons}


# ---------------------------------------------------------------- sequential
def msprt(diff: np.ndarray, var: np.ndarray, tau: float, alpha: float) -> dict:
    """Normal-mixture SPRT (mixing N(0, tau^2)): always-valid p-values and a confidence
    sequence. Valid at every look, however often one peeks; arrays run over the looks."""
    diff, var = np.asarray(diff, float), np.asarray(var, float)
    t2 = tau**2
    log_lr = 0.5 * np.log(var / (var + t2)) + t2 * diff**2 / (2 * var * (var + t2))
    p = np.minimum.accumulate(np.minimum(1.0, np.exp(-log_lr)))
    half = np.sqrt(var * (var + t2) / t2 * (np.log((var + t2) / var) - 2 * np.log(alpha)))
    return {"p_value": p, "low": diff - half, "high": diff + half}


def sequential(args: argparse.Namespace) -> dict:
    frame, arm, treatment = load_arms(args)
    require(frame, [args.time])
    if args.mde <= 0:
        raise UsageError("--mde must be positive")
    y = numeric(frame, args.metric)
    if args.pre:
        y, _ = cuped(frame.assign(**{args.metric: y}), args.metric, args.pre)
        y = y.to_numpy()
    looks = sorted(frame[args.time].dropna().unique())
    rows, diffs, variances = [], [], []
    for look in looks:
        upto = (frame[args.time] <= look).to_numpy()
        t, c = y[upto & (arm == treatment)], y[upto & (arm == args.control)]
        if min(len(t), len(c)) < 2:
            continue
        res = welch(t, c, args.alpha)
        diffs.append(res["difference"])
        variances.append(t.var(ddof=1) / len(t) + c.var(ddof=1) / len(c))
        rows.append(
            {
                "look": look,
                "n": int(len(t) + len(c)),
                "difference": res["difference"],
                "naive_p": res["p_value"],
                "naive_ci": res["ci"],
            }
        )
    if not rows:
        raise UsageError("no look has two units in each arm")
    seq = msprt(np.array(diffs), np.array(variances), args.mde, args.alpha)
    for i, row in enumerate(rows):
        row["always_valid_p"] = float(seq["p_value"][i])
        row["confidence_sequence"] = [float(seq["low"][i]), float(seq["high"][i])]
    first = next((r["look"] for r in rows if r["always_valid_p"] < args.alpha), None)
    naive_first = next((r["look"] for r in rows if r["naive_p"] < args.alpha), None)
    return {
        "looks": rows,
        "stop_at": first,
        "naive_would_stop_at": naive_first,
        "note": "stop only on always_valid_p; naive p-values are invalid after repeated looks",
    }


# ---------------------------------------------------------------- input helpers
def read_csv(path: Path, **kwargs) -> pd.DataFrame:
    if not path.is_file():
        raise UsageError(f"file not found: {path}")
    try:
        return pd.read_csv(path, **kwargs)
    except pd.errors.EmptyDataError:
        raise UsageError(f"file is empty: {path}") from None


def require(frame: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c and c not in frame.columns]
    if missing:
        raise UsageError(f"column(s) not found: {', '.join(missing)}")


def numeric(frame: pd.DataFrame, column: str) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = int(values.isna().sum())
    if bad:
        raise UsageError(
            f"{bad} row(s) of {column} are missing or not numbers; decide how to "
            "count them (0 for no purchase?) before analysing"
        )
    return values.to_numpy(float)


def parse_shares(text: str, k: int) -> list[float]:
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise UsageError(f"shares must be numbers: {text!r}") from None
    if len(values) != k or min(values) <= 0:
        raise UsageError(f"need {k} positive shares, got {text!r}")
    return [v / sum(values) for v in values]


def load_arms(args: argparse.Namespace) -> tuple[pd.DataFrame, np.ndarray, str]:
    frame = read_csv(args.data, dtype={args.arm: str})
    require(frame, [args.arm, args.metric, args.pre])
    frame = frame[frame[args.arm].notna()].reset_index(drop=True)
    arms = set(frame[args.arm])
    if args.control not in arms:
        raise UsageError(f"control arm {args.control!r} not in {sorted(arms)}")
    others = sorted(arms - {args.control})
    treatment = args.treatment or (others[0] if len(others) == 1 else None)
    if treatment is None or treatment not in arms:
        raise UsageError(f"choose --treatment among {others}")
    if args.pre and frame[args.pre].isna().any():
        # Units without a pre-period get the mean: CUPED stays unbiased, it just helps less.
        frame[args.pre] = frame[args.pre].fillna(frame[args.pre].mean())
    keep = frame[args.arm].isin([args.control, treatment]).to_numpy()
    frame = frame[keep].reset_index(drop=True)
    arm = frame[args.arm].to_numpy()
    for name in (args.control, treatment):
        if (arm == name).sum() < 2:
            raise UsageError(f"arm {name!r} has fewer than 2 units")
    return frame, arm, treatment


def finite(value):
    """JSON has no NaN or infinity: write null instead."""
    if isinstance(value, dict):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, np.generic):
        return finite(value.item())
    return value


COMMANDS = {"size": sample_size, "assign": assign, "analyze": analyze, "sequential": sequential}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        result = COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"ab_analysis.py: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a clear line instead of a traceback, even for surprises
        print(f"ab_analysis.py: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(finite(result), indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
