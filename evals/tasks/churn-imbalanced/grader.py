"""Average precision of the churn scores on hidden labels.

Average precision rewards ranking the rare churners first; a constant score gets the
prevalence, which is the baseline. Predictions are read defensively: any defect in the
file is a failed gate with its reason.

metrics.json is a deliverable too, and a claim: the team plans on the validation AP it
reports. The grader does not trust it; it compares it with the AP it measures itself on
the hidden labels. An honest hold-out of a few dozen churners misses the test AP by up to
about 0.18 (logistic regression, 20% hold-out, seeds 0-11), so the claim fails when it is
more than CLAIM_TOLERANCE away: in-sample or invented figures (0.9+ against 0.3) fail.
"""

import pandas as pd
from sklearn.metrics import average_precision_score

CLAIM_KEY = "validation_average_precision"
CLAIM_TOLERANCE = 0.25


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
    claim = _claim_check(ctx, ap)
    prevalence = float(labels["churned"].mean())
    return ctx.grade(ap, [preds.check, ranking, claim], {"prevalence": prevalence})


def _claim_check(ctx, measured: float):
    """Gate: metrics.json reports a validation AP within CLAIM_TOLERANCE of the truth."""
    data, readable = ctx.read_json("metrics.json", "metrics.json readable")
    if not readable.passed:
        return readable
    claimed = ctx.number(data, CLAIM_KEY)
    if claimed is None or not 0 <= claimed <= 1:
        return ctx.check("reported AP honest", False, f"no {CLAIM_KEY} in [0, 1]", gate=True)
    ok = abs(claimed - measured) <= CLAIM_TOLERANCE
    message = f"claimed {claimed:.3f}, measured {measured:.3f} on the hidden test set"
    return ctx.check("reported AP honest", ok, message, gate=True)
