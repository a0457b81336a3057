"""Rerun the agent's tune.py on the grader's own data, and judge its estimates there.

A number tune.py reports on data the agent has seen proves nothing, and on this month's
four regions honest and optimistic estimates overlap: mean (estimate - hidden AUC) from
-0.06 to +0.04 for honest procedures, -0.03 to +0.07 for optimistic ones (seeds 0-19).
So the grader reruns tune.py twice, each run its own `ctx.exec` (a fresh sandbox on a
fresh copy of the workspace, the two in parallel, one per core), on datasets staged from
the hidden folder; no label of a test row ever enters a sandbox:
  run a: this month's four regions plus three null regions,
  run b: seven null regions.
A null region looks like any other but its labels ignore the features (prepare.py), so
every model's true AUC there is exactly 0.5, whatever the procedure chose. Over the ten
null regions the mean reported AUC minus 0.5 is the procedure's own optimism:
  honest (nested CV, or choose on train and report on validation.csv): -0.017 to +0.025,
  optimistic (report the best CV score, or the validation score it chose on): +0.047 to
  +0.064 (seeds 0-19), because the best of 20 noisy scores of equally useless models
  sits about two standard errors high in every region, while averaging ten regions
  shrinks the honest noise (sd 0.010) but not that bias; a training-set AUC: +0.062 to
  +0.080. NULL_OPTIMISM lies between.

Checks, all from raw outputs:
  gates: both runs finish within the time budget; tuning.csv names an approved
  configuration for every region and predictions.csv scores every test lead; each region's
  predictions come from its named configuration (a logistic regression's log-odds are
  exactly linear in its features: the grader regresses logit(probability) on the chosen
  features, R^2 >= SAME_MODEL); optimism on the null regions <= NULL_OPTIMISM; on this
  month's regions the mean of (estimate - hidden test AUC) within REAL_GAP (catches a
  constant 0.5, which the null regions cannot, and other numbers unrelated to the data).
  metric: mean hidden test AUC of run a's predictions on this month's regions.
"""

import json
import threading

import numpy as np
import pandas as pd

FILES = ("train.csv", "validation.csv", "test.csv", "search_space.json")
DATA, OUT = ".grader/data", ".grader/out"
# The instruction's budget is 60 s per run on one core; the grader stops a run at 90 s,
# a margin for a loaded machine (the oracle takes 1-3 s).
BUDGET, RUN_TIMEOUT = 60, 90
NULL_OPTIMISM = 0.035  # allowed mean (estimate - 0.5) over the null regions
REAL_GAP = (-0.10, 0.10)  # allowed mean (estimate - hidden AUC) over this month's regions
SAME_MODEL = 0.99  # R^2 of logit(probability) on the chosen configuration's features


def _auc(labels, scores):
    """ROC AUC by the rank-sum (Mann-Whitney) identity, ties counted half."""
    ranks = pd.Series(scores).rank().to_numpy()
    positives = labels == 1
    n_pos, n_neg = positives.sum(), (~positives).sum()
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _linear_fit(features, logits):
    """R^2 of the least-squares fit of logits on the features plus an intercept."""
    design = np.column_stack([np.ones(len(features)), features])
    coef, *_ = np.linalg.lstsq(design, logits, rcond=None)
    residual = logits - design @ coef
    spread = ((logits - logits.mean()) ** 2).sum()
    return 1.0 - float((residual**2).sum() / spread) if spread > 0 else 0.0


def _rerun(ctx) -> dict:
    """Both reruns, in parallel lanes: {"a": ExecRun, "b": ExecRun}.

    A lane's exception (a WorkspaceFault: say, a file where the grader's input folder
    goes) is raised again here, so the harness scores it as the agent's failed gate."""
    runs, faults = {}, []

    def lane(name: str) -> None:
        staged = {f"{DATA}/{f}": ctx.hidden / f"run_{name}" / f for f in FILES}
        command = f"python tune.py --data {DATA} --out {OUT}"
        try:
            runs[name] = ctx.exec(command, timeout=RUN_TIMEOUT, inputs=staged)
        except Exception as exc:  # re-raised in the grading thread below
            faults.append(exc)

    lanes = [threading.Thread(target=lane, args=(name,)) for name in ("a", "b")]
    for thread in lanes:
        thread.start()
    for thread in lanes:
        thread.join()
    if faults:
        raise faults[0]
    return {name: runs[name] for name in ("a", "b")}  # a fixed order: checks compare in order


