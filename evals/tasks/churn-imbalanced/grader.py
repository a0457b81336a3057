"""Average precision of the churn scores on hidden labels.

Average precision rewards ranking the rare churners first; a constant score gets the
prevalence, which is the baseline. Predictions are read defensively: any defect in the
file is a failed gate with its reason.

metrics.json is a deliverable too, and a claim: the team plans on the validation AP it
reports. The grader does not trust it; it compares it with the AP the submitted scores
are expected to reach on the test customers: the mean AP over EXPECTED_AP_DRAWS outcomes
drawn from the generator's true churn probabilities (test_truth.csv), so the noise of
the ~125 drawn test labels does not count against the claim. Honest estimates land at
0.59-1.35 times it (logistic regression, 20% and 25% hold-outs and 5-fold out-of-fold,
6 splits each, seeds 0-7; the task's solutions 0.68-1.20); AP computed on hard 0/1
out-of-fold labels at 0.27-0.51, in-sample AP near 2.9. The claim passes within
[CLAIM_RATIO_LOW, CLAIM_RATIO_HIGH] times the expected AP.

The scores must be probabilities, not just a ranking: the team adds them up to expect how
many customers will churn, overall and among the first CALLED it calls. Each sum is
compared with the sum of the true probabilities of the same customers and must be within
a factor CALIBRATION_FACTOR. Honest models reach 0.83-1.14 overall and 0.81-1.25 on the
top 100 (oracle, right/, an isotonic-calibrated booster, seeds 0-7, 11, 12); class
re-weighting (mean near 0.3 for a 4% rate) fails the total, and re-weighted or margin
scores squashed or rescaled linearly to the base rate sum right overall but put 0.15-0.63
of the true churners' probability on the top 100, so they fail there.

MODEL_CARD.md is graded without a judge for what can be checked as data: it exists, says
something (MIN_CARD_WORDS), and reports the validation figure metrics.json holds. Whether
it explains the measurement and the limits well is the rubric's (judged) part.
"""

import re

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

CLAIM_KEY = "validation_average_precision"
CLAIM_RATIO_LOW, CLAIM_RATIO_HIGH = 0.55, 1.6  # claimed / expected AP
EXPECTED_AP_DRAWS = 200  # sd of the mean under 0.003
CALLED = 100  # the first customers the team calls
CALIBRATION_FACTOR = 1.4  # each sum within [truth / 1.4, truth * 1.4]
MIN_CARD_WORDS = 40
CARD_FIGURE_TOLERANCE = 0.01  # "0.34" for a claimed 0.3398 passes


def grade(ctx):
    labels = pd.read_csv(ctx.hidden / "test_labels.csv")
    truth = pd.read_csv(ctx.hidden / "test_truth.csv").set_index("customer_id")
    p_true = truth.loc[labels["customer_id"], "p_churn"].to_numpy()
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
    prevalence = float(labels["churned"].mean())
    calibrated, ratios = _calibration_check(ctx, scores, p_true)
    expected = expected_average_precision(scores, p_true)
    claim, claimed = _claim_check(ctx, expected)
    card = _card_check(ctx, claimed)
    checks = [preds.check, ranking, calibrated, claim, card]
    metrics = {"prevalence": prevalence, "mean_score": float(scores.mean())}
    return ctx.grade(ap, checks, metrics | ratios | {"expected_ap": expected})


def expected_average_precision(scores: np.ndarray, p_true: np.ndarray) -> float:
    """Mean AP of the scores over outcomes drawn from the true probabilities: what an
    honest estimate targets, without the luck of the one set of drawn test labels.

    All draws at once: sort by score once, then each draw's AP is sklearn's step sum
    over the distinct scores (ties form one threshold), from cumulative counts."""
    rng = np.random.default_rng(0)  # fixed draws: grading is deterministic
    order = np.argsort(-scores, kind="stable")
    outcomes = rng.random((EXPECTED_AP_DRAWS, len(p_true))) < p_true[order]
    sorted_scores = scores[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(sorted_scores)), len(scores) - 1]
    true_pos = np.cumsum(outcomes, axis=1)[:, last_of_tie]
    precision = true_pos / (last_of_tie + 1)
    recall_gain = np.diff(true_pos, axis=1, prepend=0) / true_pos[:, -1:]
    return float(np.mean((recall_gain * precision).sum(axis=1)))


def _calibration_check(ctx, scores: np.ndarray, p_true: np.ndarray):
    """Gate: the scores add up to the expected number of churners, over all customers and
    over the CALLED highest-scored ones (the calls the team plans on the sums)."""
    top = np.argsort(-scores, kind="stable")[:CALLED]
    ratios = {
        "total_ratio": float(scores.sum() / p_true.sum()),
        "called_ratio": float(scores[top].sum() / p_true[top].sum()),
    }
    ok = all(1 / CALIBRATION_FACTOR <= r <= CALIBRATION_FACTOR for r in ratios.values())
    message = (
        f"expected churners {scores.sum():.0f} (true {p_true.sum():.0f}) overall, "
        f"{scores[top].sum():.1f} (true {p_true[top].sum():.1f}) among the top {CALLED}; "
        f"allowed a factor {CALIBRATION_FACTOR}"
    )
    if not ok:
        message += ": not probabilities (re-weighted, squashed or rescaled scores?)"
    return ctx.check("scores are probabilities", ok, message, gate=True), ratios


def _claim_check(ctx, expected: float):
    """Gate: metrics.json reports a validation AP within [CLAIM_RATIO_LOW, CLAIM_RATIO_HIGH]
    times the expected AP. Returns the check and the claimed figure (None when there is none)."""
    data, readable = ctx.read_json("metrics.json", "metrics.json readable")
    if not readable.passed:
        return readable, None
    claimed = ctx.number(data, CLAIM_KEY)
    if claimed is None or not 0 <= claimed <= 1:
        return ctx.check("reported AP honest", False, f"no {CLAIM_KEY} in [0, 1]", gate=True), None
    low, high = CLAIM_RATIO_LOW * expected, CLAIM_RATIO_HIGH * expected
    ok = low <= claimed <= high
    message = (
        f"claimed {claimed:.3f}; the scores' expected AP on the test customers is "
        f"{expected:.3f} (allowed {low:.3f}-{high:.3f})"
    )
    return ctx.check("reported AP honest", ok, message, gate=True), claimed


def _card_check(ctx, claimed: float | None):
    """Gate: MODEL_CARD.md exists, is more than a title, and reports the validation AP."""
    data, readable = ctx.read_bytes("MODEL_CARD.md", "model card", max_bytes=256 * 1024)
    if not readable.passed:
        return readable
    text = data.decode("utf-8", errors="replace")
    words = len(text.split())
    if words < MIN_CARD_WORDS:
        return ctx.check("model card", False, f"MODEL_CARD.md has {words} words", gate=True)
    if claimed is None:
        return ctx.check("model card", True, f"{words} words (no figure to compare)", gate=True)
    figures = [
        float(number) / (100 if percent else 1)
        for number, percent in re.findall(r"(\d+(?:\.\d+)?)\s*(%?)", text)
    ]
    ok = any(abs(f - claimed) <= CARD_FIGURE_TOLERANCE for f in figures)
    message = f"{words} words; " + (
        f"reports the validation AP {claimed:.3f}"
        if ok
        else f"no figure within {CARD_FIGURE_TOLERANCE} of the reported AP {claimed:.3f}"
    )
    return ctx.check("model card", ok, message, gate=True)
