#!/usr/bin/env python3
"""Point-in-time feature joins and online/offline parity checks.

Subcommands:
  join    for each event row (entity, event time), take the latest feature row of the same
          entity that was *available* strictly before the event: feature time + --delay
          (landing latency of the batch) < event time. --ttl nulls features older than that,
          as an online store would. Writes the joined CSV and prints coverage and staleness,
          and re-checks that no joined feature comes from the event's future.
  parity  compare feature values logged by the online service with the offline (training)
          values for the same keys: per-feature mismatch share, with a numeric tolerance.
          Exit 3 when a feature disagrees on more than --max-mismatch of the rows or too few
          keys match: training/serving skew.
Entity ids are read as text (leading zeros kept); times are parsed to UTC (naive times are
taken as UTC). JSON on stdout; exit 2 on bad input. Needs pandas.

Examples:
  python asof_join.py join --events labels.csv --entity customer_id --event-time label_time \\
      --features daily_feats.csv --feature-time computed_at --delay 2h --ttl 3d --out train.csv
  python asof_join.py parity --offline train.csv --online served_features.csv \\
      --keys customer_id,label_time --features txn_count_7d,avg_amount_30d
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
    sub = parser.add_subparsers(dest="command", required=True)

    join = sub.add_parser("join", help="point-in-time (as-of) join")
    join.add_argument("--events", type=Path, required=True, help="CSV: entity, event time, label")
    join.add_argument("--entity", required=True, help="entity key column (in both files)")
    join.add_argument("--event-time", required=True, help="prediction moment of each event")
    join.add_argument("--features", type=Path, required=True, help="CSV of feature snapshots")
    join.add_argument("--feature-time", required=True, help="when each feature row was computed")
    join.add_argument("--feature-entity", help="entity column in --features, if named differently")
    join.add_argument("--delay", default="0s", help="availability lag, e.g. 2h (pandas Timedelta)")
    join.add_argument("--ttl", help="drop features older than this at the event, e.g. 3d")
    join.add_argument(
        "--allow-exact",
        action="store_true",
        help="a feature available exactly at the event time may be used",
    )
    join.add_argument("--out", type=Path, required=True)

    parity = sub.add_parser("parity", help="online vs offline feature values")
    parity.add_argument("--offline", type=Path, required=True)
    parity.add_argument("--online", type=Path, required=True)
    parity.add_argument("--keys", required=True, help="comma-separated key columns")
    parity.add_argument("--time-keys", default="", help="key columns holding times (parsed)")
    parity.add_argument("--features", help="comma-separated (default: shared non-key columns)")
    parity.add_argument("--rtol", type=float, default=1e-6)
    parity.add_argument("--atol", type=float, default=1e-9)
    parity.add_argument("--max-mismatch", type=float, default=0.0, help="tolerated share")
    parity.add_argument(
        "--min-coverage",
        type=float,
        default=0.95,
        help="share of online keys that must exist offline",
    )
    return parser.parse_args(argv)


# ---------------------------------------------------------------- join
def join(args: argparse.Namespace) -> dict:
    fent = args.feature_entity or args.entity
    events = read_csv(args.events, args.entity)
    feats = read_csv(args.features, fent)
    require(events, [args.entity, args.event_time], args.events)
    require(feats, [fent, args.feature_time], args.features)
    delay, ttl = (
        timedelta(args.delay, "--delay"),
        timedelta(args.ttl, "--ttl") if args.ttl else None,
    )
    event_time = to_utc(events[args.event_time], args.event_time)
    feature_time = to_utc(feats[args.feature_time], args.feature_time)
    if events[args.entity].isna().any() or feats[fent].isna().any():
        raise UsageError("entity ids must not be empty")
    feature_cols = [c for c in feats.columns if c not in (fent, args.feature_time)]
    clash = sorted(set(feature_cols) & set(events.columns))
    if clash:
        raise UsageError(f"column(s) in both files: {', '.join(clash)}; rename one side")

    left = pd.DataFrame(
        {"_row": np.arange(len(events)), "_key": events[args.entity], "_t": event_time}
    )
    right = feats[feature_cols].copy()
    right["_key"] = feats[fent].to_numpy()
    right["_available"] = feature_time + delay
    right["feature_as_of"] = feature_time
    # merge_asof needs both sides sorted on the time key; the row id restores event order.
    merged = pd.merge_asof(
        left.sort_values("_t"),
        right.sort_values("_available"),
        left_on="_t",
        right_on="_available",
        by="_key",
        direction="backward",
        allow_exact_matches=args.allow_exact,
    ).sort_values("_row")
    age = merged["_t"] - merged["feature_as_of"]
    expired = (age > ttl) if ttl is not None else pd.Series(False, index=merged.index)
    merged.loc[expired, feature_cols] = np.nan
    merged.loc[expired, "feature_as_of"] = pd.NaT

    future = (
        (merged["_available"] > merged["_t"])
        if args.allow_exact
        else (merged["_available"] >= merged["_t"])
    )
    if future.any():  # cannot happen with direction="backward"; guards future edits
        raise RuntimeError(f"{int(future.sum())} joined rows use features from the future")

    out = events.copy()
    for col in feature_cols:
        out[col] = merged[col].to_numpy()
    out["feature_as_of"] = merged["feature_as_of"].to_numpy()
    out.to_csv(args.out, index=False)

    matched = merged["feature_as_of"].notna()
    stale = (merged["_t"] - merged["feature_as_of"])[matched].dt.total_seconds() / 3600
    result = {
        "rows": len(out),
        "matched": int(matched.sum()),
        "unmatched": int((~matched).sum()),
        "expired_by_ttl": int(expired.sum()),
        "staleness_hours": quantiles(stale),
        "out": str(args.out),
    }
    if len(out) and (~matched).mean() > 0.05:
        result["warning"] = (
            f"{(~matched).mean():.0%} of events have no feature row before them: check the "
            "feature history starts early enough, the key types match, and --ttl"
        )
    return result


# ---------------------------------------------------------------- parity
def parity(args: argparse.Namespace) -> dict:
    keys = split(args.keys)
    time_keys = split(args.time_keys)
    offline = read_csv(args.offline, *keys)
    online = read_csv(args.online, *keys)
    require(offline, keys, args.offline)
    require(online, keys, args.online)
    for frame in (offline, online):
        for key in time_keys:
            frame[key] = to_utc(frame[key], key)
    features = (
        split(args.features)
        if args.features
        else [c for c in online.columns if c in offline.columns and c not in keys]
    )
    if not features:
        raise UsageError("no feature columns shared by both files")
    require(offline, features, args.offline)
    require(online, features, args.online)
    for name, frame in (("offline", offline), ("online", online)):
        dups = int(frame.duplicated(keys).sum())
        if dups:
            raise UsageError(f"{dups} duplicate key row(s) in the {name} file: keys must be unique")
    both = online.merge(
        offline, on=keys, how="left", suffixes=("_online", "_offline"), indicator=True
    )
    found = both["_merge"] == "both"
    coverage = float(found.mean()) if len(both) else 0.0
    both = both[found]
    report, failing = {}, []
    for col in features:
        a, b = both[f"{col}_online"], both[f"{col}_offline"]
        differs = mismatch(a, b, args.rtol, args.atol)
        share = float(differs.mean()) if len(both) else 0.0
        report[col] = {
            "mismatch_share": share,
            "mismatches": int(differs.sum()),
            "examples": examples(both[differs], keys, col),
        }
        if share > args.max_mismatch:
            failing.append(col)
    status = "ok"
    if failing or coverage < args.min_coverage:
        status = "skew"
    return {
        "status": status,
        "online_rows": len(online),
        "key_coverage": coverage,
        "failing_features": failing,
        "features": report,
    }


def mismatch(a: pd.Series, b: pd.Series, rtol: float, atol: float) -> pd.Series:
    """True where values differ: numbers beyond tolerance, text exactly, one-sided nulls."""
    na, nb = a.isna(), b.isna()
    an, bn = pd.to_numeric(a, errors="coerce"), pd.to_numeric(b, errors="coerce")
    numeric = (an.notna() | na) & (bn.notna() | nb)
    if numeric.all():
        close = np.isclose(an.to_numpy(float), bn.to_numpy(float), rtol=rtol, atol=atol)
        same = pd.Series(close, index=a.index) | (na & nb)
    else:
        same = (a.astype(str).str.strip() == b.astype(str).str.strip()) | (na & nb)
    return ~same


def examples(rows: pd.DataFrame, keys: list[str], col: str) -> list[dict]:
    picked = rows.head(3)
    return [
        {
            **{k: str(r[k]) for k in keys},
            "online": r[f"{col}_online"],
            "offline": r[f"{col}_offline"],
        }
        for _, r in picked.iterrows()
    ]


# ---------------------------------------------------------------- helpers
def read_csv(path: Path, *text_cols: str) -> pd.DataFrame:
    if not path.is_file():
        raise UsageError(f"file not found: {path}")
    try:
        return pd.read_csv(path, dtype={c: str for c in text_cols})
    except pd.errors.EmptyDataError:
        raise UsageError(f"file is empty: {path}") from None


def require(frame: pd.DataFrame, columns: list[str], path: Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise UsageError(f"column(s) not found in {path.name}: {', '.join(missing)}")


def to_utc(values: pd.Series, name: str) -> pd.Series:
    parsed = pd.to_datetime(values, utc=True, errors="coerce", format="ISO8601")
    bad = parsed.isna() & values.notna()
    if bad.any() or values.isna().any():
        example = values[bad].iloc[0] if bad.any() else "empty"
        raise UsageError(
            f"{int(bad.sum() + values.isna().sum())} value(s) of {name} are not ISO-8601 "
            f"times (e.g. {example!r}); convert them explicitly first"
        )
    return parsed


def timedelta(text: str, flag: str) -> pd.Timedelta:
    try:
        value = pd.Timedelta(text)
    except ValueError:
        raise UsageError(f"{flag} {text!r} is not a duration such as 2h or 3d") from None
    if value < pd.Timedelta(0):
        raise UsageError(f"{flag} must not be negative")
    return value


def quantiles(values: pd.Series) -> dict:
    if values.empty:
        return {}
    q = values.quantile([0.5, 0.9, 0.99])
    return {
        "p50": float(q[0.5]),
        "p90": float(q[0.9]),
        "p99": float(q[0.99]),
        "max": float(values.max()),
    }


def split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def finite(value):
    """JSON has no NaN or infinity: write null instead."""
    if isinstance(value, dict):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    if isinstance(value, np.generic):
        return finite(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        result = join(args) if args.command == "join" else parity(args)
    except UsageError as exc:
        print(f"asof_join.py: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a clear line instead of a traceback, even for surprises
        print(f"asof_join.py: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(finite(result), indent=2, default=str))
    return 3 if result.get("status") == "skew" else 0


if __name__ == "__main__":
    sys.exit(main())
