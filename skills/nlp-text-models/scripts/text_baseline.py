#!/usr/bin/env python3
"""Audit a labelled text dataset and give the TF-IDF + linear baseline any model must beat.

Reads a CSV with a text column and a label column. Reports:
  - templated near-duplicates: texts equal after lower-casing, masking numbers, e-mails and
    URLs and dropping punctuation ("Order 12345 late" = "order 98765 late!"); how many rows
    they cover, and groups whose copies carry different labels (label noise);
  - length statistics in words, and the share of texts over --max-tokens (in real tokens
    with --tokenizer DIR, a local Hugging Face tokenizer folder, when transformers is
    installed; otherwise estimated as 1.3 tokens per word);
  - class counts, then grouped stratified CV (duplicates never straddle folds) of a
    majority-class dummy and TF-IDF word + character n-grams into a class-balanced
    LogisticRegression: macro-F1 and accuracy per fold (mean, std), per-class precision,
    recall and F1 from out-of-fold predictions. --show-leak adds the same CV with plain
    random folds, to show how much duplicates inflate a careless split.
--oof FILE writes the out-of-fold predictions for error analysis.
JSON on stdout; exit 2 on bad input. Needs numpy, pandas and scikit-learn.

Example: python text_baseline.py tickets.csv --text body --label queue --max-tokens 256
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import make_pipeline, make_union

WORDS_TO_TOKENS = 1.3  # rough subword tokens per English word; use --tokenizer for real counts
MASKS = [
    (re.compile(r"https?://\S+|www\.\S+"), " <url> "),
    (re.compile(r"\S+@\S+\.\w+"), " <email> "),
    # Numbers, and ids with a run of 3+ digits (A-10234); "covid19" or "mp3" stay words.
    (re.compile(r"\b\d+(?:[.,:/-]\d+)*\b|\b\w*\d{3,}\w*\b"), " <num> "),
    (re.compile(r"[^\w<>\s]+"), " "),
    (re.compile(r"\s+"), " "),
]


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit code 2."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="CSV, one row per text")
    parser.add_argument("--text", required=True, help="text column")
    parser.add_argument("--label", required=True, help="label column")
    parser.add_argument("--group", help="column that must not straddle folds (user, thread)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=512, help="model's max_length")
    parser.add_argument("--tokenizer", type=Path, help="local tokenizer folder (no download)")
    parser.add_argument("--show-leak", action="store_true", help="also CV with random folds")
    parser.add_argument("--oof", type=Path, help="write out-of-fold predictions here")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def template_key(text: str) -> str:
    """What is left of a text once numbers, ids, e-mails, URLs, case and punctuation go."""
    key = text.lower()
    for pattern, replacement in MASKS:
        key = pattern.sub(replacement, key)
    return key.strip()


def load(args: argparse.Namespace) -> pd.DataFrame:
    if not args.data.is_file():
        raise UsageError(f"file not found: {args.data}")
    try:
        frame = pd.read_csv(args.data, dtype={args.label: str})
    except pd.errors.EmptyDataError:
        raise UsageError(f"file is empty: {args.data}") from None
    missing = [c for c in (args.text, args.label, args.group) if c and c not in frame.columns]
    if missing:
        raise UsageError(f"column(s) not found: {', '.join(missing)}")
    frame = frame[frame[args.label].notna()].reset_index(drop=True)
    if frame.empty:
        raise UsageError("no rows with a label")
    return frame


def duplicates(texts: pd.Series, labels: pd.Series) -> tuple[pd.Series, dict]:
    keys = texts.map(template_key)
    sizes = keys.map(keys.value_counts())
    in_dups = sizes > 1
    per_key = pd.DataFrame({"key": keys, "label": labels, "text": texts})[in_dups]
    n_labels = per_key.groupby("key")["label"].nunique()
    conflicts = n_labels[n_labels > 1].index
    examples = [
        {"template": key, "labels": sorted(per_key.loc[per_key.key == key, "label"].unique())}
        for key in list(conflicts)[:5]
    ]
    top = keys[in_dups].value_counts().head(5)
    return keys, {
        "rows_in_duplicate_groups": int(in_dups.sum()),
        "share_in_duplicate_groups": float(in_dups.mean()),
        "groups": int(keys[in_dups].nunique()),
        "largest": [{"template": k, "rows": int(v)} for k, v in top.items()],
        "conflicting_label_groups": len(conflicts),
        "conflict_examples": examples,
    }


def lengths(texts: pd.Series, args: argparse.Namespace) -> dict:
    words = texts.str.split().str.len().fillna(0)
    out = {"words": quantiles(words), "empty_texts": int((words == 0).sum())}
    if args.tokenizer:
        tokens = real_token_counts(texts, args.tokenizer)
        out["tokens"] = quantiles(tokens)
        out["token_counts"] = "tokenizer"
    else:
        tokens = words * WORDS_TO_TOKENS
        out["token_counts"] = f"estimated as {WORDS_TO_TOKENS} x words; pass --tokenizer"
    over = tokens > args.max_tokens
    out["max_tokens"] = args.max_tokens
    out["share_truncated"] = float(over.mean())
    if over.mean() > 0.05:
        out["warning"] = (
            f"{over.mean():.0%} of texts are longer than {args.max_tokens} tokens and lose "
            "their end: check where the label-relevant part sits (head+tail truncation, "
            "or chunking) before fine-tuning"
        )
    return out


def real_token_counts(texts: pd.Series, folder: Path) -> pd.Series:
    try:
        from transformers import AutoTokenizer
    except ImportError:
        raise UsageError("--tokenizer needs transformers (pip install transformers)") from None
    if not folder.is_dir():
        raise UsageError(f"tokenizer folder not found: {folder}")
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    ids = tokenizer(texts.tolist(), add_special_tokens=True, truncation=False)["input_ids"]
    return pd.Series([len(i) for i in ids], index=texts.index, dtype=float)


def tfidf_model(seed: int):
    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
    )
    clf = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced", random_state=seed)
    return make_pipeline(features, clf)


def cross_validate(texts, labels, groups, args, grouped: bool) -> tuple[dict, np.ndarray]:
    if grouped:
        splitter = StratifiedGroupKFold(args.folds, shuffle=True, random_state=args.seed)
        splits = list(splitter.split(texts, labels, groups))
    else:
        splitter = StratifiedKFold(args.folds, shuffle=True, random_state=args.seed)
        splits = list(splitter.split(texts, labels))
    scores = {"dummy": [], "tfidf_logreg": []}
    accuracy = {"dummy": [], "tfidf_logreg": []}
    oof = np.empty(len(texts), dtype=object)
    for train, test in splits:
        for name, model in (("dummy", DummyClassifier()), ("tfidf_logreg", tfidf_model(args.seed))):
            model.fit(texts.iloc[train], labels.iloc[train])
            pred = model.predict(texts.iloc[test])
            scores[name].append(f1_score(labels.iloc[test], pred, average="macro"))
            accuracy[name].append(accuracy_score(labels.iloc[test], pred))
            if name == "tfidf_logreg":
                oof[test] = pred
    summary = {
        name: {
            "macro_f1": {"mean": float(np.mean(v)), "std": float(np.std(v, ddof=1))},
            "accuracy": {
                "mean": float(np.mean(accuracy[name])),
                "std": float(np.std(accuracy[name], ddof=1)),
            },
        }
        for name, v in scores.items()
    }
    return summary, oof


def per_class(labels: pd.Series, oof: np.ndarray) -> dict:
    classes = sorted(labels.unique())
    p, r, f, s = precision_recall_fscore_support(labels, oof, labels=classes, zero_division=0)
    return {
        c: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "n": int(s[i])}
        for i, c in enumerate(classes)
    }


def quantiles(values: pd.Series) -> dict:
    q = values.quantile([0.5, 0.9, 0.99])
    return {
        "p50": float(q[0.5]),
        "p90": float(q[0.9]),
        "p99": float(q[0.99]),
        "max": float(values.max()),
    }


def report(args: argparse.Namespace) -> dict:
    if args.folds < 2:
        raise UsageError("--folds must be at least 2")
    frame = load(args)
    empty = int(frame[args.text].isna().sum())
    texts = frame[args.text].fillna("").astype(str)
    labels = frame[args.label]
    keys, dup = duplicates(texts, labels)
    counts = labels.value_counts()
    result = {
        "rows": len(frame),
        "missing_texts_filled_empty": empty,
        "classes": {str(k): int(v) for k, v in counts.items()},
        "imbalance_ratio": float(counts.max() / counts.min()),
        "duplicates": dup,
        "lengths": lengths(texts, args),
    }
    small = counts[counts < args.folds]
    if len(small):
        raise UsageError(
            f"class(es) with fewer rows than folds: {', '.join(map(str, small.index))}; "
            "merge rare classes or lower --folds"
        )
    groups = frame[args.group].astype(str) if args.group else keys
    result["cv"] = {
        "splitter": f"StratifiedGroupKFold({args.folds}) on "
        + (args.group if args.group else "template duplicates")
    }
    summary, oof = cross_validate(texts, labels, groups, args, grouped=True)
    result["cv"].update(summary)
    result["per_class"] = per_class(labels, oof)
    if args.show_leak:
        leaky, _ = cross_validate(texts, labels, groups, args, grouped=False)
        result["random_folds_for_comparison"] = leaky
    if args.oof:
        out = frame.assign(predicted=oof, template=keys)
        out.to_csv(args.oof, index=False)
        result["oof"] = str(args.oof)
    return result


def finite(value):
    """JSON has no NaN or infinity: write null instead."""
    if isinstance(value, dict):
        return {str(k): finite(v) for k, v in value.items()}
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
        print(f"text_baseline.py: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a clear line instead of a traceback, even for surprises
        print(f"text_baseline.py: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(finite(result), indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
