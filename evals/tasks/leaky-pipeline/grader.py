"""Expected ROC AUC on the test orders, plus: is the reported estimate honest?

The metric is the ROC AUC the ranking gets in expectation over the outcomes, computed from
the generator's true probabilities (hidden test_truth.csv): the drawn labels add ~0.0065
of noise that says nothing about the model, and the bar between a merchant-blind model
and one that learns the merchant is only ~0.02-0.03 AUC wide (see task.yaml). The drawn
labels' AUC is reported beside it (drawn_auc).

The ticket is about a validation number nobody can trust, so half of the score is whether
`validation_auc` in metrics.json lands within TOLERANCE of that expected AUC. Honest
5-fold CV lands -0.024 to +0.006 from it (merchant-aware models a little low: each fold
learns the merchants from 80% of the orders), so the band leans low; with ~20 orders per
merchant a merchant target mean over all training rows inflates the estimate by only
+0.028 to +0.045, which sets the upper edge. The leak inflates it by 0.2-0.3.

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

# The reported estimate minus the expected test AUC: honest 5-fold CV lands -0.024 to
# +0.006 (seeds 0-3, six models; merchant-aware ones run low), the merchant target mean
# over all training rows +0.028 to +0.045 (seeds 0-7), duplicates across the split more.
TOLERANCE = (-0.035, 0.018)
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
    truth = pd.read_csv(ctx.hidden / "test_truth.csv").set_index("order_id")
    p_true = truth.loc[labels["order_id"], "p_chargeback"].to_numpy()
    scores = preds.frame["chargeback_probability"].to_numpy(dtype=float)
    auc = expected_auc(scores, p_true)
    drawn_auc = float(roc_auc_score(labels["chargeback"], scores))
    data, readable = ctx.read_json("metrics.json", "metrics.json readable")
    estimate = ctx.number(data, "validation_auc")
    if estimate is None:
        why = readable.message if not readable.passed else "no number under 'validation_auc'"
        honest = ctx.check("estimate honest", False, f"metrics.json: {why}", weight=1.0)
    else:
        gap = estimate - auc
        low, high = TOLERANCE
        honest = ctx.check(
            "estimate honest",
            low <= gap <= high,
            f"reported {estimate:.3f}, expected test AUC {auc:.3f} (off by {gap:+.3f}; "
            f"allowed {low:+.3f} to {high:+.3f})",
            weight=1.0,
        )
    metrics = {"drawn_auc": drawn_auc}
    if estimate is not None:
        metrics["reported_auc"] = estimate
    probabilities, ratios = _probabilities(ctx, scores, p_true)
    checks = [preds.check, honest, probabilities, _note(ctx)]
    return ctx.grade(auc, checks, metrics | ratios)


def expected_auc(scores: np.ndarray, p_true: np.ndarray) -> float:
    """The ROC AUC the ranking gets in expectation over the outcomes drawn from p_true:
    expected concordant (positive above negative) pairs over expected positive-negative
    pairs, a tie counting half. Free of the label noise of one draw (~0.0065 AUC here)."""
    order = np.argsort(scores, kind="stable")
    s, p = scores[order], p_true[order]
    q = 1 - p
    _, start = np.unique(s, return_index=True)  # tie groups of the sorted scores
    pos, neg = np.add.reduceat(p, start), np.add.reduceat(q, start)
    below = np.cumsum(neg) - neg  # expected negatives scored strictly lower
    self_pairs = float((p * q).sum())  # an order is not paired with itself
    concordant = float((pos * below).sum()) + 0.5 * (float((pos * neg).sum()) - self_pairs)
    return concordant / (float(p.sum() * q.sum()) - self_pairs)


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
