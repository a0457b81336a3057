#!/usr/bin/env python3
"""Write or check a model bundle: the one artefact that training hands to everything after it.

A bundle is a folder: model.joblib (the fitted scikit-learn-style pipeline, raw rows in) and
bundle.json (format, model file hash, task, target, feature names and dtypes in training
order, decision threshold, positive label, library versions, training- and eval-data hashes,
metrics, one example row for warm-up). make_schema.py --bundle adds schema.json; serve.py,
predict.py and registry.py read it. `write` builds one; `check` verifies the model hash,
compares library versions with this interpreter's and predicts the example row.
JSON on stdout; exit 2 on bad input, 3 when `check` finds a problem.
Needs pandas and joblib (installed with scikit-learn).

Examples:
  python bundle.py write --model model.joblib --train train.csv --target churned \\
      --drop customer_id --eval test.csv --metrics eval.json --threshold 0.31 --out bundle
  python bundle.py check bundle
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import platform
import shutil
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

FORMAT = "mlskills.bundle/1"
LIBRARIES = ("scikit-learn", "pandas", "numpy", "scipy", "joblib", "torch")


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit code 2."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="action", required=True)
    write = sub.add_parser("write", help="build a bundle folder")
    write.add_argument("--model", type=Path, required=True, help="joblib file of the pipeline")
    write.add_argument("--train", type=Path, required=True, help="training CSV (raw columns)")
    write.add_argument("--target", required=True, help="label column of the training CSV")
    write.add_argument("--drop", default="", help="comma-separated columns the model ignores")
    write.add_argument("--eval", type=Path, help="held-out CSV the metrics were computed on")
    write.add_argument("--metrics", type=Path, help="metrics JSON (e.g. eval_report.py output)")
    write.add_argument("--threshold", type=float, help="decision threshold chosen on validation")
    write.add_argument("--positive", help="positive class label (default: the model's last)")
    write.add_argument("--out", type=Path, required=True, help="bundle folder to create")
    check = sub.add_parser("check", help="verify a bundle and predict its example row")
    check.add_argument("bundle", type=Path)
    return parser.parse_args(argv)


# ---------------------------------------------------------------- shared helpers
def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def installed_versions() -> dict:
    found = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def read_json(path: Path, label: str) -> dict:
    if not path.is_file():
        raise UsageError(f"{label} not found: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{label} {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{label} {path} must be a JSON object")
    return data


def finite(value):
    """JSON has no NaN or infinity: write null instead."""
    if isinstance(value, dict):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# ---------------------------------------------------------------- write
def read_csv(path: Path):
    import pandas as pd

    if not path.is_file():
        raise UsageError(f"file not found: {path}")
    try:
        frame = pd.read_csv(path, low_memory=False)
    except pd.errors.EmptyDataError:
        raise UsageError(f"file is empty: {path}") from None
    if frame.empty:
        raise UsageError(f"no data rows in {path}")
    return frame


def load_model(path: Path):
    import joblib

    if not path.is_file():
        raise UsageError(f"model not found: {path}")
    try:
        return joblib.load(path)
    except Exception as exc:  # unpickling can raise nearly anything
        raise UsageError(f"cannot load model {path}: {type(exc).__name__}: {exc}") from None


def feature_columns(model, train, target: str, drop: list[str]) -> list[str]:
    """The model's own input names when it records them, else the CSV minus target and drops;
    either way every feature must exist in the training CSV."""
    missing = [c for c in [target, *drop] if c not in train.columns]
    if missing:
        raise UsageError(f"column(s) not in the training CSV: {', '.join(missing)}")
    names = getattr(model, "feature_names_in_", None)
    features = (
        [str(c) for c in names]
        if names is not None
        else [c for c in train.columns if c not in {target, *drop}]
    )
    absent = [c for c in features if c not in train.columns]
    if absent:
        raise UsageError(f"the model expects column(s) the CSV lacks: {', '.join(absent)}")
    if target in features:
        raise UsageError(f"the model takes the target {target!r} as a feature")
    return features


def task_and_labels(model, threshold, positive) -> tuple[str, list | None, object]:
    classes = getattr(model, "classes_", None)
    if classes is None:
        if threshold is not None:
            raise UsageError("--threshold needs a classifier (the model has no classes_)")
        return "regression", None, None
    labels = [c.item() if hasattr(c, "item") else c for c in classes]
    task = "binary" if len(labels) == 2 else "multiclass"
    if threshold is not None and task != "binary":
        raise UsageError("--threshold applies to binary classifiers only")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise UsageError("--threshold must be a probability in [0, 1]")
    chosen = labels[-1]
    if positive is not None:
        chosen = next((c for c in labels if str(c) == positive), None)
        if chosen is None:
            raise UsageError(f"--positive {positive!r} not among the classes {labels}")
    return task, labels, chosen if task == "binary" else None


def example_row(train, features: list[str]) -> dict:
    """The first training row, as JSON values: serve.py predicts it before saying ready."""
    row = train[features].iloc[0]
    return finite({k: (None if _isna(v) else _plain(v)) for k, v in row.items()})


def _isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value)) if not isinstance(value, (list, dict)) else False


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def write(args: argparse.Namespace) -> dict:
    model = load_model(args.model)
    train = read_csv(args.train)
    drop = [c.strip() for c in args.drop.split(",") if c.strip()]
    features = feature_columns(model, train, args.target, drop)
    task, classes, positive = task_and_labels(model, args.threshold, args.positive)
    if not hasattr(model, "predict"):
        raise UsageError("the model has no predict(): save the fitted pipeline, not a dict")
    data = {"train": {"file": args.train.name, "sha256": sha256(args.train), "rows": len(train)}}
    if args.eval:
        rows = len(read_csv(args.eval))
        data["eval"] = {"file": args.eval.name, "sha256": sha256(args.eval), "rows": rows}
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),  # noqa: UP017 (3.10)
        "model_file": "model.joblib",
        "model_sha256": sha256(args.model),
        "task": task,
        "target": args.target,
        "classes": classes,
        "positive_label": positive,
        "threshold": args.threshold,
        "features": [{"name": c, "dtype": str(train[c].dtype)} for c in features],
        "versions": installed_versions(),
        "data": data,
        "metrics": read_json(args.metrics, "metrics") if args.metrics else {},
        "example": example_row(train, features),
    }
    if args.out.exists():
        raise UsageError(f"{args.out} exists: a bundle is written once, never overwritten")
    args.out.mkdir(parents=True)
    shutil.copy2(args.model, args.out / "model.joblib")
    text = json.dumps(finite(manifest), indent=2, allow_nan=False, default=str)
    (args.out / "bundle.json").write_text(text + "\n", encoding="utf-8")
    return {"bundle": str(args.out), **{k: manifest[k] for k in ("task", "threshold")}}


# ---------------------------------------------------------------- check
def example_frame(manifest: dict):
    """The example row with training dtypes. JSON null must become NaN: SimpleImputer does
    not treat None in an object column as missing, and TfidfVectorizer then fails on it."""
    import numpy as np
    import pandas as pd

    features = manifest["features"]
    row = pd.DataFrame([manifest["example"]], columns=[f["name"] for f in features])
    for feature in features:
        name, dtype = feature["name"], feature["dtype"]
        if dtype.startswith(("int", "float", "uint")):
            row[name] = pd.to_numeric(row[name], errors="coerce").astype(float)
        elif dtype != "bool":
            row[name] = row[name].astype(object).where(row[name].notna(), np.nan)
    return row


def check(args: argparse.Namespace) -> dict:

    manifest = read_json(args.bundle / "bundle.json", "bundle manifest")
    if manifest.get("format") != FORMAT:
        raise UsageError(f"{args.bundle} is not a {FORMAT} bundle")
    problems, notes = [], []
    model_path = args.bundle / manifest["model_file"]
    if not model_path.is_file():
        raise UsageError(f"model file missing: {model_path}")
    if sha256(model_path) != manifest["model_sha256"]:
        problems.append("model.joblib does not match the hash recorded at training time")
    here = installed_versions()
    for name, recorded in manifest.get("versions", {}).items():
        if name != "python" and here.get(name) != recorded:
            notes.append(f"{name}: trained with {recorded}, installed {here.get(name)}")
    try:
        model = load_model(model_path)
        prediction = model.predict(example_frame(manifest))
    except Exception as exc:  # the point of check is to catch any failure here
        problems.append(f"example prediction failed: {type(exc).__name__}: {exc}")
        prediction = None
    return {
        "bundle": str(args.bundle),
        "ok": not problems,
        "problems": problems,
        "version_differences": notes,
        "example_prediction": None if prediction is None else _plain(prediction[0]),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        result = write(args) if args.action == "write" else check(args)
    except UsageError as exc:
        print(f"bundle.py: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a clear line instead of a traceback, even for surprises
        print(f"bundle.py: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2, default=str))
    return 3 if result.get("ok") is False else 0


if __name__ == "__main__":
    sys.exit(main())
