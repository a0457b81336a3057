"""Each experiment's decision, effect, interval and sample-ratio check against the truth.

Every seed holds five experiments, one of each kind (see prepare.py): a small real gain in
a large experiment (ship), no effect in a small one with an early significant day and a
larger but insignificant final estimate (no_ship), a small harm (no_ship), a
sample-ratio mismatch from a logging bug that makes the treatment look like a win
(investigate), and a clear gain in a small experiment (ship). The truth (kind, true
effect, the full-data difference and its standard error) comes from the hidden generating
process, never from the agent's numbers.

An experiment counts as right when: the decision is the expected one; `srm_p_value` is
below 0.01 exactly for the mismatched experiment; and, for the trustworthy ones, the
`srm_p_value` agrees with the grader's own two-sided test of the hidden user counts
against the planned share (0.8-1.25 times its p-value), the effect is the full-data
difference in conversion (within a quarter of a standard error), the interval contains
it and the true effect, and its width is 0.9-1.2 times a 95% Wald interval's. The
ticket asks for a 95% interval, and honest ones (Wald, Newcombe, bootstrap, Bayesian)
land within a few percent of 1; what the bounds reject is another
coverage sold as 95%, too narrow or too wide: a 90% interval at 0.84, a 99% one at 1.31,
and the two arms' intervals subtracted end to end (their standard errors added, not
combined in quadrature) at 1.38-1.41 for the designs' 30-70% splits. An interval wide
enough always contains the truth, so the upper bound is what makes that check mean
something. The p-value agreement catches a one-sided sample-ratio check (only "too few
treatment users"), which reports half the two-sided p-value or nearly 1: honest tests
(chi-square, exact binomial, G-test, chi-square with Yates' correction) land at 0.99-1.06
times the reference on seeds 0-7, a one-sided test at 0.50-0.53 on at least one
experiment of every seed. The metric is the share of experiments right.
"""

import json
import math

import numpy as np

EXPECTED = {
    "real_gain": "ship",
    "null_peek": "no_ship",
    "harm": "no_ship",
    "srm": "investigate",
    "small_gain": "ship",
}
SRM_FLAG = 0.01
Z95 = 1.959964
WIDTH = (0.9, 1.2)  # allowed interval width over a 95% Wald interval's
SRM_AGREE = (0.8, 1.25)  # allowed srm_p_value over the reference two-sided test's
SRM_ROUNDING = 0.005  # a p-value rounded to two decimals is still the same p-value


def _reference_srm_p(truth):
    """Two-sided p-value of the treatment count against the planned share (chi-square, 1 df),
    from the hidden counts, never the agent's."""
    n, share = truth["users"], truth["planned_share"]
    z = (truth["treatment_users"] - n * share) / math.sqrt(n * share * (1 - share))
    return math.erfc(abs(z) / math.sqrt(2))


def _srm_agrees(reported, reference):
    ratio = reported / reference
    close = abs(reported - reference) <= SRM_ROUNDING
    return close or SRM_AGREE[0] <= ratio <= SRM_AGREE[1]


def _problems(kind, truth, row):
    """What is wrong with one experiment's row (empty when it is right)."""
    problems = []
    if row["decision"] != EXPECTED[kind]:
        problems.append(f"decision {row['decision']!r}")
    flagged = row["srm_p_value"] < SRM_FLAG
    if flagged != (kind == "srm"):
        problems.append(f"sample-ratio check p={row['srm_p_value']:.2g}")
    if kind == "srm":
        return problems
    reference = _reference_srm_p(truth)
    if not flagged and not _srm_agrees(row["srm_p_value"], reference):
        problems.append(
            f"sample-ratio p={row['srm_p_value']:.3g}, a two-sided test of the counts "
            f"against the planned split gives {reference:.3g}"
        )
    se, observed = truth["standard_error"], truth["observed_effect"]
    low, high, effect = row["ci_low"], row["ci_high"], row["effect"]
    if abs(effect - observed) > 0.25 * se:
        problems.append(f"effect {effect:+.4f} is not the full-data difference")
    if not (low <= effect <= high and low <= truth["true_effect"] <= high):
        problems.append(f"interval [{low:+.4f}, {high:+.4f}] misses the estimate or the truth")
    width = (high - low) / (2 * Z95 * se)
    if not WIDTH[0] <= width <= WIDTH[1]:
        problems.append(f"interval {width:.2f}x the width of a 95% interval")
    return problems


def grade(ctx):
    truth = json.loads((ctx.hidden / "truth.json").read_text())
    preds = ctx.read_predictions(
        "decisions.csv",
        id_column="experiment",
        columns={
            "decision": "label",
            "effect": "number",
            "ci_low": "number",
            "ci_high": "number",
            "srm_p_value": "probability",
        },
        expected_ids=list(truth),
    )
    if not preds.ok:
        return ctx.grade(None, [preds.check])
    frame = preds.frame.assign(decision=preds.frame["decision"].str.strip().str.lower())
    allowed = set(EXPECTED.values())
    if unknown := sorted(set(frame["decision"]) - allowed):
        check = ctx.check("decisions valid", False, f"unknown decisions {unknown}", gate=True)
        return ctx.grade(None, [preds.check, check])
    checks, right = [preds.check], []
    for name, facts in truth.items():
        problems = _problems(facts["kind"], facts, frame.loc[name])
        right.append(not problems)
        message = "; ".join(problems) if problems else f"{frame.loc[name, 'decision']}, right"
        checks.append(ctx.check(f"experiment {name}", not problems, message))
    return ctx.grade(float(np.mean(right)), checks)
