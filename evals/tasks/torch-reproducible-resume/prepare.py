"""Sensor readings in three classes, from a small random "teacher" network.

The classes are a non-linear function of 12 features plus label noise, so the starter's
small MLP reaches ~0.85 accuracy in a few epochs (a linear model stays well below).

Public: train.csv and val.csv (labelled), score.csv (a day's unlabelled batch with ids,
which train.py scores). Hidden: the grader's own scoring batch (features and ids only,
swapped in for score.csv, so no label ever enters a sandbox that runs agent code), its
labels (read by the grader alone), and a "refreshed" train.csv (the same rows in another
order) on which a pre-empted run is started, so that a resume which silently retrains
from scratch on today's data is caught.
"""

from pathlib import Path

import numpy as np

N_FEATURES, N_CLASSES = 12, 3
N_TRAIN, N_VAL, N_TEST, N_PUBLIC_SCORE = 2400, 600, 1000, 200


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
    order = rng.permutation(N_TRAIN)
    _write(hidden_dir / "train_refreshed.csv", x[train][order], y[train][order])
