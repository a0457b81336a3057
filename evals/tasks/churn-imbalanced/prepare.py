"""Churn data: ~4% positives, mixed types, missing values, a few weak and noise features.

The signal is non-linear (an interaction and a threshold effect) so a tuned model beats a
linear one, and positives are rare enough that accuracy is useless as a guide. The hidden
folder also keeps each test customer's true churn probability (test_truth.csv) and a copy
of the training labels (train_labels.csv).
"""

from pathlib import Path

import numpy as np
import pandas as pd

N_TRAIN, N_TEST = 6000, 3000
PLANS = np.array(["basic", "plus", "premium"])
REGIONS = np.array(["north", "south", "east", "west", "central"])


def _customers(rng: np.random.Generator, n: int) -> pd.DataFrame:
    tenure = rng.gamma(2.0, 12.0, n).round(1)
    frame = pd.DataFrame(
        {
            "tenure_months": tenure,
            "monthly_charges": rng.normal(70, 25, n).clip(10, 200).round(2),
            "support_calls_90d": rng.poisson(1.2, n),
            "late_payments_12m": rng.poisson(0.4, n),
            "plan": rng.choice(PLANS, n, p=[0.5, 0.3, 0.2]),
            "region": rng.choice(REGIONS, n),
            "autopay": rng.choice(["yes", "no"], n, p=[0.6, 0.4]),
            "usage_trend": rng.normal(0, 1, n).round(3),
        }
    )
    return frame


def _churn_logit(df: pd.DataFrame) -> np.ndarray:
    calls = df["support_calls_90d"].to_numpy()
    logit = (
        -4.2
        + 2.0 * (calls >= 3)
        + 0.9 * df["late_payments_12m"].to_numpy()
        - 0.06 * df["tenure_months"].to_numpy()
        + 2.0 * (df["autopay"].to_numpy() == "no") * (df["plan"].to_numpy() == "basic")
        - 1.8 * df["usage_trend"].to_numpy() * (df["monthly_charges"].to_numpy() > 80)
        + 0.015 * (df["monthly_charges"].to_numpy() - 70)
    )
    return logit


def _add_missing(rng: np.random.Generator, df: pd.DataFrame) -> pd.DataFrame:
    for column, rate in (("monthly_charges", 0.05), ("usage_trend", 0.08), ("region", 0.03)):
        df.loc[rng.random(len(df)) < rate, column] = np.nan
    return df


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(1000 + seed)
    df = _customers(rng, N_TRAIN + N_TEST)
    p = 1 / (1 + np.exp(-_churn_logit(df)))
    df["churned"] = (rng.random(len(df)) < p).astype(int)
    df = _add_missing(rng, df)
    df.insert(0, "customer_id", [f"C{100000 + i}" for i in rng.permutation(len(df))])
    train, test = df.iloc[:N_TRAIN], df.iloc[N_TRAIN:]
    (public_dir / "data").mkdir()
    train.to_csv(public_dir / "data" / "train.csv", index=False)
    test.drop(columns="churned").to_csv(public_dir / "data" / "test.csv", index=False)
    test[["customer_id", "churned"]].to_csv(hidden_dir / "test_labels.csv", index=False)
    # The grader recomputes the claimed validation AP from the agent's validation predictions
    # against these (the same labels as train.csv, kept where the agent cannot edit them).
    train[["customer_id", "churned"]].to_csv(hidden_dir / "train_labels.csv", index=False)
    # The generator's own churn probabilities: the grader checks calibration and the claimed
    # AP against them, free of the noise of ~125 drawn labels. Computed from the same draws,
    # so the public data and the labels are unchanged.
    truth = pd.DataFrame({"customer_id": test["customer_id"], "p_churn": p[N_TRAIN:]})
    truth.to_csv(hidden_dir / "test_truth.csv", index=False)
