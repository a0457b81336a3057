"""Replay four hidden streams through the agent's retrain_trigger.py and judge the decisions.

Scenarios (onsets, label delays, accuracy levels and drop sizes vary with the seed; see
prepare.py): steady (no change), inputs (two inputs shift, accuracy unchanged), abrupt
concept drift (9-11 points, from a level above the public year's), gradual (a fraud
wave: ~15 points of accuracy at the 0.5 threshold, ranking and AUC unchanged; labels
arriving later than in the public year), and two constructed ones: small_drop (a lasting
3.5-point drop, under the ticket's 5) and slow_decline (0.4 points a week, crossing 5
points months after it began). The first week with retrain=1 is the trigger:
- steady, inputs, small_drop: right if there is none;
- abrupt: right if it falls in [onset + delay, onset + delay + 4], gradual: in
  [onset + delay, onset + delay + 8], slow_decline (onset: the week its drop reaches 5
  points, give or take the weekly jitter): in [onset + delay, onset + delay + 10]. Before
  onset + delay no label showing the drop had arrived, so an earlier trigger is a false
  alarm or a look at labels not yet in. slow_decline's window is the widest because an
  honest trigger's evidence grows slowly there: the oracle and right/ fire 1-8 weeks into
  it on seeds 0-7 (right/cusum_arrivals 7-8), a trigger whose baseline trails the recent
  weeks never.
The metric is the share of scenarios decided right. Gate: replayed on only what was known
at the end of a week (batches up to it, labels arrived by it), the script must make the
same decisions for the weeks up to it as in the full replay. Two such weeks per drift:
the week before the drop became visible (abrupt and gradual only), and the week the
script itself first fired (a second sandbox run, once those weeks are known). The second
is the one that matters: a trigger that peeks at labels not yet arrived fires a week or
two early, which can still land in the window; cut at its own firing week, it lacks
those labels.
"""

import json

import numpy as np
import pandas as pd

WINDOW = {"abrupt": 4, "gradual": 8, "slow_decline": 10}
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
    if kind not in WINDOW:  # steady, inputs, small_drop
        ok = first is None
        what = "no retrain" if ok else f"retrain at week {first}"
        why = f" (accuracy down under 5 points from week {onset})" if kind == "small_drop" else ""
        return ok, f"{what}; none was warranted{why}"
    earliest, latest = onset + delay, onset + delay + WINDOW[kind]
    drift = f"drift from week {onset}"
    if kind == "slow_decline":
        drift = (
            f"decline from week {scenario['decline_start']}, about 5 points down by week {onset}"
        )
    if first is None:
        return False, f"{drift} never triggered a retrain"
    ok = earliest <= first <= latest
    return ok, (
        f"{drift}, labels showing it from week {earliest}; "
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
    verdicts, mismatches, fired = [], [], {}
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
            mismatches += _changed(name, cut, full, weeks)
        if s["kind"] in WINDOW and first is not None and first > s.get("cut_week", 0):
            fired[name] = (first, full)
    if fired:
        changed, problem = _replay_at_firing(ctx, fired)
        if problem:
            return ctx.grade(None, [problem])
        mismatches += changed
    replay = ctx.check(
        "decisions use only what was known each week",
        not mismatches,
        "; ".join(mismatches)
        or "replayed on the data known before each drift became visible and at the week "
        "the trigger fired: same decisions",
        gate=True,
    )
    checks = [replay] + [
        ctx.check(f"scenario {s['name']}", ok, msg)
        for s, (ok, msg) in zip(scenarios, verdicts, strict=True)
    ]
    share = float(np.mean([ok for ok, _ in verdicts]))
    return ctx.grade(share, checks)


def _changed(label: str, cut: dict, full: dict, weeks: list[int]) -> list[str]:
    changed = [w for w in weeks if cut[w] != full[w]]
    return [f"{label}: weeks {changed[:6]} differ"] if changed else []


def _replay_at_firing(ctx, fired: dict):
    """Replay each drift stream on what was known at the end of the week the trigger first
    fired in it: (the streams whose decisions up to that week changed, None), or (None, a
    failed gate check) when that replay cannot be read."""
    folder, inputs, runs = ctx.staging("retrain-cut"), {}, []
    for name, (week, _) in fired.items():
        batches = pd.read_csv(ctx.hidden / name / "batches.csv")
        labels = pd.read_csv(ctx.hidden / name / "labels.csv")
        for part, frame in (
            ("batches", batches[batches["week"] <= week]),
            ("labels", labels[labels["arrived_week"] <= week]),
        ):
            frame.to_csv(folder / f"{name}_{part}.csv", index=False)
            inputs[f".grader/{name}_fired_{part}.csv"] = folder / f"{name}_{part}.csv"
        runs.append((f"{name}_fired_batches.csv", f"{name}_fired_labels.csv", f"{name}_fired.csv"))
    run = ctx.exec(_command(runs), timeout=TIMEOUT, inputs=inputs)
    if gate := run.failed_gate("retrain_trigger.py ran", "retrain_trigger.py (replay)"):
        return None, gate
    changed = []
    for name, (week, full) in fired.items():
        weeks = list(range(1, week + 1))
        cut, problem = _decisions(ctx, run, f".grader/{name}_fired.csv", weeks)
        if problem:
            return None, problem
        changed += _changed(f"{name}, replayed at week {week} when it fired", cut, full, weeks)
    return changed, None
