"""Read the evaluator's verdict block out of its final reply, strictly but forgivingly.

The evaluator ends with one fenced `json` block `{"items": [{id, verdict, evidence,
reason}], "summary"}`. Models sometimes drop the fence, add prose after it or leave an
item out, so parsing looks for the last JSON object with `items`, keeps every item that is
well formed and names what is wrong with the rest (for the one retry). A verdict with no
evidence is a fail: a judge must show what it saw, never pass on trust.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

VERDICTS = ("pass", "fail")
NO_EVIDENCE = "not verifiable: the judge quoted no evidence"
FENCE = re.compile(r"```[a-zA-Z]*\s*\n(.*?)```", re.DOTALL)
ITEMS_START = re.compile(r'\{\s*"items"\s*:')


@dataclass(frozen=True)
class Verdict:
    """One item's verdict from one judge conversation."""

    verdict: str  # pass | fail
    evidence: str
    reason: str


@dataclass
class Parsed:
    """The well-formed verdicts of one reply, and what was wrong (empty when all is well)."""

    verdicts: dict[str, Verdict] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def merged_into(self, earlier: Parsed) -> Parsed:
        """A retry's answer over the first one: later verdicts win, problems are the later's."""
        return Parsed({**earlier.verdicts, **self.verdicts}, self.problems)


def parse(text: str, expected: list[str]) -> Parsed:
    """The verdicts for `expected` item ids found in `text`, with a problem per gap."""
    payload = find_payload(text)
    if payload is None:
        return Parsed(problems=["no JSON object with an `items` list was found in the reply"])
    out = Parsed()
    for raw in payload["items"]:
        _take(raw, expected, out)
    missing = [i for i in expected if i not in out.verdicts]
    if missing:
        out.problems.append(f"no valid verdict for item(s): {', '.join(missing)}")
    return out


def find_payload(text: str) -> dict[str, Any] | None:
    """The last JSON object in `text` (fenced or bare) that has an `items` list."""
    starts = [m.start(1) for m in FENCE.finditer(text)]
    starts += [m.start() for m in ITEMS_START.finditer(text)]
    starts.append(0)
    for start in sorted(set(starts), reverse=True):
        payload = _decode(text[start:])
        if payload is not None:
            return payload
    return None


def _decode(chunk: str) -> dict[str, Any] | None:
    start = chunk.find("{")
    if start < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(chunk[start:])
    except json.JSONDecodeError:
        return None
    ok = isinstance(value, dict) and isinstance(value.get("items"), list)
    return value if ok else None


def _take(raw: Any, expected: list[str], out: Parsed) -> None:
    """Add one item's verdict to `out`, or a problem saying why it cannot be used."""
    if not isinstance(raw, dict) or str(raw.get("id")) not in expected:
        return  # unknown ids are ignored; a missing expected id is reported by `parse`
    item_id = str(raw["id"])
    if item_id in out.verdicts:
        return
    verdict = str(raw.get("verdict", "")).strip().lower()
    if verdict not in VERDICTS:
        out.problems.append(f'item {item_id}: verdict must be "pass" or "fail", not {verdict!r}')
        return
    evidence, reason = _text(raw.get("evidence")), _text(raw.get("reason"))
    if not evidence:
        verdict, reason = "fail", f"{NO_EVIDENCE}; {reason}" if reason else NO_EVIDENCE
    out.verdicts[item_id] = Verdict(verdict, evidence, reason)


def _text(value: Any) -> str:
    """Evidence or reason as one string (a list of quotes is joined)."""
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value if _text(v))
    return value.strip() if isinstance(value, str) else ""
