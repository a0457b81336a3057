"""Fault codes (10 classes) from 20 standardised sensor features, via a random "teacher".

The classes are a non-linear function of the features plus label noise, so the starter's
MLP reaches 0.73-0.76 accuracy once all its bugs are fixed, while any single bug left in
costs it 10 points or more (measured over seeds 0-8). Test rows come from the same
distribution and stay hidden: the grader copies their features into its rerun of the
agent's scripts, and a second, small batch of 50 of them (one machine's readings).
"""

from pathlib import Path

import numpy as np

N_FEATURES, N_CLASSES = 20, 10
N_TRAIN, N_TEST = 7500, 2000


def _write(path: Path, columns: list[str], *parts: np.ndarray) -> None:
    """Integer parts (ids, labels) as %d, float parts (features) with 4 decimals."""
    blocks = [p.reshape(len(p), -1) for p in parts]
    fmt = [("%d" if b.dtype.kind == "i" else "%.4f") for b in blocks for _ in range(b.shape[1])]
    table = np.hstack(blocks)
    np.savetxt(path, table, delimiter=",", header=",".join(columns), comments="", fmt=fmt)


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(3000 + seed)
    w1 = rng.normal(0, 1, (N_FEATURES, 32))
    w2 = rng.normal(0, 1, (32, N_CLASSES))
    x = rng.normal(0, 1, (N_TRAIN + N_TEST, N_FEATURES))
    logits = np.tanh(x @ w1 / np.sqrt(N_FEATURES)) @ w2 + rng.gumbel(0, 0.3, (len(x), N_CLASSES))
    y = logits.argmax(axis=1)
    ids = rng.permutation(len(x)) + 100000
    train, test = slice(0, N_TRAIN), slice(N_TRAIN, None)
    (public_dir / "data").mkdir()
    sensors = [f"s{i}" for i in range(N_FEATURES)]
    _write(
        public_dir / "data" / "train.csv", ["id", *sensors, "fault"], ids[train], x[train], y[train]
    )
    _write(hidden_dir / "test_features.csv", ["id", *sensors], ids[test], x[test])
    _write(hidden_dir / "test_labels.csv", ["id", "fault"], ids[test], y[test])
    # A second, small batch: one machine's readings, the 50 test rows with the highest s0,
    # shuffled. A predictor that re-standardises each file shifts them and changes faults.
    x_test, id_test = x[test], ids[test]
    pick = rng.permutation(np.argsort(x_test[:, 0])[-50:])
    _write(hidden_dir / "small_features.csv", ["id", *sensors], id_test[pick], x_test[pick])
