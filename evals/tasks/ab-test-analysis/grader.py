"""Each experiment's decision, effect, interval and sample-ratio check against the truth.

Every seed holds four experiments, one of each kind (see prepare.py): a real gain (ship),
no effect but an early significant day (no_ship), a small harm (no_ship), and a
sample-ratio mismatch from a logging bug that makes the treatment look like a win
(investigate). The truth (kind, true effect, the full-data difference and its standard
error) comes from the hidden generating process, never from the agent's numbers.

An experiment counts as right when: the decision is the expected one; `srm_p_value` is
below 0.01 exactly for the mismatched experiment; and, for the trustworthy ones, the
effect is the full-data difference in conversion (within a quarter of a standard error),
the interval contains it and the true effect, and its width is 0.9-1.6 times a 95% Wald
interval's: honest 95% intervals (Wald, Newcombe, bootstrap, Bayesian) land within a few
percent of 1, a 90% interval sold as 95% at 0.84 (it passed the former 0.8 bound), and a
conservative one (a 99% or always-valid interval) is allowed up to 1.6. The metric is the
share of experiments right.
"""

import json

import numpy as np

EXPECTED = {"real_gain": "ship", "null_peek": "no_ship", "harm": "no_ship", "srm": "investigate"}
SRM_FLAG = 0.01
Z95 = 1.959964
WIDTH = (0.9, 1.6)  # allowed interval width over a 95% Wald interval's


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
