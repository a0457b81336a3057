#!/usr/bin/env python3
"""Write the input schema a prediction service validates requests against.

Reads the training CSV and records, per feature: type (number, integer, boolean, string),
whether it may be missing, the training range of numbers and the known categories of
strings (a column that is entirely null in training gets no range). serve.py rejects
requests that break the types (HTTP 422) and flags values outside the training range or
unseen categories as warnings. With --bundle the features and their order come from the
bundle (bundle.py) and the schema is written into it as schema.json. Strict JSON on stdout
(and --out). check_contract.py reuses the schema as a batch data contract.
Needs only pandas.

Examples:
  python make_schema.py train.csv --target churned --drop customer_id --out schema.json
  python make_schema.py train.csv --bundle bundle
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit code 2."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="training CSV the model was fitted on")
    parser.add_argument("--target", help="label column, left out of the schema")
    parser.add_argument("--drop", default="", help="comma-separated columns the model ignores")
    parser.add_argument(
        "--max-categories",
        type=int,
        default=50,
        help="list known categories up to this many distinct values",
    )
    parser.add_argument("--out", type=Path, help="also write the schema here")
    parser.add_argument(
        "--bundle", type=Path, help="bundle folder: its features, and write its schema.json"
    )
    return parser.parse_args(argv)


def load(args: argparse.Namespace) -> pd.DataFrame:
    if not args.data.is_file():
        raise UsageError(f"file not found: {args.data}")
    try:
        frame = pd.read_csv(args.data)
    except pd.errors.EmptyDataError:
        raise UsageError(f"file is empty: {args.data}") from None
    drop = [c.strip() for c in args.drop.split(",") if c.strip()]
    if args.target:
        drop.append(args.target)
    missing = [c for c in drop if c not in frame.columns]
    if missing:
        raise UsageError(f"column(s) not found: {', '.join(missing)}")
    if frame.empty:
        raise UsageError(f"no data rows in {args.data}")
    frame = frame.drop(columns=drop)
    if args.bundle:
        manifest = args.bundle / "bundle.json"
        if not manifest.is_file():
            raise UsageError(f"no bundle.json in {args.bundle}: write it with bundle.py")
        bundle = json.loads(manifest.read_text(encoding="utf-8"))
        wanted = [f["name"] for f in bundle["features"]]
        absent = [c for c in wanted if c not in frame.columns]
        if absent:
            raise UsageError(f"bundle feature(s) not in {args.data}: {', '.join(absent)}")
        args.target = args.target or bundle.get("target")
        frame = frame[wanted]
    return frame


def feature_spec(series: pd.Series, max_categories: int) -> dict:
    spec = {"required": not bool(series.isna().any()), "missing_share": float(series.isna().mean())}
    values = series.dropna()
    if pd.api.types.is_bool_dtype(series):
        return {**spec, "type": "boolean"}
    if pd.api.types.is_numeric_dtype(series):
        kind = "integer" if pd.api.types.is_integer_dtype(series) else "number"
        if values.empty:  # all null in training: no range to warn against
            return {**spec, "type": kind}
        return {**spec, "type": kind, "min": float(values.min()), "max": float(values.max())}
    spec["type"] = "string"
    if values.nunique() <= max_categories:
        spec["categories"] = sorted(map(str, values.unique()))
    return spec


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        frame = load(args)
    except UsageError as exc:
        print(f"make_schema.py: error: {exc}", file=sys.stderr)
        return 2
    schema = {
        "target": args.target,
        "feature_order": [str(c) for c in frame.columns],
        "features": {str(c): feature_spec(frame[c], args.max_categories) for c in frame.columns},
    }
    text = json.dumps(schema, indent=2, allow_nan=False)
    if args.bundle and not args.out:
        args.out = args.bundle / "schema.json"
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
