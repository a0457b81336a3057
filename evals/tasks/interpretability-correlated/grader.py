"""Six properties of the importance report, each checked against the known generating groups.

1. driving group found: `top_group` names a group whose attributes are exactly the four
   income twins (the factor spend depends on most).
2. grouped importance ranks it first: in group_importance.csv the income group has the
   highest importance, with an interval above 0. Summing or averaging single-feature
   permutation importances does not get there: each twin stands in for the others, so
   one-at-a-time permutation splits (and loses) the group's credit, and the solo tenure
   attribute comes out on top.
3. noise gets no importance: none of the five no-effect attributes has an interval lower
   bound above NOISE_SHARE of the top group's importance. Impurity importance, or
   permutation on the training rows, credits an overfit model's use of noise.
4. intervals are intervals, in the asked unit: in both tables ci_low <= importance <=
   ci_high on every row, the top group's interval has a width, and every number is a drop
   in R² (within +-R2_SPAN): the other checks are relative or order-only, so an increase
   in squared error (thousands here) passed them all.
5. groups are what the attributes measure: each set of measures of one thing (the four
   income twins, the three age measures, correlation ~0.85) is one group, and no group
   mixes attributes of different things (the no-effect attributes may stand alone or
   together). A correlation cut that only joins near-duplicates (|r| > 0.9) leaves the
   age measures apart and passed the other four.
6. intervals as wide as the uncertainty: the intervals of the tenure attribute and of the
   income and age groups are, in geometric mean, between WIDTH_RANGE times the spread of
   the importance over samples of customers (REFERENCE_WIDTH, from the generator). The
   spread of the shuffles alone, as a standard error of their mean, states a fraction of
   it (and a zero-width interval none); the spread of single rows states far more.
The metric is the share of the six met. Only the agent's numbers as data are read.
Gate: the code that produced the reports (deliverable 4) is in the workspace: a code file
names customers.csv and one of the three files (read as text, never run).
"""

import json
import math

import pandas as pd

NOISE_SHARE = 0.005
# A drop in R² lies below 1 for any model that predicts better than the mean; permuting
# the driving group of an overfit model can push the permuted R² below 0, hence the room.
R2_SPAN = 3.0
OUTPUTS = ("feature_importance.csv", "group_importance.csv", "findings.json")
# The 95% range of each importance measured once (one shuffle) on 3000 fresh customers,
# for a linear model fitted on 2100 (simulated from prepare.py's generator, 8 x 40
# samples): the sampling uncertainty at the most rows an honest evaluation can score.
REFERENCE_WIDTH = {"tenure": 0.086, "income": 0.117, "age": 0.014}
# Geometric mean of width / reference, seeds 0-7: bootstraps over 20-30% held-out
# customers 1.1-1.71, over all 3000 out-of-fold 0.92-1.08 (one shuffle) and 0.7-0.74
# (5 shuffles averaged, which shrinks the shuffles' share of the spread); a t-interval
# over 5 folds (a width resting on 4 degrees of freedom) 0.46-1.37, 0.59 at its 1%
# quantile in 300 simulated linear runs. The standard error of the mean of K shuffles:
# 0.28-0.51 at K=10 (1 in 3 passes), ~0.2 at K=30 (sklearn's example); zero width 0;
# a bootstrap of 50-customer resamples ~6; the spread over single customers ~35.
WIDTH_RANGE = (0.4, 3.0)


def _groups_table(ctx, features):
    """group_importance.csv as {group: (set of features, importance, low, high)}, or a check."""
    frame, check = ctx.read_table("group_importance.csv", "group_importance.csv readable")
    if frame is None:
        return None, check
    need = ["group", "features", "importance", "ci_low", "ci_high"]
    if missing := [c for c in need if c not in frame.columns]:
        return None, ctx.check(check.name, False, f"lacks columns {missing}", gate=True)
    groups, seen = {}, []
    for row in frame.itertuples(index=False):
        members = {f.strip() for f in str(row.features).split(";") if f.strip()}
        values = [pd.to_numeric(getattr(row, c), errors="coerce") for c in need[2:]]
        if any(not math.isfinite(float(v)) for v in values):
            return None, ctx.check(check.name, False, f"group {row.group}: non-numeric", gate=True)
        groups[str(row.group).strip()] = (members, *map(float, values))
        seen += sorted(members)
    if sorted(seen) != sorted(features):
        message = "groups must partition the attributes: each exactly once, no unknown names"
        return None, ctx.check(check.name, False, message, gate=True)
    return groups, check


def _partition_problems(groups, groups_true) -> list[str]:
    """How the agent's groups differ from the true measures (noise may be split or not)."""
    kind = {f: name for name, members in groups_true.items() for f in members}
    problems = []
    for group, (members, *_) in groups.items():
        if len({kind[f] for f in members}) > 1:
            problems.append(f"{group!r} mixes {sorted(members)}")
    for name, members in groups_true.items():
        if name != "noise" and len(members) > 1:
            holding = {g for g, (m, *_) in groups.items() if m & set(members)}
            if len(holding) > 1:
                problems.append(f"the measures {sorted(members)} are split over {sorted(holding)}")
    return problems


