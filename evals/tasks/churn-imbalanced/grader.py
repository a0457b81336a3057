"""Average precision of the churn scores on hidden labels.

Average precision rewards ranking the rare churners first; a constant score gets the
prevalence, which is the baseline. Predictions are read defensively: any defect in the
file is a failed gate with its reason.

metrics.json is a deliverable too, and a claim: the team plans on the validation AP it
reports. The grader does not trust it; it compares it with the AP it measures itself on
the hidden labels. An honest hold-out of a few dozen churners misses the test AP by up to
about 0.18 (logistic regression, 20% hold-out, seeds 0-11), so the claim fails when it is
more than CLAIM_TOLERANCE away: in-sample or invented figures (0.9+ against 0.3) fail.

The scores must be probabilities, not just a ranking: the team reads "expected churners"
off them. Their mean is compared with the hidden churn rate; class re-weighting
(class_weight="balanced" puts the mean near 0.3 for a 4% rate) or rank scores fail.
Honest models sit within 0.84-1.04 of the rate (seeds 0-2); the gate allows a factor 2.

MODEL_CARD.md is graded without a judge for what can be checked as data: it exists, says
something (MIN_CARD_WORDS), and reports the validation figure metrics.json holds. Whether
it explains the measurement and the limits well is the rubric's (judged) part.
"""

import re

import pandas as pd
from sklearn.metrics import average_precision_score

CLAIM_KEY = "validation_average_precision"
CLAIM_TOLERANCE = 0.25
CALIBRATION_FACTOR = 2.0  # mean score within [rate / 2, rate * 2]
MIN_CARD_WORDS = 40
CARD_FIGURE_TOLERANCE = 0.01  # "0.34" for a claimed 0.3398 passes


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
    prevalence = float(labels["churned"].mean())
    calibrated = _calibration_check(ctx, float(scores.mean()), prevalence)
    claim, claimed = _claim_check(ctx, ap)
    card = _card_check(ctx, claimed)
    checks = [preds.check, ranking, calibrated, claim, card]
    return ctx.grade(ap, checks, {"prevalence": prevalence, "mean_score": float(scores.mean())})


def _calibration_check(ctx, mean_score: float, rate: float):
    """Gate: the probabilities average about the churn rate (calibration in the large)."""
    ratio = mean_score / rate
    ok = 1 / CALIBRATION_FACTOR <= ratio <= CALIBRATION_FACTOR
    message = f"mean churn_probability {mean_score:.3f}, hidden churn rate {rate:.3f}"
    if not ok:
        message += ": not probabilities (re-weighted classes or rank scores?)"
    return ctx.check("scores are probabilities", ok, message, gate=True)


def _claim_check(ctx, measured: float):
    """Gate: metrics.json reports a validation AP within CLAIM_TOLERANCE of the truth.
    Returns the check and the claimed figure (None when there is none)."""
    data, readable = ctx.read_json("metrics.json", "metrics.json readable")
    if not readable.passed:
        return readable, None
    claimed = ctx.number(data, CLAIM_KEY)
    if claimed is None or not 0 <= claimed <= 1:
        return ctx.check("reported AP honest", False, f"no {CLAIM_KEY} in [0, 1]", gate=True), None
    ok = abs(claimed - measured) <= CLAIM_TOLERANCE
    message = f"claimed {claimed:.3f}, measured {measured:.3f} on the hidden test set"
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
