#!/usr/bin/env python3
"""Check a batch of rows against the training schema before scoring it: a data contract.

Reads schema.json (make_schema.py) and a CSV. Violations (exit 3): a feature column
missing, values of the wrong type, nulls in a field that was never null in training, a
missing share above the training share plus --max-missing-increase, more than
--max-out-of-range of a number outside the training range, more than --max-unseen of a
string in unseen categories. Unknown extra columns are listed, not failed. Read as text
first, so a code like 01234 is judged as written. JSON on stdout; exit 0 when the batch
honours the contract, 2 on bad input, 3 on violations. Needs only pandas.

Example: python check_contract.py --schema bundle/schema.json --data batch.csv
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
    parser.add_argument("--schema", type=Path, required=True, help="from make_schema.py")
    parser.add_argument("--data", type=Path, required=True, help="batch CSV to check")
    parser.add_argument("--max-missing-increase", type=float, default=0.05)
    parser.add_argument("--max-out-of-range", type=float, default=0.01)
    parser.add_argument("--max-unseen", type=float, default=0.01)
    return parser.parse_args(argv)


def load(args: argparse.Namespace) -> tuple[dict, pd.DataFrame]:
    for path in (args.schema, args.data):
        if not path.is_file():
            raise UsageError(f"file not found: {path}")
    try:
        schema = json.loads(args.schema.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"schema is not valid JSON: {exc}") from None
    if not isinstance(schema.get("features"), dict):
        raise UsageError("schema has no 'features': make it with make_schema.py")
    try:
        frame = pd.read_csv(args.data, dtype=str, keep_default_na=True)
    except pd.errors.EmptyDataError:
        raise UsageError(f"file is empty: {args.data}") from None
    return schema, frame


def check_feature(name: str, spec: dict, text: pd.Series, args) -> tuple[dict, list[str]]:
    present = text.notna()
    missing_share = float(1 - present.mean()) if len(text) else 0.0
    info = {"missing_share": missing_share}
    problems = []
    if spec.get("required") and not present.all():
        problems.append(f"{int((~present).sum())} nulls in a field never null in training")
    allowed = spec.get("missing_share", 0.0) + args.max_missing_increase
    if missing_share > allowed:
        problems.append(f"missing share {missing_share:.1%} above {allowed:.1%}")
    values = text[present].str.strip()
    kind = spec.get("type")
    if kind in ("number", "integer"):
        numbers = pd.to_numeric(values, errors="coerce")
        bad = values[numbers.isna()]
        if len(bad):
            problems.append(f"{len(bad)} non-numeric values, e.g. {bad.iloc[0]!r}")
        numbers = numbers.dropna()
        if kind == "integer" and len(numbers) and not (numbers % 1 == 0).all():
            problems.append("non-integer values in an integer field")
        if "min" in spec and len(numbers):
            outside = float(((numbers < spec["min"]) | (numbers > spec["max"])).mean())
            info["out_of_range_share"] = outside
            if outside > args.max_out_of_range:
                problems.append(f"{outside:.1%} outside the training range")
    elif kind == "boolean":
        bad = values[~values.str.lower().isin(["true", "false", "0", "1"])]
        if len(bad):
            problems.append(f"{len(bad)} values that are not booleans, e.g. {bad.iloc[0]!r}")
    elif spec.get("categories") and len(values):
        unseen = float((~values.isin(spec["categories"])).mean())
        info["unseen_share"] = unseen
        if unseen > args.max_unseen:
            problems.append(f"{unseen:.1%} of values are unseen categories")
    return info, problems


def check(args: argparse.Namespace) -> dict:
    schema, frame = load(args)
    features = schema["features"]
    missing_columns = [c for c in features if c not in frame.columns]
    report, violations = {}, {}
    for name, spec in features.items():
        if name in missing_columns:
            continue
        report[name], problems = check_feature(name, spec, frame[name], args)
        if problems:
            violations[name] = problems
    extra = [c for c in frame.columns if c not in features and c != schema.get("target")]
    ok = not missing_columns and not violations
    return {
        "ok": ok,
        "rows": len(frame),
        "missing_columns": missing_columns,
        "violations": violations,
        "extra_columns": extra,
        "features": report,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        result = check(args)
    except UsageError as exc:
        print(f"check_contract.py: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a clear line instead of a traceback, even for surprises
        print(f"check_contract.py: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0 if result["ok"] else 3


if __name__ == "__main__":
    sys.exit(main())
