"""Average precision of the churn scores on hidden labels.

Average precision rewards ranking the rare churners first; a constant score gets the
prevalence, which is the baseline. Predictions are read defensively: any defect in the
file is a failed gate with its reason.

metrics.json is a deliverable too, and a claim: the team plans on the validation AP it
reports. The grader does not trust it. validation_predictions.csv holds the predictions
behind it (out-of-fold or a hold-out, at least MIN_VALIDATION_SHARE of the training
customers); the grader recomputes their AP against the training labels (a hidden copy) and
the claim must be that figure, from CLAIM_BELOW under it (a claim rounded to 2 decimals
moves by up to 0.005) to CLAIM_ABOVE over it (predictions written to 2 decimals lose up
to 0.010 of AP; the mean of per-fold APs, an honest variant, runs 0.004-0.039 above the AP
of the pooled out-of-fold predictions: 3, 5 and 10 folds, logistic and boosting, seeds
0-7). Precision among the top 10% reported as the AP lands 0.021-0.117 under it.

The recomputed AP must then be an out-of-sample estimate for these scores: it is compared
with the AP the submitted scores are expected to reach on the test customers, the mean AP
over EXPECTED_AP_DRAWS outcomes drawn from the generator's true churn probabilities
(test_truth.csv), so the noise of the ~125 drawn test labels does not count against it.
Honest estimates land at 0.59-1.35 times it (logistic regression, 20% and 25% hold-outs and
5-fold out-of-fold, 6 splits each, seeds 0-7; the task's solutions 0.66-1.20); hard 0/1
out-of-fold labels at 0.27-0.51, in-sample predictions at 2.6-2.8. It passes within
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
VALIDATION_FILE = "validation_predictions.csv"
MIN_VALIDATION_SHARE = 0.2  # of the training customers
# claimed minus recomputed AP: "0.31" for 0.3148 passes, so do rounded predictions and a
# mean of per-fold APs (both above); precision among the top 10% lands 0.021-0.117 under
CLAIM_BELOW, CLAIM_ABOVE = 0.01, 0.04
CLAIM_RATIO_LOW, CLAIM_RATIO_HIGH = 0.55, 1.6  # validation AP / expected AP
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
    claims, claimed = _claim_check(ctx, expected)
    card = _card_check(ctx, claimed)
    checks = [preds.check, ranking, calibrated, *claims, card]
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
    """Gates on the validation claim. Returns the checks and the claimed figure (None when
    there is none to compare with the model card).

    - metrics.json holds a validation AP in [0, 1];
    - validation_predictions.csv holds predictions for at least MIN_VALIDATION_SHARE of the
      training customers (known ids, no duplicates, probabilities);
    - the claim is the AP of those predictions against the training labels, from
      CLAIM_BELOW under it (rounding) to CLAIM_ABOVE over it (a mean of per-fold APs);
    - that AP lies within [CLAIM_RATIO_LOW, CLAIM_RATIO_HIGH] times the test scores'
      expected AP: predictions made in-sample or as hard labels fall outside."""
    data, readable = ctx.read_json("metrics.json", "metrics.json readable")
    if not readable.passed:
        return [readable], None
    claimed = ctx.number(data, CLAIM_KEY)
    if claimed is None or not 0 <= claimed <= 1:
        missing = ctx.check("reported AP honest", False, f"no {CLAIM_KEY} in [0, 1]", gate=True)
        return [missing], None
    recomputed, rows = _validation_predictions(ctx)
    if recomputed is None:
        return [rows], claimed  # rows is the failed gate that says why
    matches = -CLAIM_BELOW <= claimed - recomputed <= CLAIM_ABOVE
    match = ctx.check(
        "reported AP matches its predictions",
        matches,
        f"claimed {claimed:.4f}; {VALIDATION_FILE} gives {recomputed:.4f} on {rows} training "
        f"customers (allowed {recomputed - CLAIM_BELOW:.4f}-{recomputed + CLAIM_ABOVE:.4f})"
        + ("" if matches else ": the reported figure is not their average precision"),
        gate=True,
    )
    low, high = CLAIM_RATIO_LOW * expected, CLAIM_RATIO_HIGH * expected
    plausible = low <= recomputed <= high
    honest = ctx.check(
        "reported AP honest",
        plausible,
        f"validation AP {recomputed:.3f}; the scores' expected AP on the test customers is "
        f"{expected:.3f} (allowed {low:.3f}-{high:.3f})"
        + ("" if plausible else ": not an out-of-sample estimate of these scores"),
        gate=True,
    )
    return [match, honest], claimed


def _validation_predictions(ctx):
    """(AP of validation_predictions.csv against the training labels, row count), or
    (None, a failed gate saying why the file cannot back the claim)."""
    name = "validation predictions valid"
    frame, readable = ctx.read_table(VALIDATION_FILE, name)
    if frame is None:
        return None, readable

    def bad(why):
        return None, ctx.check(name, False, f"{VALIDATION_FILE}: {why}", gate=True)

    missing = [c for c in ("customer_id", "churn_probability") if c not in frame.columns]
    if missing:
        return bad(f"lacks columns {missing}; found {list(frame.columns)[:10]}")
    labels = pd.read_csv(ctx.hidden / "train_labels.csv")
    churned = dict(zip(labels["customer_id"].astype(str), labels["churned"], strict=True))
    ids = frame["customer_id"].astype(str)
    if ids.duplicated().any():
        return bad(f"duplicate ids, e.g. {ids[ids.duplicated()].unique()[:3].tolist()}")
    unknown = ids[~ids.isin(churned)]
    if len(unknown):
        return bad(f"{len(unknown)} ids are not training customers, e.g. {unknown.tolist()[:3]}")
    needed = int(np.ceil(MIN_VALIDATION_SHARE * len(labels)))
    if len(ids) < needed:
        return bad(f"{len(ids)} rows; at least {needed} training customers needed")
    values = pd.to_numeric(frame["churn_probability"], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(values).all() or (values < 0).any() or (values > 1).any():
        return bad("churn_probability must hold probabilities in [0, 1]")
    y = ids.map(churned).to_numpy()
    if y.min() == y.max():
        return bad("the rows hold no churner, or only churners")
    return float(average_precision_score(y, values)), len(ids)


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
