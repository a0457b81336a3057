"""Score the submitted chargeback probabilities on the hidden labels and true probabilities.

The metric is log loss on the hidden labels of the scored cases (a proper score: it
rewards both ranking and honest probabilities). Three weighted checks test the uses the
ticket names, against the generator's true probabilities rather than noisy labels:
- expected count: the sum of the probabilities is within 15% of the true expected number
  of chargebacks (what finance plans with), and each region's sum within 50% of its own
  (the review team staffs each region on it): a model blind to the region (2% to 9%
  base rates) sums right overall and is off by 160-190% in the 2% region, while honest
  calibrations land within 30% in every region (seeds 0-3). Weight 1: both uses the
  ticket names are sums, and at 0.5 a region-blind model with a log loss as good as the
  oracle's still reached the pass mark;
- calibration: in ten quantile bins of the submitted probability, the mean submission
  matches the mean true probability (expected calibration error at most 0.01). Weight 1
  ("probabilities we can take at face value"): with the sums at weight 1 and this at
  0.5, scaling the weighted model's scores to the base rate (sums right, shape wrong:
  ECE 0.012-0.016, log loss near the oracle's) reached 0.80-0.82;
- ranking (weight 0.5): ROC AUC no more than 0.08 below the AUC the true probabilities reach on the
  same labels, so a constant base rate (perfectly "calibrated") does not pass.
"""

import numpy as np
import pandas as pd
from sklearn.metrics import log_loss, roc_auc_score

TOTAL_TOLERANCE = 0.15
REGION_TOLERANCE = 0.5
ECE_LIMIT = 0.01
AUC_SLACK = 0.08
CLIP = 1e-4  # one confident miss costs log(1e4), not infinity


def expected_calibration_error(p: np.ndarray, p_true: np.ndarray, bins: int = 10) -> float:
    """Weighted mean |mean submitted - mean true| over quantile bins of the submission."""
    order = np.argsort(p, kind="stable")
    errors = [abs(p[c].mean() - p_true[c].mean()) * len(c) for c in np.array_split(order, bins)]
    return float(sum(errors) / len(p))


def grade(ctx):
    truth = pd.read_csv(ctx.hidden / "score_truth.csv")
    preds = ctx.read_predictions(
        "probabilities.csv",
        id_column="id",
        columns={"probability": "probability"},
        expected_ids=truth["id"].tolist(),
    )
    if not preds.ok:
        return ctx.grade(None, [preds.check])
    p = preds.frame["probability"].to_numpy(dtype=float)
    y, p_true = truth["chargeback"].to_numpy(), truth["p_true"].to_numpy()

    loss = float(log_loss(y, np.clip(p, CLIP, 1 - CLIP), labels=[0, 1]))
    total, true_total = float(p.sum()), float(p_true.sum())
    total_error = (total - true_total) / true_total
    region_error = {
        region: float(p[rows].sum() / p_true[rows].sum() - 1)
        for region, rows in truth.groupby("region").indices.items()
    }
    worst = max(region_error, key=lambda r: abs(region_error[r]))
    ece = expected_calibration_error(p, p_true)
    auc, best_auc = float(roc_auc_score(y, p)), float(roc_auc_score(y, p_true))
    checks = [
        preds.check,
        ctx.check(
            "expected count",
            abs(total_error) <= TOTAL_TOLERANCE and abs(region_error[worst]) <= REGION_TOLERANCE,
            f"sum of probabilities {total:.0f} vs expected {true_total:.0f} "
            f"({total_error:+.1%}; tolerance {TOTAL_TOLERANCE:.0%}); per region "
            + ", ".join(f"{r} {e:+.0%}" for r, e in sorted(region_error.items()))
            + f" (tolerance {REGION_TOLERANCE:.0%})",
            weight=1.0,
        ),
        ctx.check(
            "calibration",
            ece <= ECE_LIMIT,
            f"expected calibration error {ece:.4f} (limit {ECE_LIMIT})",
            weight=1.0,
        ),
        ctx.check(
            "ranking",
            auc >= best_auc - AUC_SLACK,
            f"ROC AUC {auc:.3f}; the true probabilities reach {best_auc:.3f}",
            weight=0.5,
        ),
    ]
    metrics = {"ece": ece, "total_error": total_error, "roc_auc": auc}
    metrics["worst_region_error"] = region_error[worst]
    return ctx.grade(loss, checks, metrics)
