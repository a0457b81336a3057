#!/usr/bin/env python3
"""Profile a table before modelling: types, missingness and the data bugs that cost the most.

Finds sentinel values (-999, 9999), numbers stored as text, mixed units and scales, mixed
date formats, case/whitespace/typo variants of categories, ID-like and constant columns,
codes whose leading zeros the numeric parse dropped (zip 01234 -> 1234), dates and free
text stored as strings (never advised to target-encode), duplicate rows and duplicates
with conflicting labels. Prints one JSON document on stdout.
Needs only numpy and pandas.

Example: python profile_data.py data.csv --target churned --id-cols customer_id
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

MISSING_TOKENS = {"", "na", "n/a", "nan", "null", "none", "?", "-", "--", "missing", "unknown"}
UNIT_VALUE = re.compile(r"^\s*[-+]?\d[\d,]*(\.\d+)?\s*([A-Za-z%°µ]+)\s*$")
NUMBER_TEXT = re.compile(r"[,$€£%\s]")
MAX_CATEGORIES_FOR_VARIANTS = 200
SAMPLE = 5000


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit code 2."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="CSV, TSV or Parquet file")
    parser.add_argument("--target", help="label column: class balance, conflicting labels")
    parser.add_argument("--id-cols", default="", help="comma-separated ID columns")
    parser.add_argument("--top", type=int, default=5, help="most frequent values to list")
    return parser.parse_args(argv)


def read_table(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise UsageError(f"file not found: {path}")
    try:
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, sep="\t" if path.suffix == ".tsv" else ",", low_memory=False)
    except pd.errors.EmptyDataError:
        raise UsageError(f"file is empty: {path}") from None
    except (ValueError, ImportError, pd.errors.ParserError) as exc:
        raise UsageError(f"cannot read {path}: {str(exc).splitlines()[0]}") from None
    if frame.empty:
        raise UsageError(f"no data rows in {path}")
    return frame


def split_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def require_columns(frame: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise UsageError(
            f"column(s) not found: {', '.join(missing)} "
            f"(have: {', '.join(map(str, frame.columns[:20]))})"
        )


def is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def issue(kind: str, detail: str, **extra) -> dict:
    return {"type": kind, "detail": detail, **extra}


# ---------------------------------------------------------------- numeric columns
def numeric_stats(values: pd.Series) -> dict:
    v = values.dropna().astype(float)
    if v.empty:
        return {}
    q = v.quantile([0.01, 0.5, 0.99])
    return {
        "min": v.min(),
        "p01": q[0.01],
        "p50": q[0.5],
        "p99": q[0.99],
        "max": v.max(),
        "mean": v.mean(),
        "std": v.std(),
        "zero_frac": float((v == 0).mean()),
        "negative_frac": float((v < 0).mean()),
    }


def looks_like_sentinel(value: float, others_nonnegative: bool) -> bool:
    if value != int(value) or abs(value) < 9:
        return value == -1 and others_nonnegative
    digits = str(abs(int(value)))
    return set(digits) == {"9"} or (value < 0 and others_nonnegative)


def sentinel_issues(values: pd.Series) -> list[dict]:
    v = values.dropna().astype(float)
    counts = v.value_counts()
    found = []
    for extreme in sorted({v.min(), v.max()}):
        rest_nonneg = bool((v[v != extreme] >= 0).all())
        n = int(counts.get(extreme, 0))
        if n >= max(2, 0.005 * len(v)) and looks_like_sentinel(extreme, rest_nonneg):
            found.append(
                issue(
                    "sentinel",
                    f"{extreme:g} appears {n} times at the extreme; probably a code for missing",
                    value=extreme,
                    count=n,
                )
            )
    return found


def scale_gap_issues(values: pd.Series) -> list[dict]:
    """Two clusters decades apart (grams vs kilograms, cents vs dollars)."""
    v = np.sort(np.log10(values[values > 0].astype(float).to_numpy()))
    if len(v) < 50:
        return []
    gaps = np.diff(v)
    cut = int(np.argmax(gaps))
    low_share = (cut + 1) / len(v)
    if gaps[cut] >= 1.5 and 0.02 <= low_share <= 0.98:
        ratio = 10 ** round(float(np.median(v[cut + 1 :]) - np.median(v[: cut + 1])))
        return [
            issue(
                "mixed_scale",
                f"values form two groups about {ratio:g}x apart "
                f"({low_share:.0%} in the lower group): mixed units?",
            )
        ]
    return []


def skew_issues(values: pd.Series) -> list[dict]:
    v = values.dropna().astype(float)
    if len(v) >= 20 and v.nunique() > 10 and (v >= 0).all() and v.skew() > 2:
        return [issue("skewed", f"skewness {v.skew():.1f}; consider log1p for linear models")]
    return []


# ---------------------------------------------------------------- text columns
def disguised_missing_issues(text: pd.Series) -> list[dict]:
    tokens = text.str.strip().str.lower()
    hits = text[tokens.isin(MISSING_TOKENS)]
    if hits.empty:
        return []
    shown = sorted(set(hits))[:5]
    return [
        issue("disguised_missing", f"{len(hits)} values mean 'missing': {shown}", count=len(hits))
    ]


def numeric_text_issues(text: pd.Series) -> list[dict]:
    parsed = pd.to_numeric(text.str.replace(NUMBER_TEXT, "", regex=True), errors="coerce")
    rate = float(parsed.notna().mean())
    if rate < 0.8:
        return []
    bad = sorted(set(text[parsed.isna()]))[:5]
    return [
        issue(
            "numeric_as_text",
            f"{rate:.0%} of values parse as numbers; unparsable examples: {bad}",
            parse_rate=rate,
        )
    ]


def unit_issues(text: pd.Series) -> list[dict]:
    units = text.str.extract(UNIT_VALUE)[1].dropna().str.lower()
    if units.nunique() < 2:
        return []
    counts = {str(k): int(n) for k, n in units.value_counts().items()}
    return [issue("mixed_units", f"numbers carry different units: {counts}", units=counts)]


def shape_of(value: str) -> str:
    return re.sub(r"[A-Za-z]+", "a", re.sub(r"\d", "9", value))


def date_issues(text: pd.Series) -> list[dict]:
    sample = text.head(SAMPLE)
    if not sample.str.contains(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{8}", regex=True).mean() > 0.8:
        return []
    found = []
    shapes = sample.map(shape_of).value_counts()
    if len(shapes) > 1:
        found.append(
            issue(
                "mixed_date_formats",
                f"date strings come in {len(shapes)} shapes: "
                f"{ {k: int(n) for k, n in shapes.head(4).items()} }; parse each format explicitly",
            )
        )
    found += day_month_issues(sample)
    parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
    odd = parsed[(parsed.dt.year < 1900) | (parsed.dt.year > pd.Timestamp.now().year + 1)]
    if len(odd):
        found.append(issue("implausible_dates", f"{len(odd)} dates before 1900 or in the future"))
    return found


def day_month_issues(sample: pd.Series) -> list[dict]:
    parts = sample.str.extract(r"^(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}")
    parts = parts.dropna().astype(int)
    if parts.empty:
        return []
    first_big, second_big = (parts[0] > 12).any(), (parts[1] > 12).any()
    if first_big and second_big:
        return [issue("day_month_order_mixed", "some dates are day-first and some month-first")]
    if not first_big and not second_big:
        return [
            issue(
                "day_month_ambiguous",
                "no day above 12: day-first or month-first is "
                "undecidable from the data; check the source",
            )
        ]
    return []


def variant_issues(text: pd.Series) -> list[dict]:
    counts = text.value_counts()
    if len(counts) > MAX_CATEGORIES_FOR_VARIANTS:
        return []
    key = counts.index.to_series().str.casefold().str.replace(r"[\s._-]+", " ", regex=True)
    groups = counts.groupby(key.str.strip().to_numpy()).apply(lambda g: list(g.index))
    variants = {k: v for k, v in groups.items() if len(v) > 1}
    found = []
    if variants:
        found.append(
            issue(
                "category_variants",
                f"{len(variants)} categories are spelled several ways (case, spaces)",
                variants=dict(list(variants.items())[:10]),
            )
        )
    typos = likely_typos(counts)
    if typos:
        found.append(
            issue(
                "possible_typos",
                f"rare values close to common ones: {typos[:10]}",
                pairs=typos[:10],
            )
        )
    return found


def likely_typos(counts: pd.Series) -> list[list[str]]:
    words = counts[~counts.index.astype(str).str.contains(r"\d")]
    common = [str(v) for v, n in words.items() if n >= 5]
    pairs = []
    for value, n in words.items():
        limit = [c for c in common if counts[c] >= 5 * n and c != value]
        match = difflib.get_close_matches(str(value), limit, n=1, cutoff=0.8)
        if match and str(value).casefold() != match[0].casefold():
            pairs.append([str(value), match[0]])
    return pairs


# ---------------------------------------------------------------- per column
def profile_column(series: pd.Series, n_rows: int, top: int) -> dict:
    non_null = series.dropna()
    n_unique = int(non_null.nunique())
    info = {
        "dtype": str(series.dtype),
        "missing": int(series.isna().sum()),
        "missing_frac": float(series.isna().mean()),
        "n_unique": n_unique,
        "top": [[to_jsonable(v), int(n)] for v, n in non_null.value_counts().head(top).items()],
    }
    issues = generic_issues(series, non_null, n_unique, n_rows)
    if is_numeric(series):
        info["stats"] = numeric_stats(series)
        if not non_null.empty:
            issues += sentinel_issues(non_null) + scale_gap_issues(non_null) + skew_issues(non_null)
    elif not pd.api.types.is_bool_dtype(series) and not non_null.empty:
        issues += text_issues(non_null.astype(str), n_unique)
    info["issues"] = issues
    return info


def generic_issues(series: pd.Series, non_null: pd.Series, n_unique: int, n_rows: int) -> list:
    found = []
    if series.isna().mean() >= 0.3:
        found.append(
            issue(
                "high_missing",
                f"{series.isna().mean():.0%} missing; add a "
                "missing indicator or drop if it carries no signal",
            )
        )
    if n_unique <= 1:
        found.append(issue("constant", "one value only: drop it"))
    integer_like = not is_numeric(series) or pd.api.types.is_integer_dtype(series)
    all_unique = n_rows >= 20 and n_unique == len(non_null) == n_rows
    if all_unique and integer_like and not is_dates_or_free_text(series, non_null):
        found.append(
            issue(
                "id_like",
                "every value is unique: an identifier, not a feature "
                "(may be a group key for splitting)",
            )
        )
    return found


def is_dates_or_free_text(series: pd.Series, non_null: pd.Series) -> bool:
    """Unique dates (one row per day) and free text (comments) are unique without being ids."""
    if pd.api.types.is_datetime64_any_dtype(series) or is_numeric(series):
        return pd.api.types.is_datetime64_any_dtype(series)
    text = non_null.astype(str).head(SAMPLE)
    if text.empty:
        return False
    words = text.str.split().str.len()
    has_space = text.str.contains(" ", regex=False)
    if words.mean() >= 3 or (text.str.len().mean() > 30 and has_space.mean() > 0.5):
        return True  # free text; a UUID is long but has no spaces, so it stays an id
    candidates = text[~text.str.fullmatch(r"\d+") & text.str.contains(r"\d", regex=True)]
    if candidates.empty:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(candidates, errors="coerce", format="mixed")
    return parsed.notna().sum() > 0.5 * len(text)


def text_issues(text: pd.Series, n_unique: int) -> list[dict]:
    found = []
    for check in (
        disguised_missing_issues,
        numeric_text_issues,
        unit_issues,
        date_issues,
        variant_issues,
    ):
        found += check(text)
    is_really_text = not {
        "numeric_as_text",
        "mixed_units",
        "mixed_date_formats",
        "day_month_ambiguous",
        "day_month_order_mixed",
    } & {i["type"] for i in found}
    if is_really_text and 50 < n_unique < len(text):
        found.append(many_levels_issue(text, n_unique))
    return found


def many_levels_issue(text: pd.Series, n_unique: int) -> dict:
    """Dates and free text have many distinct values too, but encoding them as categories
    (let alone target-encoding them) is the wrong advice."""
    if is_dates_or_free_text(text, text):
        if text.str.split().str.len().mean() >= 3 or text.str.len().mean() > 30:
            return issue(
                "free_text",
                f"{n_unique} distinct texts: vectorise (TF-IDF, embeddings); do not one-hot "
                "or target-encode",
            )
        return issue(
            "date_as_text",
            f"{n_unique} distinct dates stored as text: parse with pd.to_datetime and derive "
            "date parts and days-since features; do not target-encode",
        )
    return issue(
        "high_cardinality",
        f"{n_unique} distinct values: group rare levels or use out-of-fold target encoding",
    )


def leading_zero_issues(path: Path, frame: pd.DataFrame) -> dict[str, dict]:
    """Numeric columns whose raw text starts with 0 (zip, account codes): the parse dropped
    the zeros and turned a code into a quantity. Text files only: Parquet keeps its types."""
    numeric = [c for c in frame.columns if is_numeric(frame[c])]
    if path.suffix == ".parquet" or not numeric:
        return {}
    sep = "\t" if path.suffix == ".tsv" else ","
    raw = pd.read_csv(path, sep=sep, dtype=str, usecols=numeric, keep_default_na=False)
    found = {}
    for name in numeric:
        zeros = raw[name].str.strip().str.fullmatch(r"-?0\d+")
        if zeros.any():
            found[str(name)] = issue(
                "leading_zeros",
                f"{int(zeros.sum())} values like {raw[name][zeros].iloc[0]!r} lost their leading "
                f"zeros when read as numbers: read it as text (dtype={{{str(name)!r}: str}})",
            )
    return found


# ---------------------------------------------------------------- whole table
def duplicate_summary(frame: pd.DataFrame, id_cols: list[str], target: str | None) -> dict:
    features = [c for c in frame.columns if c not in id_cols and c != target]
    summary = {
        "exact_duplicate_rows": int(frame.duplicated().sum()),
        "duplicate_rows_ignoring_ids": int(frame.drop(columns=id_cols).duplicated().sum()),
    }
    for col in id_cols:
        summary[f"repeated_{col}"] = int(frame[col].duplicated().sum())
    if target and features:
        keys = pd.util.hash_pandas_object(frame[features], index=False)
        labels_per_key = frame[target].groupby(keys.to_numpy()).nunique()
        summary["feature_duplicates_with_conflicting_labels"] = int((labels_per_key > 1).sum())
    return summary


def target_summary(series: pd.Series) -> dict:
    values = series.dropna()
    if is_numeric(series) and values.nunique() > 20:
        return {
            "task": "regression",
            "missing": int(series.isna().sum()),
            **numeric_stats(values),
            "skew": float(values.astype(float).skew()),
        }
    shares = values.value_counts(normalize=True)
    return {
        "task": "classification",
        "missing": int(series.isna().sum()),
        "classes": {str(k): float(v) for k, v in shares.items()},
        "minority_share": float(shares.min()),
        "imbalanced": bool(shares.min() < 0.1),
    }


def table_issues(columns: dict, duplicates: dict, target: dict | None) -> list[dict]:
    flat = [{"column": name, **item} for name, info in columns.items() for item in info["issues"]]
    if duplicates["duplicate_rows_ignoring_ids"]:
        flat.append(
            issue(
                "duplicate_rows",
                f"{duplicates['duplicate_rows_ignoring_ids']} rows "
                "repeat another row: dedupe or keep copies in the same split",
            )
        )
    if duplicates.get("feature_duplicates_with_conflicting_labels"):
        flat.append(
            issue(
                "conflicting_labels",
                "identical features carry different labels: label noise or missing features",
            )
        )
    if target and target.get("imbalanced"):
        flat.append(
            issue(
                "class_imbalance",
                f"minority class share {target['minority_share']:.1%}"
                ": use PR-AUC and cost-based thresholds, not accuracy",
            )
        )
    return flat


def to_jsonable(value):
    """JSON has no NaN or numpy scalars: convert them, recursively."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return str(value)
    return value


def profile(args: argparse.Namespace) -> dict:
    frame = read_table(args.data)
    id_cols = split_list(args.id_cols)
    require_columns(frame, id_cols + ([args.target] if args.target else []))
    columns = {str(c): profile_column(frame[c], len(frame), args.top) for c in frame.columns}
    for name, found in leading_zero_issues(args.data, frame).items():
        columns[name]["issues"].append(found)
    duplicates = duplicate_summary(frame, id_cols, args.target)
    target = target_summary(frame[args.target]) if args.target else None
    return {
        "file": str(args.data),
        "n_rows": len(frame),
        "n_cols": frame.shape[1],
        "duplicates": duplicates,
        "target": target,
        "issues": table_issues(columns, duplicates, target),
        "columns": columns,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        result = profile(args)
    except UsageError as exc:
        print(f"profile_data.py: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a clear line instead of a traceback, even for surprises
        print(f"profile_data.py: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(to_jsonable(result), indent=2))
    print(f"{len(result['issues'])} issue(s) found", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
