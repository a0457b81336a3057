"""Turn a raw metric and named checks into one Grade, the same way for every task."""

from __future__ import annotations

from mlskills.schema import Check, Grade, GradingSpec


def combine(
    spec: GradingSpec,
    metric: float | None,
    checks: list[Check] | None = None,
    metrics: dict[str, float] | None = None,
) -> Grade:
    """Score = weighted mean of the normalised metric and the weighted checks.

    A failed gate check zeroes the score: a crashed predictor or edited input data is not
    partially right. `passed` needs the pass mark and no failed gate.
    """
    checks = list(checks or [])
    weighted = [c for c in checks if c.weight > 0 and not c.gate]
    total = spec.metric_weight + sum(c.weight for c in weighted)
    earned = spec.metric_weight * spec.normalise(metric)
    earned += sum(c.weight for c in weighted if c.passed)
    score = earned / total if total > 0 else 0.0
    if any(c.gate and not c.passed for c in checks):
        score = 0.0
    all_metrics = dict(metrics or {})
    if metric is not None:
        all_metrics.setdefault(spec.metric, metric)
    return Grade(
        score=round(score, 6),
        passed=score >= spec.pass_mark and not any(c.gate and not c.passed for c in checks),
        metric=metric,
        checks=checks,
        metrics=all_metrics,
    )


def failed(spec: GradingSpec, name: str, message: str) -> Grade:
    """A zero grade explained by one failed gate (missing deliverable, unreadable output)."""
    return combine(spec, None, [Check(name, False, message, gate=True)])
