"""Defect classes (4) of machined parts from 16 standardised measurements.

Labels come from a random non-linear "teacher" plus noise, so a small MLP reaches about
0.8 accuracy and a linear model clearly less. Test rows stay hidden: the grader copies
their features into its rerun of the agent's scripts. The grader's GPU-machine run
trains on the first 1,000 training rows (gpu_train.csv), to stay quick.
"""

from pathlib import Path

import numpy as np

N_FEATURES, N_CLASSES = 16, 4
N_TRAIN, N_TEST = 6000, 2000
# Powers of two and 100 leave no one-row last batch (BatchNorm cannot train on one) of
# 1,000 rows, nor of 900 or 800 after a validation split.
N_GPU_TRAIN = 1000


def _write(path: Path, columns: list[str], *parts: np.ndarray) -> None:
    blocks = [p.reshape(len(p), -1) for p in parts]
    fmt = [("%d" if b.dtype.kind == "i" else "%.4f") for b in blocks for _ in range(b.shape[1])]
    np.savetxt(
        path, np.hstack(blocks), delimiter=",", header=",".join(columns), comments="", fmt=fmt
    )


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(9100 + seed)
    w1 = rng.normal(0, 1, (N_FEATURES, 24))
    w2 = rng.normal(0, 1, (24, N_CLASSES))
    x = rng.normal(0, 1, (N_TRAIN + N_TEST, N_FEATURES))
    logits = np.tanh(x @ w1 / 2.0) @ w2 + rng.gumbel(0, 0.4, (len(x), N_CLASSES))
    y = logits.argmax(axis=1)
    ids = rng.permutation(len(x)) + 500000
    train, test = slice(0, N_TRAIN), slice(N_TRAIN, None)
    names = [f"m{i}" for i in range(N_FEATURES)]
    (public_dir / "data").mkdir()
    _write(
        public_dir / "data" / "train.csv", ["id", *names, "defect"], ids[train], x[train], y[train]
    )
    _write(hidden_dir / "test_features.csv", ["id", *names], ids[test], x[test])
    _write(hidden_dir / "test_labels.csv", ["id", "defect"], ids[test], y[test])
    gpu = slice(0, N_GPU_TRAIN)  # the GPU machine's run only checks the GPU path: kept short
    _write(hidden_dir / "gpu_train.csv", ["id", *names, "defect"], ids[gpu], x[gpu], y[gpu])
    # A small batch for the GPU-checkpoint rerun: 7 parts of one class (a class per seed),
    # whose batch statistics are far from the population's, so a model left in train mode
    # (BatchNorm on batch statistics) changes 2-6 of their classes (seeds 0-7), where 7
    # random rows moved 0-5 and none on two seeds of eight.
    few = N_TRAIN + np.flatnonzero(y[test] == seed % N_CLASSES)[:7]
    _write(hidden_dir / "test_few.csv", ["id", *names], ids[few], x[few])
