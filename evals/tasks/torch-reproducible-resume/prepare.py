"""Sensor readings in three classes, from a small random "teacher" network.

The classes are a non-linear function of 12 features plus label noise, so the starter's
small MLP reaches ~0.85 accuracy in a few epochs (a linear model stays well below). The
hidden test split has the validation file's format: the grader swaps it in for val.csv,
so the accuracy the reruns report is measured on rows the agent never saw.
"""

from pathlib import Path

import numpy as np

N_FEATURES, N_CLASSES = 12, 3
N_TRAIN, N_VAL, N_TEST = 2400, 600, 1000


def _write(path: Path, x: np.ndarray, y: np.ndarray) -> None:
    header = ",".join([f"f{i}" for i in range(N_FEATURES)] + ["label"])
    rows = np.column_stack([x.round(4), y])
    fmt = ["%.4f"] * N_FEATURES + ["%d"]
    np.savetxt(path, rows, delimiter=",", header=header, comments="", fmt=fmt)


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(2000 + seed)
    w1 = rng.normal(0, 1, (N_FEATURES, 16))
    w2 = rng.normal(0, 1, (16, N_CLASSES))
    x = rng.normal(0, 1, (N_TRAIN + N_VAL + N_TEST, N_FEATURES))
    logits = np.tanh(x @ w1 / np.sqrt(N_FEATURES)) @ w2
    logits += rng.gumbel(0, 0.3, logits.shape)  # label noise: ~5-10% of rows are ambiguous
    y = logits.argmax(axis=1)
    train, val = slice(0, N_TRAIN), slice(N_TRAIN, N_TRAIN + N_VAL)
    test = slice(N_TRAIN + N_VAL, None)
    (public_dir / "data").mkdir()
    _write(public_dir / "data" / "train.csv", x[train], y[train])
    _write(public_dir / "data" / "val.csv", x[val], y[val])
    _write(hidden_dir / "test.csv", x[test], y[test])
