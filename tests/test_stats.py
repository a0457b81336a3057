"""The report's statistics against known values, closed forms and a coverage simulation."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pytest

from mlskills import stats


def brute_pass_at_k(outcomes: list[bool], k: int) -> tuple[float, float]:
    """pass@k and pass^k by enumerating every k-subset of the trials."""
    subsets = list(combinations(outcomes, k))
    any_pass = sum(any(s) for s in subsets) / len(subsets)
    all_pass = sum(all(s) for s in subsets) / len(subsets)
    return any_pass, all_pass


@pytest.mark.parametrize(("n", "c"), [(1, 0), (1, 1), (3, 1), (5, 2), (6, 6), (7, 3), (8, 0)])
def test_pass_at_k_matches_enumeration(n: int, c: int) -> None:
    outcomes = [True] * c + [False] * (n - c)
    for k in range(1, n + 1):
        any_pass, all_pass = brute_pass_at_k(outcomes, k)
        assert stats.pass_at_k(n, c, k) == pytest.approx(any_pass)
        assert stats.pass_hat_k(n, c, k) == pytest.approx(all_pass)


def test_pass_at_k_hand_computed() -> None:
    # n=4, c=2, k=2: 1 - C(2,2)/C(4,2) = 1 - 1/6; pass^2 = C(2,2)/C(4,2) = 1/6
    assert stats.pass_at_k(4, 2, 2) == pytest.approx(5 / 6)
    assert stats.pass_hat_k(4, 2, 2) == pytest.approx(1 / 6)
    assert stats.pass_at_k(10, 3, 1) == pytest.approx(0.3)  # pass@1 is the pass rate
    assert stats.pass_at_k(3, 1, 3) == 1.0  # one pass among all three trials


def test_pass_at_k_k_larger_than_n_is_not_estimable() -> None:
    assert stats.pass_at_k(2, 1, 3) is None
    assert stats.pass_hat_k(2, 2, 3) is None
    with pytest.raises(ValueError):
        stats.pass_at_k(2, 3, 1)
    with pytest.raises(ValueError):
        stats.pass_hat_k(2, 1, 0)


def test_bootstrap_mean_is_mean_of_task_means() -> None:
    groups = {"a": [1.0, 1.0, 1.0, 1.0], "b": [0.0]}
    interval = stats.bootstrap_mean(groups, resamples=500)
    assert interval is not None
    assert interval.mean == pytest.approx(0.5)  # tasks weigh equally, not trials
    assert (interval.tasks, interval.trials) == (2, 5)
    assert interval.low <= interval.mean <= interval.high


def test_bootstrap_all_equal_is_a_point() -> None:
    interval = stats.bootstrap_mean({"a": [0.7] * 3, "b": [0.7] * 2}, resamples=200)
    assert interval is not None
    assert interval.low == pytest.approx(0.7) and interval.high == pytest.approx(0.7)


def test_bootstrap_one_task_resamples_epochs() -> None:
    interval = stats.bootstrap_mean({"only": [0.0, 1.0, 0.0, 1.0]}, resamples=1000)
    assert interval is not None
    assert interval.tasks == 1
    assert interval.low < 0.5 < interval.high  # epoch noise still gives an interval


def test_bootstrap_empty_and_nan() -> None:
    assert stats.bootstrap_mean({}) is None
    assert stats.bootstrap_mean({"a": [math.nan]}) is None
    assert stats.paired_uplift({"a": [1.0]}, {"b": [0.0]}) is None


def test_bootstrap_is_reproducible_with_a_seed() -> None:
    groups = {f"t{i}": [i / 10, (i + 3) % 10 / 10] for i in range(10)}
    first = stats.bootstrap_mean(groups, seed=7)
    assert first == stats.bootstrap_mean(groups, seed=7)
    assert first != stats.bootstrap_mean(groups, seed=8)


def simulate_groups(rng: np.random.Generator, tasks: int, epochs: int) -> dict[str, list[float]]:
    """Task difficulty varies (sd 0.15) around a true mean of 0.5; epochs add noise (sd 0.1)."""
    effects = rng.normal(0.5, 0.15, tasks)
    return {f"t{i}": list(e + rng.normal(0, 0.1, epochs)) for i, e in enumerate(effects)}


def test_interval_covers_the_true_mean_at_about_the_stated_rate() -> None:
    rng = np.random.default_rng(2024)
    runs = 300
    hits = 0
    for i in range(runs):
        interval = stats.bootstrap_mean(simulate_groups(rng, 20, 3), resamples=400, seed=i)
        assert interval is not None
        hits += interval.low <= 0.5 <= interval.high
    assert 0.89 <= hits / runs <= 0.99  # nominal 0.95; binomial sd over 300 runs is ~0.013


def test_paired_uplift_covers_a_known_shift() -> None:
    rng = np.random.default_rng(11)
    runs = 200
    hits = 0
    for i in range(runs):
        base = simulate_groups(rng, 15, 3)
        treated = {t: [v + 0.1 + rng.normal(0, 0.1) for v in vs] for t, vs in base.items()}
        interval = stats.paired_uplift(treated, base, resamples=400, seed=i)
        assert interval is not None
        hits += interval.low <= 0.1 <= interval.high
    assert 0.88 <= hits / runs <= 1.0


def test_paired_uplift_uses_shared_tasks_only() -> None:
    treated = {"a": [1.0, 1.0], "b": [0.5], "only-treated": [1.0]}
    base = {"a": [0.0, 0.0], "b": [0.5], "only-base": [0.0]}
    assert stats.task_differences(treated, base) == {"a": 1.0, "b": 0.0}
    interval = stats.paired_uplift(treated, base, resamples=300)
    assert interval is not None
    assert interval.mean == pytest.approx(0.5)
    assert (interval.tasks, interval.trials) == (2, 6)


def test_tally_counts_ties_within_tolerance() -> None:
    counts = stats.tally({"a": 0.2, "b": -0.3, "c": 0.004, "d": -0.009})
    assert counts == {"improved": 1, "regressed": 1, "tied": 2, "uncertain": 0}


def test_verdict_needs_an_interval_that_excludes_zero() -> None:
    assert stats.verdict(0.2) == "improved"  # no interval: the threshold alone decides
    assert stats.verdict(-0.2, bounds=(-0.4, -0.05)) == "regressed"
    assert stats.verdict(0.2, bounds=(-0.1, 0.5)) == "uncertain"
    assert stats.verdict(0.005, bounds=(0.001, 0.01)) == "tied"
    bounds = {"a": (0.1, 0.3), "b": (-0.5, 0.1), "c": None}
    counts = stats.tally({"a": 0.2, "b": -0.2, "c": -0.3, "d": 0.0}, bounds=bounds)
    assert counts == {"improved": 1, "regressed": 1, "tied": 1, "uncertain": 1}


def correlated_arms(rng: np.random.Generator) -> tuple[dict, dict]:
    """Each epoch's instance moves both arms alike (sd 0.3); the treatment adds 0.1 ± 0.02."""
    base, treated = {}, {}
    for i in range(8):
        instance = rng.normal(0.5, 0.3, 4)
        base[f"t{i}"] = list(instance)
        treated[f"t{i}"] = list(instance + 0.1 + rng.normal(0, 0.02, 4))
    return treated, base