def _interval_widths(frame, groups, groups_true):
    """Interval width over REFERENCE_WIDTH for tenure and, where the agent grouped them
    right, the income and age groups: the importances whose spread every model shares."""
    widths = {"tenure": frame.loc["tenure_years", "ci_high"] - frame.loc["tenure_years", "ci_low"]}
    for name in ("income", "age"):
        for members, _, low, high in groups.values():
            if members == set(groups_true[name]):
                widths[name] = high - low
    return {name: max(width, 1e-9) / REFERENCE_WIDTH[name] for name, width in widths.items()}


def _width_check(ctx, frame, groups, groups_true):
    """Property 6: intervals neither a fraction nor a multiple of the sampling spread."""
    ratios = _interval_widths(frame, groups, groups_true)
    typical = math.exp(sum(math.log(r) for r in ratios.values()) / len(ratios))
    ok = WIDTH_RANGE[0] <= typical <= WIDTH_RANGE[1]
    shown = ", ".join(f"{name} x{ratio:.2f}" for name, ratio in ratios.items())
    message = (
        f"interval widths over the spread of the importance across samples of customers: "
        f"{shown}; geometric mean {typical:.2f} (honest: {WIDTH_RANGE[0]:g}-{WIDTH_RANGE[1]:g})"
    )
    return ok, ctx.check("intervals as wide as the uncertainty", ok, message)


def grade(ctx):
    code = ctx.producing_code("customers.csv", OUTPUTS, "code that produced them present")
    if not code.passed:
        return ctx.grade(None, [code])
    truth = json.loads((ctx.hidden / "truth.json").read_text())
    groups_true = truth["groups"]
    features = [f for members in groups_true.values() for f in members]
    driving = set(groups_true[truth["driving"]])
    singles = ctx.read_predictions(
        "feature_importance.csv",
        id_column="feature",
        columns={"importance": "number", "ci_low": "number", "ci_high": "number"},
        expected_ids=features,
        name="feature_importance.csv valid",
    )
    if not singles.ok:
        return ctx.grade(None, [singles.check])
    groups, table = _groups_table(ctx, features)
    if groups is None:
        return ctx.grade(None, [singles.check, table])
    findings, readable = ctx.read_json("findings.json", "findings.json readable")
    if not readable.passed:
        return ctx.grade(None, [singles.check, table, readable])
    named = str(findings.get("top_group", "")).strip() if isinstance(findings, dict) else ""

    found = named in groups and groups[named][0] == driving
    found_msg = f"top_group {named!r}: " + (
        f"{sorted(groups[named][0])}" if named in groups else "not a group in group_importance.csv"
    )
    ranked = max(groups, key=lambda g: groups[g][1])
    first = groups[ranked][0] == driving and groups[ranked][2] > 0
    first_msg = f"highest group importance: {ranked!r} {sorted(groups[ranked][0])} " + (
        f"{groups[ranked][1]:.3f} [{groups[ranked][2]:.3f}, {groups[ranked][3]:.3f}]"
    )
    top = max(groups[ranked][1], 1e-9)
    frame = singles.frame
    noise = frame.loc[groups_true["noise"]]
    credited = noise[noise["ci_low"] > NOISE_SHARE * top]
    quiet = credited.empty
    quiet_msg = (
        "no no-effect attribute credited"
        if quiet
        else f"{len(credited)} no-effect attributes credited, e.g. {credited.index[0]} "
        f"[{credited['ci_low'].iloc[0]:.3f}, {credited['ci_high'].iloc[0]:.3f}]"
    )
    ordered = (frame["ci_low"] <= frame["importance"]) & (frame["importance"] <= frame["ci_high"])
    ordered_groups = all(low <= imp <= high for _, imp, low, high in groups.values())
    wide = groups[ranked][3] > groups[ranked][2]
    numbers = [v for row in groups.values() for v in row[1:]]
    numbers += frame[["importance", "ci_low", "ci_high"]].to_numpy().ravel().tolist()
    largest = max(abs(v) for v in numbers)
    in_units = largest <= R2_SPAN
    sane = bool(ordered.all()) and ordered_groups and wide and in_units
    sane_msg = (
        "every interval contains its estimate, in R² units"
        if sane
        else f"{int((~ordered).sum())} attribute rows out of order; groups ordered: "
        f"{ordered_groups}; top group interval has width: {wide}; largest number "
        f"{largest:.3g} (a drop in R² stays within +-{R2_SPAN:g})"
    )
    problems = _partition_problems(groups, groups_true)
    partition = not problems
    partition_msg = "; ".join(problems[:3]) or "each thing measured is one group"
    honest_width, width_check = _width_check(ctx, frame, groups, groups_true)
    checks = [
        code,
        singles.check,
        table,
        readable,
        ctx.check("driving group found", found, found_msg),
        ctx.check("grouped importance ranks it first", first, first_msg),
        ctx.check("noise gets no importance", quiet, quiet_msg),
        ctx.check("intervals contain estimates", sane, sane_msg),
        ctx.check("groups are what the attributes measure", partition, partition_msg),
        width_check,
    ]
    met = sum([found, first, quiet, sane, partition, honest_width]) / 6
    return ctx.grade(met, checks, {"top_group_importance": groups[ranked][1]})
