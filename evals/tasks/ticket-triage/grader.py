"""Macro-F1 of the predicted queues on hidden labels.

Macro-averaging gives every queue the same weight, so the small queues (security 2%,
refund 3%) matter as much as billing; routing everything to billing scores ~0.05. The F1
is computed over the eight known queues only: a made-up queue name is simply a wrong
prediction (reported in a check), never an extra class in the average.
"""

import pandas as pd
from sklearn.metrics import f1_score

QUEUES = [
    "billing", "login_access", "bug_report", "shipping",
    "feature_request", "cancellation", "refund", "security",
]  # fmt: skip


def grade(ctx):
    labels = pd.read_csv(ctx.hidden / "test_labels.csv")
    preds = ctx.read_predictions(
        "predictions.csv",
        id_column="ticket_id",
        columns={"queue": "label"},
        expected_ids=labels["ticket_id"].tolist(),
    )
    if not preds.ok:
        return ctx.grade(None, [preds.check])
    predicted = preds.frame["queue"].str.strip().to_numpy()
    truth = labels["queue"].to_numpy()
    macro_f1 = float(f1_score(truth, predicted, labels=QUEUES, average="macro", zero_division=0))
    unknown = sorted(set(predicted) - set(QUEUES))
    known = ctx.check(
        "queue names known",
        not unknown,
        f"unknown queue names counted as wrong: {unknown[:5]}" if unknown else "all known",
    )
    per_queue = f1_score(truth, predicted, labels=QUEUES, average=None, zero_division=0)
    metrics = {f"f1_{q}": float(f) for q, f in zip(QUEUES, per_queue, strict=True)}
    return ctx.grade(macro_f1, [preds.check, known], metrics)
