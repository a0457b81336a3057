"""Average precision of the churn scores on hidden labels.

Average precision rewards ranking the rare churners first; a constant score gets the
prevalence, which is the baseline. Predictions are read defensively: any defect in the
file is a failed gate with its reason.
"""

import pandas as pd
from sklearn.metrics import average_precision_score


def grade(ctx):
    labels = pd.read_csv(ctx.hidden / "test_labels.csv")
    preds = ctx.read_predictions(
        "predictions.csv",
        id_column="customer_id",
        columns={"churn_probability": "probability"},
        expected_ids=labels["customer_id"].tolist(),
    )
    if not preds.ok:
        return ctx.grade(None, [preds.check])
    scores = preds.frame["churn_probability"].to_numpy()
    ap = float(average_precision_score(labels["churned"].to_numpy(), scores))
    distinct = len(set(scores.round(6)))
    ranking = ctx.check(
        "scores rank customers",
        distinct > 10,
        f"{distinct} distinct scores" + ("" if distinct > 10 else ": hard labels cannot rank"),
    )
    return ctx.grade(ap, [preds.check, ranking], {"prevalence": float(labels["churned"].mean())})
