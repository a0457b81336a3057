"""Agent-produced text made safe to show: control characters are escaped, never emitted.

Errors and messages can quote what an agent printed (a command's stderr tail, a server's
last log line). Raw, an ESC sequence in them clears the operator's screen, retitles the
terminal or paints a fake "ALL PASSED"; rich strips only a few controls. Every C0 and C1
control except newline and tab, and the Unicode bidirectional overrides that reorder
what a reader sees, becomes a visible escape such as `\\x1b` before any terminal,
Markdown or HTML output.
"""

from __future__ import annotations

import re
from typing import Any

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: Any) -> str:
    """`text` as a string with every control character escaped (None -> "")."""
    if text is None:
        return ""
    return UNSAFE.sub(_escape, str(text))


def clean_json(value: Any) -> Any:
    """`clean` applied to every string inside a JSON-like value (keys too)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_json(v) for v in value]
    return value
