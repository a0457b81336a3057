"""Statistics for reports: clustered bootstrap intervals, paired uplift, pass@k and pass^k.

Trials of one task share its difficulty, so they are not independent draws: intervals
resample tasks first and then epochs within each chosen task (a two-stage cluster
bootstrap). Treating trials as independent would make intervals too narrow. Every
estimate weighs tasks equally (the mean of per-task means), and every random draw comes
from a seeded generator, so the same run always gets the same report.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

Groups = Mapping[str, Sequence[float]]  # task id -> one value per scored epoch

LEVEL = 0.95
RESAMPLES = 2000
TIE = 0.01  # per-task differences smaller than this count as ties


@dataclass(frozen=True)
class Interval:
    """A point estimate with a percentile bootstrap interval and what it rests on."""

    mean: float
    low: float
    high: float
    tasks: int
    trials: int
    level: float = LEVEL

    def to_dict(self) -> dict[str, float | int]:
        return {
            "mean": self.mean,
            "low": self.low,
            "high": self.high,
            "level": self.level,
            "tasks": self.tasks,
            "trials": self.trials,
        }


def _usable(groups: Groups) -> dict[str, list[float]]:
    """Tasks with at least one finite value (others cannot contribute to a mean)."""
    kept = {}
    for task, values in groups.items():
        finite = [float(v) for v in values if v is not None and math.isfinite(v)]
        if finite:
            kept[task] = finite
    return kept


def _pad(groups: Sequence[Sequence[float]]) -> tuple[np.ndarray, np.ndarray]:
    """Ragged per-task values as a (tasks, max epochs) matrix plus each task's count."""
    counts = np.array([len(g) for g in groups], dtype=np.int64)
    matrix = np.zeros((len(groups), int(counts.max())), dtype=float)
    for row, values in enumerate(groups):
        matrix[row, : len(values)] = values
    return matrix, counts


def _resampled_means(
    matrix: np.ndarray, counts: np.ndarray, picks: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """For each picked task, the mean of its epochs drawn again with replacement."""
    n = counts[picks]
    draws = (rng.random((*picks.shape, matrix.shape[1])) * n[..., None]).astype(np.int64)
    chosen = matrix[picks[..., None], draws]
    inside = np.arange(matrix.shape[1]) < n[..., None]
    return np.where(inside, chosen, 0.0).sum(axis=-1) / n


def _percentiles(samples: np.ndarray, level: float) -> tuple[float, float]:
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(samples, [tail, 1.0 - tail])
    return float(low), float(high)


def bootstrap_mean(
    groups: Groups, *, level: float = LEVEL, resamples: int = RESAMPLES, seed: int = 0
) -> Interval | None:
    """Mean of per-task means with a two-stage (task, then epoch) bootstrap interval."""
    data = _usable(groups)
    if not data:
        return None
    matrix, counts = _pad(list(data.values()))
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(data), size=(resamples, len(data)))
    samples = _resampled_means(matrix, counts, picks, rng).mean(axis=1)
    mean = float(np.mean([np.mean(v) for v in data.values()]))
    low, high = _percentiles(samples, level)
    return Interval(mean, min(low, mean), max(high, mean), len(data), int(counts.sum()), level)


def task_differences(treatment: Groups, baseline: Groups) -> dict[str, float]:
    """Per-task difference of means (treatment − baseline) over tasks both arms scored."""
    a, b = _usable(treatment), _usable(baseline)
    return {task: float(np.mean(a[task]) - np.mean(b[task])) for task in a if task in b}


def paired_uplift(
    treatment: Groups,
    baseline: Groups,
    *,
    level: float = LEVEL,
    resamples: int = RESAMPLES,
    seed: int = 0,
) -> Interval | None:
    """Mean paired per-task difference; the same tasks are drawn for both arms each time."""
    a, b = _usable(treatment), _usable(baseline)
    shared = [task for task in a if task in b]
    if not shared:
        return None
    mat_a, n_a = _pad([a[t] for t in shared])
    mat_b, n_b = _pad([b[t] for t in shared])
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(shared), size=(resamples, len(shared)))
    diffs = _resampled_means(mat_a, n_a, picks, rng) - _resampled_means(mat_b, n_b, picks, rng)
    samples = diffs.mean(axis=1)
    mean = float(np.mean(list(task_differences(a, b).values())))
    low, high = _percentiles(samples, level)
    trials = int(n_a.sum() + n_b.sum())
    return Interval(mean, min(low, mean), max(high, mean), len(shared), trials, level)


def tally(differences: Mapping[str, float], tie: float = TIE) -> dict[str, int]:
    """How many tasks improved, regressed or stayed within `tie` of each other."""
    improved = sum(d >= tie for d in differences.values())
    regressed = sum(d <= -tie for d in differences.values())
    return {
        "improved": improved,
        "regressed": regressed,
        "tied": len(differences) - improved - regressed,
    }


def _check(n: int, c: int, k: int) -> None:
    if k < 1 or n < 0 or not 0 <= c <= n:
        raise ValueError(f"need k >= 1 and 0 <= c <= n (got n={n}, c={c}, k={k})")


def pass_at_k(n: int, c: int, k: int) -> float | None:
    """Unbiased chance that at least one of k trials passes: 1 − C(n−c, k) / C(n, k).

    None when k > n: with fewer trials than k there is no unbiased estimate.
    """
    _check(n, c, k)
    if k > n:
        return None
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def pass_hat_k(n: int, c: int, k: int) -> float | None:
    """Unbiased chance that all of k trials pass (pass^k, reliability): C(c, k) / C(n, k)."""
    _check(n, c, k)
    if k > n:
        return None
    return math.comb(c, k) / math.comb(n, k)
