"""Customer spend driven by one latent factor that the data measures four ways.

Groups (the agent is not told them):
- income (4 near-twins, pairwise correlation ~0.95): the strongest driver of spend;
- tenure (1 feature, uncorrelated with the rest): a moderate driver;
- age (3 correlated features, ~0.85): a weak driver;
- noise (5 uncorrelated features): no effect at all.
Because the income signal is spread over four twins, permuting one twin at a time costs a
model little (the others stand in), so single-feature importance ranks tenure first; only
permuting the group together shows that income matters most.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd

N = 3000
GROUPS = {
    "income": ["income_declared", "income_bank_estimate", "income_bureau", "salary_deposits"],
    "tenure": ["tenure_years"],
    "age": ["age", "years_at_address", "account_age_months"],
    "noise": [
        "survey_score", "app_opens_7d", "marketing_cohort", "store_distance_km", "promo_emails_30d",
    ],
}  # fmt: skip


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(18300 + seed)
    income, tenure, age = rng.normal(size=(3, N))
    columns = {}
    for name in GROUPS["income"]:
        columns[name] = income + rng.normal(0, 0.22, N)
    columns["tenure_years"] = tenure
    for name in GROUPS["age"]:
        columns[name] = age + rng.normal(0, 0.4, N)
    for name in GROUPS["noise"]:
        columns[name] = rng.normal(size=N)
    spend = 3.0 * np.tanh(income) + 1.5 * tenure + 0.4 * age + rng.normal(0, 1.0, N)
    # Put the columns on readable scales (the model does not care; people do).
    scale = {
        "income_declared": (4200, 1300), "income_bank_estimate": (4100, 1250),
        "income_bureau": (4300, 1400), "salary_deposits": (3600, 1100),
        "tenure_years": (6, 2.5), "age": (44, 12), "years_at_address": (9, 5),
        "account_age_months": (70, 30), "survey_score": (7, 1.5), "app_opens_7d": (12, 4),
        "marketing_cohort": (5, 2), "store_distance_km": (14, 5), "promo_emails_30d": (8, 3),
    }  # fmt: skip
    frame = pd.DataFrame({c: (v * scale[c][1] + scale[c][0]).round(2) for c, v in columns.items()})
    frame = frame[list(rng.permutation(frame.columns))]
    frame.insert(0, "customer_id", [f"K{i}" for i in rng.permutation(N) + 10000])
    frame["monthly_spend"] = (120 + 25 * spend).round(2)
    (public_dir / "data").mkdir()
    frame.to_csv(public_dir / "data" / "customers.csv", index=False)
    (hidden_dir / "truth.json").write_text(json.dumps({"groups": GROUPS, "driving": "income"}))
