"""The report as JSON, and JSON that every parser accepts (no NaN or Infinity)."""

from __future__ import annotations

import json
import math
from typing import Any

from mlskills.report.model import Report


def jsonable(value: Any) -> Any:
    """Replace non-finite floats with None, recursively: JSON.parse rejects NaN."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def dumps(value: Any, indent: int | None = None) -> str:
    separators = None if indent else (",", ":")
    return json.dumps(
        jsonable(value), indent=indent, ensure_ascii=False, default=str, separators=separators
    )


def render(report: Report) -> str:
    return dumps(report.to_dict(), indent=2) + "\n"
