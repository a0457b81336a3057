"""ROC AUC on hidden outcomes of the test orders, plus: is the reported estimate honest?

The ticket is about a validation number nobody can trust, so half of the score is whether
`validation_auc` in metrics.json lands within TOLERANCE of the AUC the predictions really
get on the hidden labels. TOLERANCE is ~2.5 standard deviations of the gap an honest
5-fold CV or 20% hold-out shows over seeds (measured 0.011-0.015); leaving the duplicates
in alone makes the estimate 0.06-0.10 too high, the leak or the in-sample merchant
encoding 0.2-0.3.

Two more deliverables are checked as data, each a gate. The scores must be probabilities:
the analysts add them up to expect the week's chargebacks, overall and among the REVIEWED
riskiest orders, so each sum is compared with the sum of the generator's true
probabilities of the same orders (hidden test_truth.csv, free of label noise): the total
within a factor CALIBRATION_FACTOR, the riskiest orders' within REVIEWED_RANGE times their
truth. Class re-weighting fails the total (2.2-2.3 times the truth); re-weighted scores
rescaled linearly to the base rate sum right overall, but they are squashed (top score
near 0.4 where the riskiest orders run near 0.9) and give the riskiest orders 0.50-0.57
of their truth, while honest models give them 0.95-1.30 and 0.93-1.05 overall (seeds
0-7, see task.yaml). And VALIDATION.md must exist and say something (MIN_NOTE_WORDS). How
well the note explains the leaks is the rubric's (judged) part.
"""

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

TOLERANCE = 0.035
CALIBRATION_FACTOR = 1.4  # the total within [truth / 1.4, truth * 1.4]
REVIEWED = 100  # the riskiest orders the analysts review by hand
# The REVIEWED sum over its truth: honest models run 0.95-1.30 (the highest scores are
# selected partly for their own error, so flexible models overshoot there); squashed
# scores 0.50-0.57. The range is centred on the honest spread, not on 1.
REVIEWED_RANGE = (0.75, 1.6)
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
    truth = pd.read_csv(ctx.hidden / "test_truth.csv").set_index("order_id")
    p_true = truth.loc[labels["order_id"], "p_chargeback"].to_numpy()
    scores = preds.frame["chargeback_probability"].to_numpy(dtype=float)
    probabilities, ratios = _probabilities(ctx, scores, p_true)
    checks = [preds.check, honest, probabilities, _note(ctx)]
    return ctx.grade(auc, checks, metrics | ratios)


def _probabilities(ctx, scores: np.ndarray, p_true: np.ndarray):
    """Gate: the scores add up to the expected number of chargebacks, over all orders and
    over the REVIEWED highest-scored ones (a mean alone lets squashed scores through)."""
    top = np.argsort(-scores, kind="stable")[:REVIEWED]
    ratios = {
        "total_ratio": float(scores.sum() / p_true.sum()),
        "reviewed_ratio": float(scores[top].sum() / p_true[top].sum()),
    }
    low, high = REVIEWED_RANGE
    ok = (
        1 / CALIBRATION_FACTOR <= ratios["total_ratio"] <= CALIBRATION_FACTOR
        and low <= ratios["reviewed_ratio"] <= high
    )
    message = (
        f"expected chargebacks {scores.sum():.0f} (true {p_true.sum():.0f}; allowed a "
        f"factor {CALIBRATION_FACTOR}) overall, {scores[top].sum():.1f} (true "
        f"{p_true[top].sum():.1f}; allowed {low}-{high} times it) among the {REVIEWED} riskiest"
    )
    if not ok:
        message += ": not probabilities (re-weighted, squashed or rescaled scores?)"
    return ctx.check("scores are probabilities", ok, message, gate=True), ratios


def _note(ctx):
    """Gate: VALIDATION.md, the note for the review board, exists and says something."""
    data, readable = ctx.read_bytes("VALIDATION.md", "validation note", max_bytes=256 * 1024)
    if not readable.passed:
        return readable
    words = len(data.decode("utf-8", errors="replace").split())
    ok = words >= MIN_NOTE_WORDS
    return ctx.check("validation note", ok, f"VALIDATION.md has {words} words", gate=True)
