"""Chargeback risk on card transactions: rare positives, four regions with different rates.

The true probability of each case is a non-linear function of eight numeric features and
the region (base rates from about 2% to 9%), so a boosted-tree model ranks well, and the
starter's class-weighted model is far too high out of the box. The agent gets labelled
history (train.csv) and next week's cases (score.csv, no label). Hidden: the labels of
the scored cases, their true probabilities (the grader compares sums, calibration and
ranking against them, free of label noise) and the starter model's probabilities (the
ranking "as good as it is today" that the ticket asks to keep).

48,000 rows of history: with 16,000 an honest calibration's own error (ECE up to 0.0106)
overlapped a rescaled class-weighted model's shape error (0.0086 and up), and a model
fitted on a 75% split lost as much ranking as 10-level binning; with 48,000 the
starter is sharper, so the rescale's error doubles while honest error shrinks.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

N_TRAIN, N_SCORE = 48000, 16000
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


def _starter_probabilities(train: pd.DataFrame, score: pd.DataFrame) -> np.ndarray:
    """The team's model as shipped in workspace/train_model.py, fitted as the agent would."""
    path = Path(__file__).parent / "workspace" / "train_model.py"
    spec = importlib.util.spec_from_file_location("calibration_starter", path)
    starter = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(starter)
    frames = [frame.assign(region=frame["region"].astype("category")) for frame in (train, score)]
    with threadpool_limits(1):  # the same trees on any machine
        model = starter.make_model().fit(frames[0][starter.FEATURES], train["chargeback"])
        return model.predict_proba(frames[1][starter.FEATURES])[:, 1]


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
        {
            "id": score["id"],
            "region": score["region"],
            "chargeback": y_score,
            "p_true": p_score,
            "p_starter": _starter_probabilities(train, score),
        }
    )
    truth.to_csv(hidden_dir / "score_truth.csv", index=False)
