"""Read what an agent wrote as data, defensively: every defect is a failed check, not a crash.

Agents write missing files, wrong headers, NaNs, duplicate ids, the wrong number of rows,
and sometimes a gigabyte of junk. Each reader here returns the parsed value *and* a gate
Check whose message says exactly what was wrong, so a grader can stop with a clear reason.
"""

from __future__ import annotations

import io
import json
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from mlskills import fsafe
from mlskills.schema import Check

MAX_BYTES = 50 * 1024 * 1024
Kind = Literal["probability", "number", "label"]
# What a parser may raise on hostile input: deep nesting (RecursionError), a 5,000-digit
# number (ValueError), a huge allocation (MemoryError), a float overflow.
PARSE_ERRORS = (ValueError, RecursionError, MemoryError, OverflowError, UnicodeDecodeError)


def parse_json(text: str | bytes) -> Any:
    """JSON an agent's code wrote, with every integer too large for a float read as an
    infinity, as a too-large JSON float (1e999) already is. A grader's float(), math or
    numpy on 10**400 raises OverflowError (a crash charged to the harness); on an infinity
    it gives a comparison that fails or a NaN, which grading already treats as wrong."""
    return json.loads(text, parse_int=_int_or_infinity)


def _int_or_infinity(digits: str) -> int | float:
    value = int(digits)
    if abs(value) <= sys.float_info.max:
        return value
    return math.inf if value > 0 else -math.inf


@dataclass
class Read:
    """What every reader returns: the parsed value (None when unusable) and the gate Check
    that says why. Unpacks as `(value, check)`, as the older tuple-returning readers did."""

    value: Any
    check: Check

    @property
    def ok(self) -> bool:
        return self.check.passed

    def __iter__(self) -> Iterator[Any]:
        return iter((self.value, self.check))


class Predictions(Read):
    """Predictions aligned to the expected ids (`value`, also `frame`: a DataFrame indexed
    by id, in the expected order), or None, and the check that says why."""

    @property
    def frame(self) -> Any:
        return self.value


def _bad(name: str, message: str) -> Predictions:
    return Predictions(None, Check(name, False, message, gate=True))


def relative(path: Path, root: Path) -> PurePosixPath | None:
    """`path` below `root` as written (links are never resolved), or None if it is not."""
    path, root = Path(path), Path(root)
    try:
        return PurePosixPath(path.relative_to(root).as_posix())
    except ValueError:
        return None


def load(path: Path, root: Path, label: str, max_bytes: int = MAX_BYTES) -> bytes | str:
    """The bytes of a deliverable, or why it cannot be read safely (a message).

    The file is opened beneath `root` without following a link at any component, so a
    link to a host file, /proc/kmsg or /proc/self/mem is refused before anything is read.
    """
    rel = relative(path, root)
    if rel is None or ".." in rel.parts:
        return f"{label} is a link or lies outside the workspace; write a regular file"
    try:
        data = fsafe.read_bytes(root, rel, max_bytes)
    except fsafe.Missing:
        return f"{label} not found: the deliverable must be written to {rel}"
    except fsafe.Refused as exc:
        if "cap" in str(exc):
            return f"{label} is over the {max_bytes // 2**20} MiB cap"
        if "not a regular file" in str(exc) and "a link" not in str(exc):
            return f"{label} is not a regular file: {exc}"
        return f"{label} is a link or lies outside the workspace; write a regular file ({exc})"
    except OSError as exc:
        return f"{label} cannot be read: {exc.strerror or exc}"
    if not data:
        return f"{label} is empty"
    return data


def read_bytes(path: Path, root: Path, name: str, max_bytes: int = MAX_BYTES) -> Read:
    """A file's raw bytes (a weights file to hash, a log), read the same defensive way."""
    data = load(path, root, Path(path).name, max_bytes)
    if isinstance(data, str):
        return Read(None, Check(name, False, data, gate=True))
    return Read(data, Check(name, True, f"{Path(path).name}: {len(data)} bytes", gate=True))


def read_table(path: Path, root: Path, name: str = "predictions readable") -> Read:
    """A CSV as a DataFrame of strings-or-numbers, or None with a failed check."""
    import pandas as pd

    label = Path(path).name
    data = load(path, root, label)
    if isinstance(data, str):
        return Read(None, Check(name, False, data, gate=True))
    try:
        frame = pd.read_csv(io.BytesIO(data))
    except Exception as exc:  # pandas raises many types for malformed CSV
        return Read(None, Check(name, False, f"{label} is not valid CSV: {exc}", gate=True))
    return Read(frame, Check(name, True, f"{label}: {len(frame)} rows", gate=True))


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
    path = Path(path)
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


def read_json(path: Path, root: Path, name: str, max_bytes: int = 1 << 20) -> Read:
    """A small JSON document the agent wrote (metrics.json, a report), or None and why.

    Hostile documents (nesting 200,000 deep, a 5,000-digit number) are a failed check."""
    label = Path(path).name
    data = load(path, root, label, max_bytes)
    if isinstance(data, str):
        if "cap" in data:
            data = f"{label} is larger than {max_bytes} bytes"
        return Read(None, Check(name, False, data, gate=True))
    try:
        value = parse_json(data.decode("utf-8", errors="replace"))
    except PARSE_ERRORS as exc:
        why = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:200]
        return Read(None, Check(name, False, f"{label} is not valid JSON: {why}", gate=True))
    return Read(value, Check(name, True, f"{label} parsed", gate=True))


def finite_number(data: Any, key: str | None = None) -> float | None:
    """data[key] (or `data` itself, without a key) as a finite float, or None: for numbers
    an agent's files hold. Booleans, text, NaN, infinities and overflowing ints are None."""
    value = data.get(key) if key is not None and isinstance(data, dict) else data
    if key is not None and not isinstance(data, dict):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except PARSE_ERRORS:
        return None
    return number if math.isfinite(number) else None
