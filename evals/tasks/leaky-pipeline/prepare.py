"""Card-not-present orders; label: charged back within 90 days of the order.

Three traps live in the data the starter code reads, none of them announced:
- `refund_issued` is filled in by the disputes team *after* a chargeback, so in train it
  almost equals the label; at scoring time (test) nothing has been refunded yet.
- `merchant_id` carries real risk (~20 orders per merchant in train, enough to learn it
  out of fold), but a target mean computed on all training rows (what train.py does)
  contains each row's own label.
- the export wrote ~30% of orders twice (identical rows, same order_id), so a random split
  puts copies of validation rows into the training fold.
Test orders are new, unique and carry no post-outcome information.

The hidden folder also keeps each test order's true chargeback probability
(test_truth.csv), so the grader can check the submitted probabilities, and the AUC
the ranking gets, against it without the noise of the drawn labels.
"""

from pathlib import Path

import numpy as np
import pandas as pd

N_TRAIN, N_TEST, N_MERCHANTS = 8000, 8000, 400
DUP_RATE = 0.5


def _orders(rng: np.random.Generator, n: int, merchant_effect: np.ndarray) -> pd.DataFrame:
    age = rng.gamma(1.2, 300, n).round()
    df = pd.DataFrame(
        {
            "order_amount": np.exp(rng.normal(4.0, 0.9, n)).round(2),
            "account_age_days": age,
            "n_prev_orders": rng.poisson(1 + age / 60),
            "hour": rng.integers(0, 24, n),
            "payment_method": rng.choice(
                ["card", "paypal", "gift_card", "bank_transfer"], n, p=[0.6, 0.25, 0.08, 0.07]
            ),
            "device": rng.choice(["mobile", "desktop", "tablet"], n, p=[0.55, 0.37, 0.08]),
            "email_type": rng.choice(
                ["webmail", "corporate", "new_domain"], n, p=[0.7, 0.22, 0.08]
            ),
            "address_match": rng.choice(["yes", "no"], n, p=[0.8, 0.2]),
            "merchant_id": rng.integers(0, N_MERCHANTS, n),
        }
    )
    night = (df["hour"] <= 5).to_numpy()
    logit = (
        -3.6
        + 0.55 * (np.log(df["order_amount"].to_numpy()) - 4)
        - 0.9 * np.log1p(df["account_age_days"].to_numpy() / 30)
        + 1.0 * (df["address_match"].to_numpy() == "no")
        + 1.2 * (df["email_type"].to_numpy() == "new_domain")
        + 0.9 * (df["payment_method"].to_numpy() == "gift_card")
        + 0.8 * night * (df["device"].to_numpy() == "mobile")
        - 0.15 * np.minimum(df["n_prev_orders"].to_numpy(), 10)
        + merchant_effect[df["merchant_id"].to_numpy()]
        + 3.3
    )
    df["p_chargeback"] = 1 / (1 + np.exp(-logit))
    df["chargeback"] = (rng.random(n) < df["p_chargeback"].to_numpy()).astype(int)
    df["merchant_id"] = [f"M{m:04d}" for m in df["merchant_id"]]
    return df


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(2000 + seed)
    merchant_effect = rng.normal(0, 1.0, N_MERCHANTS)
    df = _orders(rng, N_TRAIN + N_TEST, merchant_effect)
    df.insert(0, "order_id", [f"O{500000 + i}" for i in rng.permutation(len(df))])
    p_true = df.pop("p_chargeback")  # hidden: kept for the test orders only
    train, test = df.iloc[:N_TRAIN].copy(), df.iloc[N_TRAIN:].copy()
    # Post-outcome: refunds follow chargebacks (plus a few goodwill refunds).
    cb = train["chargeback"].to_numpy() == 1
    train["refund_issued"] = np.where(cb, rng.random(N_TRAIN) < 0.9, rng.random(N_TRAIN) < 0.03)
    test["refund_issued"] = rng.random(N_TEST) < 0.005  # scored at checkout: almost none yet
    for frame in (train, test):
        frame["refund_issued"] = frame["refund_issued"].astype(int)
        frame.loc[rng.random(len(frame)) < 0.06, "account_age_days"] = np.nan
    dups = train.sample(frac=DUP_RATE, random_state=int(rng.integers(1 << 31)))
    train = pd.concat([train, dups]).sample(frac=1.0, random_state=int(rng.integers(1 << 31)))
    (public_dir / "data").mkdir()
    train.to_csv(public_dir / "data" / "train.csv", index=False)
    test.drop(columns="chargeback").to_csv(public_dir / "data" / "test.csv", index=False)
    test[["order_id", "chargeback"]].to_csv(hidden_dir / "test_labels.csv", index=False)
    truth = pd.DataFrame({"order_id": test["order_id"], "p_chargeback": p_true.iloc[N_TRAIN:]})
    truth.to_csv(hidden_dir / "test_truth.csv", index=False)
