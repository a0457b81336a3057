"""Chargeback risk on card transactions: rare positives, four regions with different rates.

The true probability of each case is a non-linear function of eight numeric features and
the region (base rates from about 2% to 9%), so a boosted-tree model ranks well, and the
starter's class-weighted model is far too high out of the box. The agent gets labelled
history (train.csv) and next week's cases (score.csv, no label). Hidden: the labels of
the scored cases and their true probabilities, which the grader uses to compare expected
counts per region without label noise.
"""

from pathlib import Path

import numpy as np
import pandas as pd

N_TRAIN, N_SCORE = 16000, 16000
REGIONS = np.array(["north", "south", "east", "west"])
REGION_SHIFT = np.array([-0.9, 0.0, 0.4, 0.9])  # log-odds offsets: ~2% to ~9% positives


def _cases(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, np.ndarray]:
    x = rng.normal(0, 1, (n, 8))
    region = rng.integers(0, 4, n)
    logit = (
        -3.9
        + REGION_SHIFT[region]
        + 1.1 * x[:, 0]
        + 0.8 * np.tanh(2 * x[:, 1])
        + 0.7 * (x[:, 2] > 0.8)
        + 0.6 * x[:, 3] * x[:, 4]
        - 0.5 * x[:, 5] ** 2
        + 0.4 * np.abs(x[:, 6])
    )
    p = 1 / (1 + np.exp(-logit))
    frame = pd.DataFrame(x.round(4), columns=[f"f{i}" for i in range(8)])
    frame.insert(0, "region", REGIONS[region])
    return frame, p


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(4100 + seed)
    train, p_train = _cases(rng, N_TRAIN)
    score, p_score = _cases(rng, N_SCORE)
    ids = rng.permutation(N_TRAIN + N_SCORE) + 700000
    train.insert(0, "id", ids[:N_TRAIN])
    score.insert(0, "id", ids[N_TRAIN:])
    train["chargeback"] = (rng.random(N_TRAIN) < p_train).astype(int)
    y_score = (rng.random(N_SCORE) < p_score).astype(int)
    (public_dir / "data").mkdir()
    train.to_csv(public_dir / "data" / "train.csv", index=False)
    score.to_csv(public_dir / "data" / "score.csv", index=False)
    truth = pd.DataFrame(
        {"id": score["id"], "region": score["region"], "chargeback": y_score, "p_true": p_score}
    )
    truth.to_csv(hidden_dir / "score_truth.csv", index=False)