def _outputs(ctx, name, run):
    """(tuning frame, predictions frame, test features) of one run, or (None, checks)."""
    what, check = f"`python tune.py` on dataset {name}", f"tune.py runs on dataset {name}"
    if run.result.timed_out:
        message = f"{what} ran past {RUN_TIMEOUT} s (the budget is {BUDGET} s)"
        return None, [ctx.check(check, False, message, gate=True)]
    if gate := run.failed_gate(check, what):
        return None, [gate]
    test = pd.read_csv(ctx.hidden / f"run_{name}" / "test.csv")
    report = run.read_predictions(
        f"{OUT}/tuning.csv",
        id_column="region",
        columns={"configuration": "label", "estimated_auc": "probability"},
        expected_ids=sorted(test["region"].unique()),
        name=f"tuning.csv valid (dataset {name})",
    )
    preds = run.read_predictions(
        f"{OUT}/predictions.csv",
        id_column="lead_id",
        columns={"probability": "probability"},
        expected_ids=test["lead_id"].tolist(),
        name=f"predictions.csv valid (dataset {name})",
    )
    if not (report.ok and preds.ok):
        return None, [report.check, preds.check]
    return (report.frame, preds.frame, test), [report.check, preds.check]


def _configuration_problems(outputs, configs) -> list[str]:
    """Regions whose configuration is unknown or whose predictions do not come from it."""
    problems = []
    for name, (report, preds, test) in outputs.items():
        clipped = np.clip(preds["probability"].to_numpy(), 1e-12, 1 - 1e-12)
        logits = pd.Series(np.log(clipped / (1 - clipped)), index=preds.index)
        for region, config_id in report["configuration"].str.strip().items():
            if config_id not in configs:
                problems.append(f"{name}/{region}: {config_id!r} is not an approved configuration")
                continue
            rows = test[test["region"] == region]
            features = rows[configs[config_id]["features"]].to_numpy(dtype=float)
            r2 = _linear_fit(features, logits.loc[rows["lead_id"]].to_numpy())
            if not r2 >= SAME_MODEL:
                problems.append(
                    f"{name}/{region}: log-odds are not a logistic regression on "
                    f"{config_id}'s features (R^2 {r2:.3f})"
                )
    return problems


def grade(ctx):
    if not ctx.is_file("tune.py"):
        return ctx.fail("tune.py runs", "tune.py not found in the workspace root")
    runs = _rerun(ctx)
    outputs, checks = {}, []
    for name, run in runs.items():
        result, found = _outputs(ctx, name, run)
        checks += found
        if result is not None:
            outputs[name] = result
    if len(outputs) < len(runs):
        return ctx.grade(None, checks)
    space = json.loads((ctx.hidden / "run_a" / "search_space.json").read_text())
    configs = {c["id"]: c for c in space["configurations"]}
    problems = _configuration_problems(outputs, configs)
    checks.append(
        ctx.check(
            "predictions from the chosen configuration",
            not problems,
            "; ".join(problems[:5]) or "every region's predictions come from its configuration",
            gate=True,
        )
    )
    if problems:
        return ctx.grade(None, checks)
    roles = json.loads((ctx.hidden / "regions.json").read_text())
    estimates = pd.concat([report["estimated_auc"] for report, _, _ in outputs.values()])
    optimism = float(estimates.loc[roles["null"]].mean() - 0.5)
    checks.append(
        ctx.check(
            "estimate honest where nothing can be learnt",
            optimism <= NULL_OPTIMISM,
            f"on {len(roles['null'])} regions whose labels ignore the features (true AUC "
            f"0.5), the mean estimate is {0.5 + optimism:.3f}: {optimism:+.3f} "
            f"(allowed up to {NULL_OPTIMISM:+.3f})",
            gate=True,
        )
    )
    labels = pd.read_csv(ctx.hidden / "test_labels.csv")
    scored = labels.assign(p=outputs["a"][1]["probability"].loc[labels["lead_id"]].to_numpy())
    truth = {
        r: _auc(g["converted"].to_numpy(), g["p"].to_numpy()) for r, g in scored.groupby("region")
    }
    metric = float(np.mean(list(truth.values())))
    gap = float(np.mean([estimates[r] - truth[r] for r in roles["real"]]))
    low, high = REAL_GAP
    checks.append(
        ctx.check(
            "estimate close on this month's regions",
            low <= gap <= high,
            f"mean (estimate - hidden test AUC) over {len(truth)} regions {gap:+.3f} "
            f"(allowed {low:+.2f} to {high:+.2f}); hidden AUC per region "
            + ", ".join(f"{r} {a:.3f}" for r, a in truth.items()),
            gate=True,
        )
    )
    seconds = {f"run_{n}_seconds": round(r.result.duration, 1) for n, r in runs.items()}
    return ctx.grade(metric, checks, {"null_optimism": optimism, "real_gap": gap, **seconds})
