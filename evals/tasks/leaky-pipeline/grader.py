"""ROC AUC on hidden outcomes of the test orders, plus: is the reported estimate honest?

The ticket is about a validation number nobody can trust, so half of the score is whether
`validation_auc` in metrics.json lands within TOLERANCE of the AUC the predictions really
get on the hidden labels. TOLERANCE is ~2.5 standard deviations of the gap an honest
5-fold CV or 20% hold-out shows over seeds (measured 0.011-0.015); leaving the duplicates
in alone makes the estimate 0.06-0.10 too high, the leak or the in-sample merchant
encoding 0.2-0.3.

Two more deliverables are checked as data, each a gate: the scores must be probabilities
(their mean within a factor CALIBRATION_FACTOR of the hidden chargeback rate; class
re-weighting or rank scores fail), and VALIDATION.md must exist and say something
(MIN_NOTE_WORDS). How well the note explains the leaks is the rubric's (judged) part.
"""

import pandas as pd
from sklearn.metrics import roc_auc_score

TOLERANCE = 0.035
CALIBRATION_FACTOR = 2.0
MIN_NOTE_WORDS = 30


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
    mean, rate = (
        float(preds.frame["chargeback_probability"].mean()),
        float(labels["chargeback"].mean()),
    )
    metrics["mean_probability"] = mean
    checks = [preds.check, honest, _probabilities(ctx, mean, rate), _note(ctx)]
    return ctx.grade(auc, checks, metrics)


def _probabilities(ctx, mean: float, rate: float):
    """Gate: the probabilities average about the chargeback rate (calibration in the large)."""
    ok = rate / CALIBRATION_FACTOR <= mean <= rate * CALIBRATION_FACTOR
    message = f"mean chargeback_probability {mean:.3f}, hidden chargeback rate {rate:.3f}"
    if not ok:
        message += ": not probabilities (re-weighted classes or rank scores?)"
    return ctx.check("scores are probabilities", ok, message, gate=True)


def _note(ctx):
    """Gate: VALIDATION.md, the note for the review board, exists and says something."""
    data, readable = ctx.read_bytes("VALIDATION.md", "validation note", max_bytes=256 * 1024)
    if not readable.passed:
        return readable
    words = len(data.decode("utf-8", errors="replace").split())
    ok = words >= MIN_NOTE_WORDS
    return ctx.check("validation note", ok, f"VALIDATION.md has {words} words", gate=True)
