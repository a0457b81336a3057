#!/usr/bin/env python3
"""Batch scoring from a model bundle (bundle.py): raw rows in, scores and labels out.

Usage: python predict.py --bundle bundle --input new.csv --output preds.csv

Copy this file next to the bundle. It refuses a model file whose hash differs from the one
in bundle.json, stops when input columns are missing, warns when installed library versions
differ from the training ones, applies the bundle's decision threshold (binary) and writes
one row per input row: the id, the score (binary) or class probabilities, and the label.
Needs pandas and joblib.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from importlib import metadata
from pathlib import Path

import joblib
import numpy as np
import pandas as pd


def fail(message: str) -> int:
    print(f"predict.py: error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=Path("bundle"))
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--id-col", default="id", help="copied to the output when present")
    args = parser.parse_args(argv)

    manifest_path = args.bundle / "bundle.json"
    if not manifest_path.is_file():
        return fail(f"no bundle.json in {args.bundle}")
    bundle = json.loads(manifest_path.read_text(encoding="utf-8"))
    model_path = args.bundle / bundle["model_file"]
    if hashlib.sha256(model_path.read_bytes()).hexdigest() != bundle["model_sha256"]:
        return fail(f"{model_path} is not the model this bundle was written for")
    for name, trained in bundle.get("versions", {}).items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        if name != "python" and installed != trained:
            print(
                f"predict.py: warning: {name} {installed} here, {trained} at training",
                file=sys.stderr,
            )

    features = [f["name"] for f in bundle["features"]]
    rows = pd.read_csv(
        args.input,
        dtype={
            f["name"]: str for f in bundle["features"] if f["dtype"] in ("object", "str", "string")
        },
    )
    missing = [c for c in features if c not in rows.columns]
    if missing:
        return fail(f"input lacks feature column(s): {', '.join(missing)}")
    model = joblib.load(model_path)
    X = rows[features]
    out = pd.DataFrame(index=rows.index)
    if args.id_col in rows.columns:
        out[args.id_col] = rows[args.id_col]
    if bundle["task"] == "binary":
        classes = list(model.classes_)
        positive = classes.index(bundle["positive_label"])
        score = model.predict_proba(X)[:, positive]
        threshold = bundle["threshold"] if bundle["threshold"] is not None else 0.5
        out["score"] = score
        out["label"] = np.where(score >= threshold, classes[positive], classes[1 - positive])
    elif bundle["task"] == "multiclass":
        proba = model.predict_proba(X)
        for i, name in enumerate(model.classes_):
            out[f"p_{name}"] = proba[:, i]
        out["label"] = model.predict(X)
    else:
        out["prediction"] = model.predict(X)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(args.output, index=False)
    print(json.dumps({"rows": len(out), "output": str(args.output), "task": bundle["task"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
