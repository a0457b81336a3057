"""Regional lead-scoring data, and the grader's datasets with coin-flip labels.

Every feature is a noisy reading of a region's hidden purchase propensity (a third of
them carry nothing), so the 20 approved configurations (four features and a
regularisation strength for a logistic regression) differ somewhat in quality, and their
scores on a region's few hundred labelled rows differ a lot by chance.

The agent sees this month's four regions. The grader reruns the agent's tune.py on two
datasets of its own (hidden, same format and sizes):
  run_a: this month's regions plus five "null" regions,
  run_b: nine null regions (both under the ten-region size the instruction budgets for).
A null region's features are drawn exactly like a real one's, but its labels come from an
independent propensity, so every model's true AUC there is 0.5 whatever it chooses. The
mean reported AUC over the fourteen null regions measures the procedure's optimism directly:
an honest estimate averages about 0.5, while the best of 20 noisy scores sits about two
standard errors above it in every region, so averaging shrinks the honest noise but not
that bias (grader.py has the numbers).
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd

N_FEATURES, N_CONFIGS, SET_SIZE = 24, 20, 4
FEATURES = [f"f{i:02d}" for i in range(1, N_FEATURES + 1)]
N_TRAIN, N_VALID = 200, 300
N_TEST_REAL, N_TEST_NULL = 600, 300
PLACES = ["aurora", "basin", "cedar", "delta", "ember", "fjord", "granite", "harbor",
          "iris", "juniper", "kestrel", "lagoon", "meadow", "nova", "orchard", "prairie",
          "quarry", "ridge", "summit", "tundra"]  # fmt: skip
N_REAL, N_NULL_A, N_NULL_B = 4, 5, 9


def _search_space(rng):
    configs = []
    for i in range(N_CONFIGS):
        cols = sorted(rng.choice(FEATURES, SET_SIZE, replace=False).tolist())
        c = float(np.round(10 ** rng.uniform(-2, 1), 4))
        configs.append({"id": f"c{i + 1:02d}", "features": cols, "C": c})
    return configs


def _region(rng, name, null):
    """Labelled train and validation rows and test rows (with labels) of one region."""
    loading = rng.uniform(0.25, 0.6, N_FEATURES) * (rng.random(N_FEATURES) < 2 / 3)
    shift = rng.normal(-0.4, 0.3)
    n_test = N_TEST_NULL if null else N_TEST_REAL
    parts = {}
    for split, n in (("train", N_TRAIN), ("validation", N_VALID), ("test", n_test)):
        propensity = rng.normal(size=n)
        X = propensity[:, None] * loading + rng.normal(size=(n, N_FEATURES))
        drives = rng.normal(size=n) if null else propensity  # null: labels ignore features
        y = (rng.random(n) < 1 / (1 + np.exp(-(shift + 1.3 * drives)))).astype(int)
        frame = pd.DataFrame(X.round(3), columns=FEATURES)
        frame.insert(0, "region", name)
        frame["converted"] = y
        parts[split] = frame
    return parts


def _tables(rng, regions, next_id):
    """The three files of one dataset: rows of all regions shuffled, unique lead ids."""
    tables = {}
    for split in ("train", "validation", "test"):
        table = pd.concat([r[split] for r in regions], ignore_index=True)
        table = table.iloc[rng.permutation(len(table))].reset_index(drop=True)
        ids = next_id + rng.permutation(len(table))
        table.insert(0, "lead_id", [f"L{i}" for i in ids])
        next_id += len(table)
        tables[split] = table
    return tables, next_id


def _write(folder, tables, space):
    folder.mkdir(parents=True)
    tables["train"].to_csv(folder / "train.csv", index=False)
    tables["validation"].to_csv(folder / "validation.csv", index=False)
    tables["test"].drop(columns="converted").to_csv(folder / "test.csv", index=False)
    (folder / "search_space.json").write_text(json.dumps(space, indent=1))


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(18700 + seed)
    space = {"model": "logistic_regression", "configurations": _search_space(rng)}
    names = rng.permutation(PLACES).tolist()
    real = [_region(rng, n, null=False) for n in names[:N_REAL]]
    null_a = [_region(rng, n, null=True) for n in names[N_REAL : N_REAL + N_NULL_A]]
    null_b = [_region(rng, n, null=True) for n in names[N_REAL + N_NULL_A :][:N_NULL_B]]
    tables, next_id = _tables(rng, real, 100000)
    _write(public_dir / "data", tables, space)
    tables["test"][["lead_id", "region", "converted"]].to_csv(
        hidden_dir / "test_labels.csv", index=False
    )
    # run_a: the public files with the null regions' rows appended and shuffled in
    extra, next_id = _tables(rng, null_a, next_id)
    run_a = {
        split: pd.concat([tables[split], extra[split]]).sample(frac=1.0, random_state=seed)
        for split in tables
    }
    _write(hidden_dir / "run_a", run_a, space)
    run_b, _ = _tables(rng, null_b, next_id)
    _write(hidden_dir / "run_b", run_b, space)
    roles = {"real": names[:N_REAL], "null": names[N_REAL : N_REAL + N_NULL_A + N_NULL_B]}
    (hidden_dir / "regions.json").write_text(json.dumps(roles, indent=1))