def test_paired_by_epoch_is_narrower_on_correlated_data() -> None:
    treated, base = correlated_arms(np.random.default_rng(5))
    paired = stats.paired_uplift(treated, base, resamples=1000, seed=1)
    epochs = {task: [0, 1, 2, 3] for task in base}
    labelled = stats.paired_uplift(treated, base, resamples=1000, seed=1, epochs=(epochs, epochs))
    # different epoch labels per arm: no epoch pairing, each arm's epochs drawn on their own
    shifted = {task: [4, 5, 6, 7] for task in base}
    unpaired = stats.paired_uplift(treated, base, resamples=1000, seed=1, epochs=(epochs, shifted))
    assert paired is not None and labelled is not None and unpaired is not None
    assert paired == labelled
    assert paired.mean == pytest.approx(unpaired.mean)
    assert paired.high - paired.low < (unpaired.high - unpaired.low) / 3
    assert paired.low <= 0.1 <= paired.high


def test_epoch_pairing_follows_labels_not_positions() -> None:
    treated = {"a": [1.0, 0.0, 0.5]}
    base = {"a": [0.5, 1.0, 0.0]}
    epochs = ({"a": [2, 0, 1]}, {"a": [1, 2, 0]})  # epoch 0: 0.0 vs 0.0, 1: 0.5 vs 0.5, 2: 1 vs 1
    interval = stats.paired_uplift(treated, base, resamples=300, epochs=epochs)
    assert interval is not None
    assert (interval.low, interval.mean, interval.high) == (0.0, 0.0, 0.0)
