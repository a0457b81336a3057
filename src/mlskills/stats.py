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


def _draws(counts: np.ndarray, picks: np.ndarray, width: int, rng: np.random.Generator):
    """For each picked task, `width` epoch positions drawn with replacement from its count."""
    return (rng.random((*picks.shape, width)) * counts[picks][..., None]).astype(np.int64)


def _means(
    matrix: np.ndarray, counts: np.ndarray, picks: np.ndarray, draws: np.ndarray
) -> np.ndarray:
    """For each picked task, the mean of its values at the drawn epoch positions."""
    n = counts[picks]
    chosen = matrix[picks[..., None], draws]
    inside = np.arange(draws.shape[-1]) < n[..., None]
    return np.where(inside, chosen, 0.0).sum(axis=-1) / n


def _resampled_means(
    matrix: np.ndarray, counts: np.ndarray, picks: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """For each picked task, the mean of its epochs drawn again with replacement."""
    return _means(matrix, counts, picks, _draws(counts, picks, matrix.shape[1], rng))


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


Epochs = Mapping[str, Sequence[int]]  # task id -> the epoch of each value, in order


def _same_epochs(
    a: Sequence[float], b: Sequence[float], ea: list | None, eb: list | None
) -> tuple[list[float], list[float]] | None:
    """Both arms' values in epoch order when they cover exactly the same epochs, else None."""
    if ea is None or eb is None or len(set(ea)) != len(ea) or sorted(ea) != sorted(eb):
        return None
    by_a, by_b = dict(zip(ea, a, strict=True)), dict(zip(eb, b, strict=True))
    order = sorted(ea)
    return [by_a[e] for e in order], [by_b[e] for e in order]


def _labelled(groups: Groups, epochs: Epochs | None) -> dict[str, tuple[list[float], list | None]]:
    """Like `_usable`, keeping each finite value's epoch: the given label, else its position.

    The label is None when `epochs` was given but does not label this task's values.
    """
    kept: dict[str, tuple[list[float], list | None]] = {}
    for task, values in groups.items():
        labels: list | None = list(range(len(values)))
        if epochs is not None:
            labels = list(epochs.get(task, []))
            labels = labels if len(labels) == len(values) else None
        finite = [i for i, v in enumerate(values) if v is not None and math.isfinite(v)]
        if finite:
            chosen = [labels[i] for i in finite] if labels is not None else None
            kept[task] = ([float(values[i]) for i in finite], chosen)
    return kept


def paired_uplift(
    treatment: Groups,
    baseline: Groups,
    *,
    level: float = LEVEL,
    resamples: int = RESAMPLES,
    seed: int = 0,
    epochs: tuple[Epochs, Epochs] | None = None,
) -> Interval | None:
    """Mean paired per-task difference; the same tasks are drawn for both arms each time.

    Both arms of a run share each epoch's seed (the same data instance), so a task whose
    two arms scored the same epochs is also paired by epoch: the same epoch indices are
    drawn for both arms, which keeps the shared instance's effect out of the difference.
    Tasks whose arms scored different epochs fall back to drawing each arm's epochs on
    their own. `epochs` labels each value with its epoch, per arm; without it a value's
    position in its list stands for its epoch (groups list scored epochs in order).
    """
    a = _labelled(treatment, epochs[0] if epochs else None)
    b = _labelled(baseline, epochs[1] if epochs else None)
    shared = [task for task in a if task in b]
    if not shared:
        return None
    values_a, values_b, paired = [], [], []
    for task in shared:
        (va, ea), (vb, eb) = a[task], b[task]
        matched = _same_epochs(va, vb, ea, eb)
        paired.append(matched is not None)
        values_a.append(matched[0] if matched else va)
        values_b.append(matched[1] if matched else vb)
    mat_a, n_a = _pad(values_a)
    mat_b, n_b = _pad(values_b)
    width = max(mat_a.shape[1], mat_b.shape[1])
    mat_a = np.pad(mat_a, ((0, 0), (0, width - mat_a.shape[1])))
    mat_b = np.pad(mat_b, ((0, 0), (0, width - mat_b.shape[1])))
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(shared), size=(resamples, len(shared)))
    draws_a = _draws(n_a, picks, width, rng)
    draws_b = _draws(n_b, picks, width, rng)
    draws_b = np.where(np.array(paired)[picks][..., None], draws_a, draws_b)
    diffs = _means(mat_a, n_a, picks, draws_a) - _means(mat_b, n_b, picks, draws_b)
    samples = diffs.mean(axis=1)
    mean = float(
        np.mean([np.mean(x) - np.mean(y) for x, y in zip(values_a, values_b, strict=True)])
    )
    low, high = _percentiles(samples, level)
    trials = int(n_a.sum() + n_b.sum())
    return Interval(mean, min(low, mean), max(high, mean), len(shared), trials, level)


Bounds = tuple[float, float]


def verdict(diff: float, tie: float = TIE, bounds: Bounds | None = None) -> str:
    """improved / regressed when |diff| reaches `tie` and the interval (if any) excludes 0.

    A difference within `tie` is tied; one past it whose interval still spans 0 is
    uncertain: the epochs do not tell it apart from no change.
    """
    if abs(diff) < tie:
        return "tied"
    if bounds is not None and bounds[0] <= 0.0 <= bounds[1]:
        return "uncertain"
    return "improved" if diff > 0 else "regressed"


def tally(
    differences: Mapping[str, float],
    tie: float = TIE,
    bounds: Mapping[str, Bounds | None] | None = None,
) -> dict[str, int]:
    """How many tasks improved, regressed, stayed within `tie`, or could not be told apart."""
    counts = dict.fromkeys(("improved", "regressed", "tied", "uncertain"), 0)
    for task, diff in differences.items():
        counts[verdict(diff, tie, (bounds or {}).get(task))] += 1
    return counts


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
