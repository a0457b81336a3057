"""Card transactions with rare fraud (~3%) and a weak-to-moderate signal.

Most frauds look only somewhat suspicious (true fraud probabilities of 3-30%), so where
the decision threshold sits matters a lot: with every review costing 5 and a missed fraud
100 (20x), the cost-optimal rule reviews every transaction whose *calibrated* fraud
probability exceeds 5/100. The true probabilities are kept in the hidden folder so the
grader can score the expected cost of the decisions without label noise.
"""

from pathlib import Path

import numpy as np
import pandas as pd

N_TRAIN, N_TEST = 15000, 10000
CATEGORIES = {
    "grocery": -0.9,
    "fuel": -0.3,
    "restaurants": -0.5,
    "fashion": 0.2,
    "travel": 0.5,
    "electronics": 0.9,
    "online_gaming": 1.1,
    "gift_cards": 1.6,
}


def _transactions(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, np.ndarray]:
    avg_30d = rng.lognormal(3.6, 0.6, n)
    amount = avg_30d * rng.lognormal(0.0, 0.8, n)
    hour = rng.choice(24, n, p=np.r_[np.full(6, 0.015), np.full(18, 0.91 / 18)])
    category = rng.choice(list(CATEGORIES), n, p=[0.25, 0.12, 0.15, 0.14, 0.06, 0.1, 0.1, 0.08])
    card_present = rng.random(n) < 0.55
    abroad = rng.random(n) < 0.08
    account_age = rng.gamma(1.5, 400, n).round()
    tx_24h = rng.poisson(2.0, n)
    new_device = rng.random(n) < 0.1 * (1 - card_present)
    distance = np.where(abroad, rng.gamma(2, 800, n), rng.gamma(1.2, 15, n)).round(1)
    log_ratio = np.log(amount / avg_30d)
    logit = (
        -4.6
        + 1.1 * abroad
        + 1.0 * new_device
        + 0.9 * np.clip(log_ratio, 0, None)
        + np.array([CATEGORIES[c] for c in category])
        + 0.8 * (hour < 6)
        + 0.6 * ~card_present
        - 0.35 * np.log1p(account_age / 30)
        + 0.18 * np.minimum(tx_24h, 8)
        + 0.25 * np.log1p(distance / 50)
    )
    frame = pd.DataFrame(
        {
            "amount": amount.round(2),
            "avg_amount_30d": avg_30d.round(2),
            "hour": hour,
            "merchant_category": category,
            "card_present": np.where(card_present, "yes", "no"),
            "account_age_days": account_age,
            "tx_last_24h": tx_24h,
            "new_device": new_device.astype(int),
            "distance_from_home_km": distance,
        }
    )
    for column, rate in (("avg_amount_30d", 0.04), ("distance_from_home_km", 0.06)):
        frame.loc[rng.random(n) < rate, column] = np.nan
    return frame, 1 / (1 + np.exp(-logit))


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(5300 + seed)
    frame, p = _transactions(rng, N_TRAIN + N_TEST)
    frame.insert(0, "transaction_id", [f"T{10_000_000 + i}" for i in rng.permutation(len(frame))])
    frame["is_fraud"] = (rng.random(len(frame)) < p).astype(int)
    train, test = frame.iloc[:N_TRAIN], frame.iloc[N_TRAIN:]
    (public_dir / "data").mkdir()
    train.to_csv(public_dir / "data" / "train.csv", index=False)
    test.drop(columns="is_fraud").to_csv(public_dir / "data" / "test.csv", index=False)
    hidden = test[["transaction_id", "is_fraud"]].assign(fraud_probability=p[N_TRAIN:])
    hidden.to_csv(hidden_dir / "test_labels.csv", index=False)
