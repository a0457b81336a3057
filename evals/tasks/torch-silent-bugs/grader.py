"""Retrain with the agent's train.py, predict the hidden test rows with its predict.py.

Both run in one fresh sandbox on a copy of the workspace: the grader copies the hidden
features in, and reads the predictions back as a table. Accuracy on the hidden labels is
the metric; a crash, a missing row or a non-integer fault code is a failed gate.
"""

import pandas as pd

from mlskills.grading.predictions import read_predictions

FEATURES = ".grader/test_features.csv"
PREDICTIONS = ".grader/predictions.csv"


def grade(ctx):
    labels = pd.read_csv(ctx.hidden / "test_labels.csv")
    run = ctx.exec(
        f"python3 train.py > .grader/train.log && "
        f"python3 predict.py --input {FEATURES} --output {PREDICTIONS}",
        timeout=240,
        inputs={FEATURES: ctx.hidden / "test_features.csv"},
    )
    if run.result.exit_code != 0:
        why = "timed out" if run.result.timed_out else f"exited {run.result.exit_code}"
        tail = (run.result.stderr or "").strip()[-400:]
        return ctx.fail(
            "train and predict", f"`python3 train.py && python3 predict.py` {why}: {tail}"
        )
    preds = read_predictions(
        run.path(PREDICTIONS),
        run.workdir,
        id_column="id",
        columns={"fault": "number"},
        expected_ids=labels["id"].tolist(),
    )
    if not preds.ok:
        return ctx.grade(None, [preds.check])
    predicted = preds.frame["fault"].to_numpy()
    accuracy = float((predicted == labels["fault"].to_numpy()).mean())
    return ctx.grade(accuracy, [preds.check])
