"""Expected cost per transaction of the agent's review decisions on hidden test rows.

Reviewing costs 5, approving a fraud costs 100. The cost is taken in expectation over the
generator's true fraud probabilities (5 x review + 100 x p x (1 - review)), which ranks
decision rules exactly as the realised cost would, without the noise of a few hundred
frauds. The realised cost on the sampled labels is reported alongside.
"""

import numpy as np
import pandas as pd

REVIEW_COST, FRAUD_COST = 5.0, 100.0


def grade(ctx):
    labels = pd.read_csv(ctx.hidden / "test_labels.csv")
    preds = ctx.read_predictions(
        "decisions.csv",
        id_column="transaction_id",
        columns={"review": "number"},
        expected_ids=labels["transaction_id"].tolist(),
    )
    if not preds.ok:
        return ctx.grade(None, [preds.check])
    review = preds.frame["review"].to_numpy()
    binary = ctx.check(
        "decisions are 0 or 1",
        bool(np.isin(review, (0, 1)).all()),
        f"{int((~np.isin(review, (0, 1))).sum())} values of `review` are not 0 or 1",
        gate=True,
    )
    if not binary.passed:
        return ctx.grade(None, [preds.check, binary])
    p = labels["fraud_probability"].to_numpy()
    fraud = labels["is_fraud"].to_numpy()
    expected = float(np.mean(REVIEW_COST * review + FRAUD_COST * p * (1 - review)))
    realised = float(np.mean(REVIEW_COST * review + FRAUD_COST * fraud * (1 - review)))
    extra = {"realised_cost": realised, "review_rate": float(review.mean())}
    return ctx.grade(expected, [preds.check, binary], extra)
