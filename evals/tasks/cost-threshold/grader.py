"""Review decisions graded for the threshold, apart from the model that ranks the rows.

Reviewing costs 5, approving a fraud costs 100, so with calibrated probabilities the
cost-optimal rule is to review when P(fraud) >= 5/100. Costs are taken in expectation over
the generator's true fraud probabilities (5 x review + 100 x p x (1 - review)), which ranks
decision rules as the realised cost would, without the noise of a few hundred frauds.

The cost curve is flat near its optimum, so the total cost cannot tell a threshold the
costs set from one an F-score set (~0.06-0.08) on a slightly better or worse model. The
ticket therefore asks for the probability behind each decision, and the grade separates:
- the ranking: the best cut of the agent's own probabilities (both sides of it costed on
  the truth) must save at least half of what the true probabilities save over reviewing
  nobody (a loose gate: every honest model here saves 0.7-0.9);
- the stated probabilities: calibrated where the decision is made (true over stated fraud
  rate among rows stated at 2.5-10%), a gate, so that they mean what they say;
- the threshold, twice: the metric is the regret of the decisions against the best cut of
  the agent's own ranking (costed on the truth), and a check that the cut sits at 5/100 of
  the stated probabilities (within 10%), which an F2 or F1 threshold does not.
"""

import numpy as np
import pandas as pd

REVIEW_COST, FRAUD_COST = 5.0, 100.0
THRESHOLD = REVIEW_COST / FRAUD_COST
CUT_TOLERANCE = 0.1  # the cut may sit at 0.045-0.055 of the stated probabilities
CALIBRATION_BAND = (0.025, 0.10)  # stated probabilities around the threshold
CALIBRATION_RATIO = (0.7, 1.43)  # true / stated fraud rate in that band (honest: 0.8-1.25)
MIN_BAND_SHARE = 0.05  # rows the band must hold (honest models: about 40%)
MIN_SAVINGS = 0.5  # share of the true probabilities' saving over reviewing nobody


def expected_cost(review, p):
    return float(np.mean(REVIEW_COST * review + FRAUD_COST * p * (1 - review)))


def best_cut_cost(q, p):
    """The lowest expected cost of reviewing the top of the ranking by `q`, cut only between
    distinct values (a tie is reviewed or approved together)."""
    order = np.argsort(-q, kind="stable")
    q_sorted, p_sorted = q[order], p[order]
    k = np.arange(len(q) + 1)
    approved_risk = FRAUD_COST * (p_sorted.sum() - np.r_[0.0, np.cumsum(p_sorted)])
    cost = (REVIEW_COST * k + approved_risk) / len(q)
    allowed = np.r_[True, q_sorted[1:] < q_sorted[:-1], True]
    return float(cost[allowed].min())


def assess(q, review, p):
    """Every number the grade uses, from the stated probabilities `q`, the decisions and the
    true probabilities `p` (arrays aligned on the hidden test rows)."""
    cost = expected_cost(review, p)
    best = best_cut_cost(q, p)
    optimal = expected_cost((p >= THRESHOLD).astype(float), p)
    nobody = expected_cost(np.zeros_like(p), p)
    reviewed, approved = q[review == 1], q[review == 0]
    band = (q >= CALIBRATION_BAND[0]) & (q <= CALIBRATION_BAND[1])
    ratio = float(p[band].mean() / q[band].mean()) if band.any() else float("nan")
    return {
        "expected_cost": cost,
        "best_cut_cost": best,
        "threshold_regret": cost - best,
        "optimal_cost": optimal,
        "ranking_savings": (nobody - best) / (nobody - optimal),
        "lowest_reviewed": float(reviewed.min()) if reviewed.size else 1.0,
        "highest_approved": float(approved.max()) if approved.size else 0.0,
        "band_share": float(band.mean()),
        "band_calibration": ratio,
        "review_rate": float(review.mean()),
    }


def grade(ctx):
    labels = pd.read_csv(ctx.hidden / "test_labels.csv")
    preds = ctx.read_predictions(
        "decisions.csv",
        id_column="transaction_id",
        columns={"fraud_probability": "probability", "review": "number"},
        expected_ids=labels["transaction_id"].tolist(),
    )
    if not preds.ok:
        return ctx.grade(None, [preds.check])
    q = preds.frame["fraud_probability"].to_numpy(dtype=float)
    review = preds.frame["review"].to_numpy(dtype=float)
    binary = ctx.check(
        "decisions are 0 or 1",
        bool(np.isin(review, (0, 1)).all()),
        f"{int((~np.isin(review, (0, 1))).sum())} values of `review` are not 0 or 1",
        gate=True,
    )
    if not binary.passed:
        return ctx.grade(None, [preds.check, binary])
    p = labels["fraud_probability"].to_numpy(dtype=float)
    m = assess(q, review, p)
    m["realised_cost"] = expected_cost(review, labels["is_fraud"].to_numpy(dtype=float))
    low, high = m["lowest_reviewed"], m["highest_approved"]
    follows = ctx.check(
        "decisions follow the probabilities",
        low >= high,
        f"the lowest reviewed probability is {low:.4f}, the highest approved {high:.4f}",
        gate=True,
    )
    ranking = ctx.check(
        "probabilities rank the frauds",
        m["ranking_savings"] >= MIN_SAVINGS,
        f"the best cut of the probabilities saves {m['ranking_savings']:.0%} of what the "
        f"true ones save over reviewing nobody (at least {MIN_SAVINGS:.0%} needed)",
        gate=True,
    )
    lo, hi = CALIBRATION_RATIO
    calibrated = ctx.check(
        "probabilities calibrated near the decision",
        m["band_share"] >= MIN_BAND_SHARE and lo <= m["band_calibration"] <= hi,
        f"{m['band_share']:.0%} of rows are stated at {CALIBRATION_BAND[0]:.1%}-"
        f"{CALIBRATION_BAND[1]:.0%}; their true fraud rate is {m['band_calibration']:.2f}x "
        f"the stated one (needed: at least {MIN_BAND_SHARE:.0%} of rows, {lo}-{hi}x)",
        gate=True,
    )
    cut_low, cut_high = THRESHOLD * (1 - CUT_TOLERANCE), THRESHOLD * (1 + CUT_TOLERANCE)
    cut = ctx.check(
        "cut where the costs put it",
        low >= cut_low and high <= cut_high,
        f"reviewed from {low:.4f} up, approved up to {high:.4f} "
        f"(the costs put the cut at {THRESHOLD:.3f})",
        weight=1.0,
    )
    checks = [preds.check, binary, follows, ranking, calibrated, cut]
    return ctx.grade(m["threshold_regret"], checks, m)
