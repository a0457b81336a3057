"""ROC AUC on hidden outcomes of the test orders, plus: is the reported estimate honest?

The ticket is about a validation number nobody can trust, so half of the score is whether
`validation_auc` in metrics.json lands within TOLERANCE of the AUC the predictions really
get on the hidden labels. TOLERANCE is ~2.5 standard deviations of the gap an honest
5-fold CV or 20% hold-out shows over seeds (measured 0.011-0.015); leaving the duplicates
in alone makes the estimate 0.06-0.10 too high, the leak or the in-sample merchant
encoding 0.2-0.3.
"""

import pandas as pd
from sklearn.metrics import roc_auc_score

TOLERANCE = 0.035


def grade(ctx):
    labels = pd.read_csv(ctx.hidden / "test_labels.csv")
    preds = ctx.read_predictions(
        "predictions.csv",
        id_column="order_id",
        columns={"chargeback_probability": "probability"},
        expected_ids=labels["order_id"].tolist(),
    )
    if not preds.ok:
        return ctx.grade(None, [preds.check])
    auc = float(roc_auc_score(labels["chargeback"], preds.frame["chargeback_probability"]))
    data, readable = ctx.read_json("metrics.json", "metrics.json readable")
    estimate = ctx.number(data, "validation_auc")
    if estimate is None:
        why = readable.message if not readable.passed else "no number under 'validation_auc'"
        honest = ctx.check("estimate honest", False, f"metrics.json: {why}", weight=1.0)
    else:
        gap = estimate - auc
        honest = ctx.check(
            "estimate honest",
            abs(gap) <= TOLERANCE,
            f"reported {estimate:.3f}, hidden test AUC {auc:.3f} (off by {gap:+.3f}; "
            f"allowed ±{TOLERANCE})",
            weight=1.0,
        )
    metrics = {"reported_auc": estimate} if estimate is not None else {}
    return ctx.grade(auc, [preds.check, honest], metrics)
