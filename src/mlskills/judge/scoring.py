"""How judged rubric items join the deterministic score: as weighted checks, nothing more.

A rubric item weighs like a weighted check of the task (same scale as `metric_weight`):

    score = (deterministic score × D + Σ weight of passed items) / (D + Σ weight of judged items)

where D = metric_weight + the weights of the grade's weighted, non-gate checks. Items that
were not judged, or where the judge erred, are left out of both sums, so without a judge
the deterministic score stands exactly as the grader gave it. A failed gate keeps the
score at 0 (the judge cannot rescue a broken deliverable). `passed` keeps its one meaning:
the combined score reaches the pass mark and no gate failed. The grader's own score and
pass are kept in the record (`TrialRecord.judge.grader_score`) so a report can show both.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from mlskills.judge.majority import FAIL, PASS
from mlskills.schema import Grade, GradingSpec


def deterministic_weight(spec: GradingSpec, grade: Grade) -> float:
    """D: the total weight behind the grader's score."""
    checks = sum(c.weight for c in grade.checks if c.weight > 0 and not c.gate)
    return spec.metric_weight + checks


def rubric_fraction(entries: list[dict[str, Any]]) -> float | None:
    """Weighted share of judged items that passed; None when nothing was judged."""
    judged = [e for e in entries if e["verdict"] in (PASS, FAIL)]
    total = sum(e["weight"] for e in judged)
    if not judged or total <= 0:
        return None
    return sum(e["weight"] for e in judged if e["verdict"] == PASS) / total


def with_rubric(spec: GradingSpec, grade: Grade, entries: list[dict[str, Any]]) -> Grade:
    """The grade with rubric entries attached and, where items were judged, folded in."""
    judged = [e for e in entries if e["verdict"] in (PASS, FAIL)]
    weight = sum(e["weight"] for e in judged)
    if not judged or weight <= 0 or grade.failed_gates:
        return replace(grade, rubric=entries)
    base = deterministic_weight(spec, grade)
    earned = grade.score * base + sum(e["weight"] for e in judged if e["verdict"] == PASS)
    score = round(earned / (base + weight), 6)
    return replace(grade, score=score, passed=score >= spec.pass_mark, rubric=entries)
