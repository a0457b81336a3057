"""RMSE of the HbA1c predictions for new patients, plus: is the reported estimate honest?

Half of the score is whether `validation_rmse` in metrics.json lies within TOLERANCE
(relative) of the RMSE the predictions really get on the hidden visits. Measured on seeds
0-4 (2000 test patients, so the hidden RMSE itself is stable): honest patient-grouped CV
lands within ±3.4% (gradient boosting and ridge); a random row split reports 11-13% too
low even with the oracle's regularised trees (25-30% with default trees), because it can
look patients up by their fixed attributes. 7% sits between the two.
"""

import numpy as np
import pandas as pd

TOLERANCE = 0.07


def grade(ctx):
    labels = pd.read_csv(ctx.hidden / "test_labels.csv")
    preds = ctx.read_predictions(
        "predictions.csv",
        id_column="visit_id",
        columns={"hba1c": "number"},
        expected_ids=labels["visit_id"].tolist(),
    )
    if not preds.ok:
        return ctx.grade(None, [preds.check])
    errors = preds.frame["hba1c"].to_numpy() - labels["hba1c"].to_numpy()
    rmse = float(np.sqrt(np.mean(errors**2)))
    data, readable = ctx.read_json("metrics.json", "metrics.json readable")
    estimate = ctx.number(data, "validation_rmse")
    if estimate is None:
        why = readable.message if not readable.passed else "no number under 'validation_rmse'"
        honest = ctx.check("estimate honest", False, f"metrics.json: {why}", weight=1.0)
    else:
        off = estimate / rmse - 1
        honest = ctx.check(
            "estimate honest",
            abs(off) <= TOLERANCE,
            f"reported RMSE {estimate:.3f}, hidden test RMSE {rmse:.3f} ({off:+.1%}; "
            f"allowed ±{TOLERANCE:.0%})",
            weight=1.0,
        )
    metrics = {"reported_rmse": estimate} if estimate is not None else {}
    return ctx.grade(rmse, [preds.check, honest], metrics)
