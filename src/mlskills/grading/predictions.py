"""Read what an agent wrote as data, defensively: every defect is a failed check, not a crash.

Agents write missing files, wrong headers, NaNs, duplicate ids, the wrong number of rows,
and sometimes a gigabyte of junk. Each reader here returns the parsed value *and* a gate
Check whose message says exactly what was wrong, so a grader can stop with a clear reason.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from mlskills.schema import Check

MAX_BYTES = 50 * 1024 * 1024
Kind = Literal["probability", "number", "label"]


@dataclass
class Predictions:
    """Predictions aligned to the expected ids (None when unusable), and the check that says why."""

    frame: Any  # pandas.DataFrame indexed by id, in the expected order
    check: Check

    @property
    def ok(self) -> bool:
        return self.check.passed


def _bad(name: str, message: str) -> Predictions:
    return Predictions(None, Check(name, False, message, gate=True))


def _file_problem(path: Path, root: Path, label: str) -> str | None:
    """Why the file cannot be read safely, or None when it can."""
    if not path.exists() and not path.is_symlink():
        return f"{label} not found: the deliverable must be written to {path.relative_to(root)}"
    if path.is_symlink() or not path.resolve().is_relative_to(root.resolve()):
        return f"{label} is a link or lies outside the workspace; write a regular file"
    if not path.is_file():
        return f"{label} is not a regular file"
    if path.stat().st_size > MAX_BYTES:
        return (
            f"{label} is {path.stat().st_size // 2**20} MiB, over the {MAX_BYTES // 2**20} MiB cap"
        )
    if path.stat().st_size == 0:
        return f"{label} is empty"
    return None


def read_table(path: Path, root: Path, name: str = "predictions readable") -> tuple[Any, Check]:
    """A CSV as a DataFrame of strings-or-numbers, or None with a failed check."""
    import pandas as pd

    label = path.name
    if problem := _file_problem(path, root, label):
        return None, Check(name, False, problem, gate=True)
    try:
        frame = pd.read_csv(path)
    except Exception as exc:  # pandas raises many types for malformed CSV
        return None, Check(name, False, f"{label} is not valid CSV: {exc}", gate=True)
    return frame, Check(name, True, f"{label}: {len(frame)} rows", gate=True)


def _coerce(values: Any, kind: Kind, column: str) -> tuple[Any, str | None]:
    import numpy as np
    import pandas as pd

    if kind == "label":
        if values.isna().any():
            return None, f"column {column!r} has {int(values.isna().sum())} empty values"
        return values.astype(str), None
    numbers = pd.to_numeric(values, errors="coerce")
    bad = int((~np.isfinite(numbers.to_numpy(dtype=float))).sum())
    if bad:
        return None, f"column {column!r} has {bad} missing, non-numeric or infinite values"
    if kind == "probability" and ((numbers < 0) | (numbers > 1)).any():
        return None, f"column {column!r} must hold probabilities in [0, 1]"
    return numbers.astype(float), None


def read_predictions(
    path: Path,
    root: Path,
    *,
    id_column: str,
    columns: dict[str, Kind],
    expected_ids: list[Any],
    name: str = "predictions valid",
) -> Predictions:
    """Predictions keyed by `id_column`, one row per expected id, with typed columns."""
    frame, check = read_table(path, root, name)
    if frame is None:
        return Predictions(None, check)
    missing_cols = [c for c in (id_column, *columns) if c not in frame.columns]
    if missing_cols:
        return _bad(name, f"{path.name} lacks columns {missing_cols}; found {list(frame.columns)}")
    ids = frame[id_column].astype(str)
    if ids.duplicated().any():
        dupes = ids[ids.duplicated()].unique()[:5].tolist()
        return _bad(name, f"{path.name} has duplicate ids, e.g. {dupes}")
    expected = [str(i) for i in expected_ids]
    if len(frame) != len(expected) or set(ids) != set(expected):
        absent = len(set(expected) - set(ids))
        extra = len(set(ids) - set(expected))
        return _bad(
            name,
            f"{path.name} has {len(frame)} rows; expected {len(expected)} "
            f"({absent} expected ids missing, {extra} unknown ids)",
        )
    aligned = frame.assign(**{id_column: ids}).set_index(id_column).loc[expected]
    for column, kind in columns.items():
        values, problem = _coerce(aligned[column], kind, column)
        if problem:
            return _bad(name, f"{path.name}: {problem}")
        aligned[column] = values
    return Predictions(aligned, Check(name, True, f"{path.name}: {len(aligned)} rows", gate=True))


def read_json(path: Path, root: Path, name: str, max_bytes: int = 1 << 20) -> tuple[Any, Check]:
    """A small JSON document the agent wrote (metrics.json, a report), or None and why."""
    if problem := _file_problem(path, root, path.name):
        return None, Check(name, False, problem, gate=True)
    if path.stat().st_size > max_bytes:
        return None, Check(name, False, f"{path.name} is larger than {max_bytes} bytes", gate=True)
    try:
        data = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except json.JSONDecodeError as exc:
        return None, Check(name, False, f"{path.name} is not valid JSON: {exc}", gate=True)
    return data, Check(name, True, f"{path.name} parsed", gate=True)


def finite_number(data: Any, key: str) -> float | None:
    """data[key] as a finite float, or None (for metrics an agent reports)."""
    if not isinstance(data, dict) or isinstance(data.get(key), bool):
        return None
    try:
        value = float(data.get(key))
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None
