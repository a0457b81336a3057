"""Replay four hidden streams through the agent's retrain_trigger.py and judge the decisions.

Scenarios (onsets and label delays vary with the seed): steady (no change), inputs (two
inputs shift, accuracy unchanged), abrupt and gradual concept drift (accuracy drops by
about 25 points). The first week with retrain=1 is the trigger:
- steady, inputs: right if there is none;
- abrupt: right if it falls in [onset + delay, onset + delay + 4], gradual: in
  [onset + delay, onset + delay + 8]. Before onset + delay no label showing the drop
  had arrived, so an earlier trigger is a false alarm or a look at labels not yet in.
The metric is the share of scenarios decided right. Gate: replayed on only what was known
at the end of the week before the drop became visible (batches and arrived labels up to
then), the script must make the same decisions for those weeks as in the full replay.
"""

import json

import numpy as np

WINDOW = {"abrupt": 4, "gradual": 8}
TIMEOUT = 120.0


def _command(runs):
    return " && ".join(
        f"python retrain_trigger.py --batches .grader/{batches} --labels .grader/{labels}"
        f" --out .grader/{out}"
        for batches, labels, out in runs
    )


def _decisions(ctx, run, rel, weeks):
    """week -> retrain (0/1) for exactly the given weeks, or a failed gate check."""
    frame, check = run.read_table(rel, "decisions readable")
    if frame is None:
        return None, check
    name = f"decisions ({rel.removeprefix('.grader/')})"
    if not {"week", "retrain"} <= set(frame.columns):
        return None, ctx.check(
            name, False, f"need columns week,retrain; got {list(frame.columns)[:8]}", gate=True
        )
    week = np.asarray(frame["week"], dtype=float)
    retrain = np.asarray(frame["retrain"], dtype=float)
    if np.isnan(week).any() or np.isnan(retrain).any() or not np.isin(retrain, [0, 1]).all():
        return None, ctx.check(name, False, "week must be a number and retrain 0 or 1", gate=True)
    if sorted(week.astype(int).tolist()) != weeks:
        return None, ctx.check(
            name,
            False,
            f"expected one row per week {weeks[0]}-{weeks[-1]}, got {len(week)} rows",
            gate=True,
        )
    return dict(zip(week.astype(int).tolist(), retrain.astype(int).tolist(), strict=True)), None


def _verdict(scenario, first):
    kind, onset, delay = scenario["kind"], scenario["onset"], scenario["delay"]
    if kind in ("steady", "inputs"):
        ok = first is None
        what = "no retrain" if ok else f"retrain at week {first}"
        return ok, f"{what}; none was warranted"
    earliest, latest = onset + delay, onset + delay + WINDOW[kind]
    if first is None:
        return False, f"drift from week {onset} never triggered a retrain"
    ok = earliest <= first <= latest
    return ok, (
        f"drift from week {onset}, labels showing it from week {earliest}; "
        f"retrain at week {first} (right: weeks {earliest}-{latest})"
    )


def grade(ctx):
    if not ctx.is_file("retrain_trigger.py"):
        return ctx.fail(
            "retrain_trigger.py present", "retrain_trigger.py not found in the workspace root"
        )
    scenarios = json.loads((ctx.hidden / "scenarios.json").read_text())
    inputs, runs = {}, []
    for s in scenarios:
        name = s["name"]
        for part in ("batches", "labels"):
            inputs[f".grader/{name}_{part}.csv"] = ctx.hidden / name / f"{part}.csv"
            if "cut_week" in s:
                inputs[f".grader/{name}_cut_{part}.csv"] = ctx.hidden / name / f"cut_{part}.csv"
        runs.append((f"{name}_batches.csv", f"{name}_labels.csv", f"{name}_decisions.csv"))
        if "cut_week" in s:
            runs.append(
                (f"{name}_cut_batches.csv", f"{name}_cut_labels.csv", f"{name}_cut_decisions.csv")
            )
    run = ctx.exec(_command(runs), timeout=TIMEOUT, inputs=inputs)
    if gate := run.failed_gate("retrain_trigger.py ran", "retrain_trigger.py"):
        return ctx.grade(None, [gate])
    all_weeks = list(range(1, 53))
    verdicts, mismatches = [], []
    for s in scenarios:
        name = s["name"]
        full, problem = _decisions(ctx, run, f".grader/{name}_decisions.csv", all_weeks)
        if problem:
            return ctx.grade(None, [problem])
        first = min((w for w, r in full.items() if r), default=None)
        verdicts.append(_verdict(s, first))
        if "cut_week" in s:
            weeks = list(range(1, s["cut_week"] + 1))
            cut, problem = _decisions(ctx, run, f".grader/{name}_cut_decisions.csv", weeks)
            if problem:
                return ctx.grade(None, [problem])
            changed = [w for w in weeks if cut[w] != full[w]]
            if changed:
                mismatches.append(f"{name}: weeks {changed[:6]} differ")
    replay = ctx.check(
        "decisions use only what was known each week",
        not mismatches,
        "; ".join(mismatches)
        or "replayed on the data known before the drift became visible: same decisions",
        gate=True,
    )
    checks = [replay] + [
        ctx.check(f"scenario {s['name']}", ok, msg)
        for s, (ok, msg) in zip(scenarios, verdicts, strict=True)
    ]
    share = float(np.mean([ok for ok, _ in verdicts]))
    return ctx.grade(share, checks)
