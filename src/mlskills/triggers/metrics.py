"""Trigger metrics: per pack item, recall on its positives and false triggers elsewhere.

Repeats of one case are not independent (same words, same model), so intervals come from
the stats module's two-stage bootstrap with the case as the cluster. Errored sessions say
nothing about triggering: they are counted, never scored.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from mlskills.stats import Interval, bootstrap_mean
from mlskills.triggers.choice import NONE  # the label of "no pack item chosen"
from mlskills.triggers.record import TriggerRecord


@dataclass
class TargetMetrics:
    label: str
    positives: int  # cases that expect this item
    recall: Interval | None
    false_triggers: Interval | None  # share of sessions on other cases that chose it
    false_trigger_count: int
    description_sha256: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "positives": self.positives,
            "recall": self.recall.to_dict() if self.recall else None,
            "false_triggers": self.false_triggers.to_dict() if self.false_triggers else None,
            "false_trigger_count": self.false_trigger_count,
            "description_sha256": self.description_sha256,
        }


@dataclass
class CaseSummary:
    case_id: str
    expect: list[str]
    sessions: int
    correct: int
    chosen: dict[str, int]  # what fired, how often

    @property
    def accuracy(self) -> float:
        return self.correct / self.sessions if self.sessions else 0.0


@dataclass
class TriggerMetrics:
    targets: list[TargetMetrics]
    accuracy: Interval | None  # share of sessions whose choice was right
    negatives_clean: Interval | None  # share of negative sessions that loaded none of ours
    confusion: dict[str, dict[str, int]]  # expected (first label or none) -> chosen -> count
    cases: list[CaseSummary] = field(default_factory=list)
    sessions: int = 0
    errors: int = 0
    cost: float = 0.0
    tokens: int = 0

    def worst(self, n: int = 10) -> list[CaseSummary]:
        failing = [c for c in self.cases if c.correct < c.sessions]
        return sorted(failing, key=lambda c: (c.accuracy, c.case_id))[:n]

    def to_dict(self) -> dict[str, Any]:
        return {
            "targets": [t.to_dict() for t in self.targets],
            "accuracy": self.accuracy.to_dict() if self.accuracy else None,
            "negatives_clean": self.negatives_clean.to_dict() if self.negatives_clean else None,
            "confusion": self.confusion,
            "worst_cases": [vars(c) | {"accuracy": c.accuracy} for c in self.worst()],
            "sessions": self.sessions,
            "errors": self.errors,
            "cost_usd": self.cost,
            "tokens": self.tokens,
        }


def _interval(groups: dict[str, list[float]], seed: int) -> Interval | None:
    return bootstrap_mean(groups, seed=seed) if groups else None


def compute(
    records: list[TriggerRecord],
    labels: list[str],
    digests: dict[str, str] | None = None,
    seed: int = 0,
) -> TriggerMetrics:
    """Metrics over the latest record per (case, repeat); `labels` are every pack item."""
    scored = [r for r in records if r.correct is not None]
    by_case: dict[str, list[TriggerRecord]] = defaultdict(list)
    for record in scored:
        by_case[record.case_id].append(record)
    targets = [_target(label, by_case, (digests or {}).get(label, ""), seed) for label in labels]
    accuracy = {c: [float(r.correct) for r in rs] for c, rs in by_case.items()}
    clean = {c: [float(r.correct) for r in rs] for c, rs in by_case.items() if not rs[0].expect}
    confusion: dict[str, Counter] = defaultdict(Counter)
    for record in scored:
        confusion[record.expect[0] if record.expect else NONE][_column(record.choice)] += 1
    return TriggerMetrics(
        targets=targets,
        accuracy=_interval(accuracy, seed),
        negatives_clean=_interval(clean, seed),
        confusion={k: dict(v) for k, v in sorted(confusion.items())},
        cases=[_case(case_id, rs) for case_id, rs in sorted(by_case.items())],
        sessions=len(scored),
        errors=len(records) - len(scored),
        cost=sum(r.cost for r in records),
        tokens=sum(int(r.usage.get(k) or 0) for r in records for k in _TOKEN_FIELDS),
    )


_TOKEN_FIELDS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")


def _column(choice: str | None) -> str:
    """Tools that are not ours collapse into one column: what matters is that none of ours
    fired."""
    if choice and choice.startswith(("skill:", "agent:")):
        return choice
    return NONE


def _target(
    label: str, by_case: dict[str, list[TriggerRecord]], digest: str, seed: int
) -> TargetMetrics:
    hits = {
        c: [float(r.choice == label) for r in rs]
        for c, rs in by_case.items()
        if label in rs[0].expect
    }
    others = {
        c: [float(r.choice == label) for r in rs]
        for c, rs in by_case.items()
        if label not in rs[0].expect
    }
    count = sum(int(v) for values in others.values() for v in values)
    return TargetMetrics(
        label, len(hits), _interval(hits, seed), _interval(others, seed), count, digest
    )


def _case(case_id: str, records: list[TriggerRecord]) -> CaseSummary:
    return CaseSummary(
        case_id=case_id,
        expect=list(records[0].expect),
        sessions=len(records),
        correct=sum(1 for r in records if r.correct),
        chosen=dict(Counter(_column(r.choice) for r in records)),
    )
