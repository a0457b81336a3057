"""Many judge conversations, one verdict per rubric item: a strict majority or nothing.

Each vote is "pass", "fail" or "judge error". Errors abstain. A pass needs more passes than
fails; a tie fails (a judge that cannot make up its mind has not found convincing
evidence). When every vote is an error the item is a "judge error", which the score
leaves out rather than counting against the agent.
"""

from __future__ import annotations

from typing import Any

from mlskills.schema import RubricItem

PASS, FAIL, NOT_JUDGED, JUDGE_ERROR = "pass", "fail", "not judged", "judge error"

Vote = dict[str, Any]  # {"verdict", "evidence", "reason"}


def decide(item: RubricItem, votes: list[Vote]) -> dict[str, Any]:
    """The report entry for `item` from its votes, with the votes kept for inspection."""
    counted = [v for v in votes if v["verdict"] in (PASS, FAIL)]
    if not counted:
        reasons = "; ".join(dict.fromkeys(v["reason"] for v in votes if v.get("reason")))
        return entry(item, JUDGE_ERROR, "", reasons or "the judge gave no usable verdict", votes)
    passes = sum(v["verdict"] == PASS for v in counted)
    verdict = PASS if passes > len(counted) - passes else FAIL
    chosen = next(v for v in counted if v["verdict"] == verdict)
    reason = chosen["reason"]
    if len(votes) > 1:
        reason = f"{reason} [votes: {passes} pass, {len(counted) - passes} fail"
        reason += f", {len(votes) - len(counted)} error]" if len(counted) < len(votes) else "]"
    return entry(item, verdict, chosen["evidence"], reason, votes)


def entry(
    item: RubricItem, verdict: str, evidence: str, reason: str, votes: list[Vote] | None = None
) -> dict[str, Any]:
    """One element of Grade.rubric, the format the reports read."""
    return {
        "id": item.id,
        "criterion": item.criterion,
        "weight": item.weight,
        "verdict": verdict,
        "evidence": evidence,
        "reason": reason,
        "votes": list(votes or []),
    }


def not_judged(items: tuple[RubricItem, ...], reason: str) -> list[dict[str, Any]]:
    """Entries for a rubric nobody judged: reported as such, never as a 0 or a 1."""
    return [entry(item, NOT_JUDGED, "", reason) for item in items]
