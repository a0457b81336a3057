"""Sensor readings in three classes, from a small random "teacher" network.

The classes are a non-linear function of 12 features plus label noise, so the starter's
small MLP reaches ~0.85 accuracy in a few epochs (a linear model stays well below).

Public: train.csv and val.csv (labelled), score.csv (a day's unlabelled batch with ids,
which train.py scores). Hidden: the grader's own scoring batch (features and ids only,
swapped in for score.csv, so no label ever enters a sandbox that runs agent code), its
labels (read by the grader alone), and a "refreshed" train.csv: the same rows in another
order with a few readings corrected (as the ticket's nightly export may deliver). A run
pre-empted on one export and resumed on the other must differ from a run on either
alone, so a resume that retrains from scratch, or that trains on a copy of the data kept
from before the stop, is caught. The corrected values are what make this hold for every
honest design: a trainer that puts rows in a canonical order (an honest choice) trains
identically on a mere reordering, and could not then be told from a fresh retrain.
"""

from pathlib import Path

import numpy as np

N_FEATURES, N_CLASSES = 12, 3
N_TRAIN, N_VAL, N_TEST, N_PUBLIC_SCORE = 2400, 600, 1000, 200
# Readings the refreshed export corrects: 1% of the rows, one feature each, by 0.5-1.5
# (the features are standard normal), so every honest trainer's weights move; labels and
# the row count stay, so the class count and the one-cycle schedule's length do too.
N_CORRECTED = 24


def _write(path: Path, x: np.ndarray, y: np.ndarray) -> None:
    header = ",".join([f"f{i}" for i in range(N_FEATURES)] + ["label"])
    rows = np.column_stack([x.round(4), y])
    fmt = ["%.4f"] * N_FEATURES + ["%d"]
    np.savetxt(path, rows, delimiter=",", header=header, comments="", fmt=fmt)


def _write_features(path: Path, ids: np.ndarray, x: np.ndarray) -> None:
    header = ",".join(["id"] + [f"f{i}" for i in range(N_FEATURES)])
    fmt = ["%d"] + ["%.4f"] * N_FEATURES
    rows = np.column_stack([ids, x.round(4)])
    np.savetxt(path, rows, delimiter=",", header=header, comments="", fmt=fmt)


def _refreshed(rng, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The training rows as a later export delivers them: a few readings corrected, and
    the rows in another order."""
    x = x.copy()
    rows = rng.choice(len(x), N_CORRECTED, replace=False)
    columns = rng.integers(0, N_FEATURES, N_CORRECTED)
    shifts = rng.choice([-1.0, 1.0], N_CORRECTED) * rng.uniform(0.5, 1.5, N_CORRECTED)
    x[rows, columns] += shifts
    order = rng.permutation(len(x))
    return x[order], y[order]


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(2000 + seed)
    w1 = rng.normal(0, 1, (N_FEATURES, 16))
    w2 = rng.normal(0, 1, (16, N_CLASSES))
    x = rng.normal(0, 1, (N_TRAIN + N_VAL + N_TEST + N_PUBLIC_SCORE, N_FEATURES))
    logits = np.tanh(x @ w1 / np.sqrt(N_FEATURES)) @ w2
    logits += rng.gumbel(0, 0.3, logits.shape)  # label noise: ~5-10% of rows are ambiguous
    y = logits.argmax(axis=1)
    train, val = slice(0, N_TRAIN), slice(N_TRAIN, N_TRAIN + N_VAL)
    test = slice(N_TRAIN + N_VAL, N_TRAIN + N_VAL + N_TEST)
    public_score = slice(N_TRAIN + N_VAL + N_TEST, None)
    (public_dir / "data").mkdir()
    _write(public_dir / "data" / "train.csv", x[train], y[train])
    _write(public_dir / "data" / "val.csv", x[val], y[val])
    _write_features(public_dir / "data" / "score.csv", np.arange(N_PUBLIC_SCORE), x[public_score])
    ids = rng.permutation(np.arange(10_000, 10_000 + N_TEST))
    _write_features(hidden_dir / "score.csv", ids, x[test])
    (hidden_dir / "score_labels.csv").write_text(
        "id,label\n" + "".join(f"{i},{label}\n" for i, label in zip(ids, y[test], strict=True))
    )
    _write(hidden_dir / "train_refreshed.csv", *_refreshed(rng, x[train], y[train]))
