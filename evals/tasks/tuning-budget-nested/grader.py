"""Rerun the agent's tune.py on the grader's own data, and judge its estimates there.

A number tune.py reports on data the agent has seen proves nothing, and on this month's
four regions honest and optimistic estimates overlap: mean (estimate - hidden AUC) from
-0.06 to +0.04 for honest procedures, -0.03 to +0.07 for optimistic ones (seeds 0-19).
So the grader reruns tune.py twice, each run its own `ctx.exec` (a fresh sandbox on a
fresh copy of the workspace, the two in parallel, one per core), on datasets staged from
the hidden folder; no label of a test row ever enters a sandbox:
  run a: this month's four regions plus five null regions,
  run b: nine null regions.
A null region looks like any other but its labels ignore the features (prepare.py), so
every model's true AUC there is exactly 0.5, whatever the procedure chose. Over the
fourteen null regions the mean reported AUC minus 0.5 is the procedure's own optimism.
Per null region (560 regions, seeds 0-39, measured outside the sandbox), estimate - 0.5:
  honest: nested CV +0.002 (sd 0.033); a 25% hold-out of the pooled rows +0.004 (sd 0.053);
  optimistic: the best CV score +0.056 (sd 0.019), the validation score it chose on +0.056
  (sd 0.022); a training-set AUC higher still.
Averaging fourteen regions shrinks the honest noise (sd 0.009 nested, 0.014 hold-out) but
not the bias of the best of 20 noisy scores, so NULL_OPTIMISM lies between: a hold-out
fails it about 1.5% of the time (3.3% with the former ten regions), the optimistic
procedures pass it less than 0.1% of the time. A milder reuse (choose by CV on train and
validation pooled, then report validation: +0.032, sd 0.036) cannot be told from honest
noise by any affordable number of regions; it passes about 60% of trials.

Checks, all from raw outputs:
  gates: both runs finish within the time budget; tuning.csv names an approved
  configuration for every region and predictions.csv scores every test lead; each region's
  predictions come from its named configuration (a logistic regression's log-odds are
  exactly linear in its features: the grader regresses logit(probability) on the chosen
  features, R^2 >= SAME_MODEL) fitted on its own region's rows (on this month's regions,
  where the models carry signal, the regression's slopes are within OWN_ROWS of the
  named configuration fitted by the grader on the region's train, validation or both:
  solvers and libraries agree within 0.13, a model fitted on every region pooled is 0.23
  to 2.4 away in each region, at least one region far beyond); optimism on the null
  regions <= NULL_OPTIMISM; on this month's regions the mean of (estimate - hidden test
  AUC) within REAL_GAP (catches a constant 0.5, which the null regions cannot, and other
  numbers unrelated to the data).
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
OWN_ROWS = 0.3  # |slopes - grader's fit| / |grader's fit|, the closest of the region's row sets


def _auc(labels, scores):
    """ROC AUC by the rank-sum (Mann-Whitney) identity, ties counted half."""
    ranks = pd.Series(scores).rank().to_numpy()
    positives = labels == 1
    n_pos, n_neg = positives.sum(), (~positives).sum()
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _linear_fit(features, logits):
    """(R^2, slopes) of the least-squares fit of logits on the features plus an intercept."""
    design = np.column_stack([np.ones(len(features)), features])
    coef, *_ = np.linalg.lstsq(design, logits, rcond=None)
    residual = logits - design @ coef
    spread = ((logits - logits.mean()) ** 2).sum()
    return (1.0 - float((residual**2).sum() / spread) if spread > 0 else 0.0), coef[1:]


def _approved_slopes(X, y, C):
    """Slopes of the approved model: min C * sum(log-loss) + |w|^2 / 2 (intercept free),
    scikit-learn's LogisticRegression objective, by Newton's method."""
    design = np.column_stack([X, np.ones(len(X))])
    penalty = np.diag([1.0] * X.shape[1] + [0.0])
    beta = np.zeros(design.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(design @ beta)))
        step = np.linalg.solve(
            C * (design.T * (p * (1 - p))) @ design + penalty,
            C * design.T @ (p - y) + penalty @ beta,
        )
        beta -= step
        if np.abs(step).max() < 1e-10:
            break
    return beta[:-1]


def _own_rows_distance(hidden, region, config, slopes) -> float:
    """How far `slopes` are from the configuration fitted on the region's own labelled
    rows (train, validation or both, the closest), relative to that fit's size."""
    parts = [pd.read_csv(hidden / "run_a" / f) for f in ("train.csv", "validation.csv")]
    parts = [p[p["region"] == region] for p in parts]
    distances = []
    for rows in (parts[0], parts[1], pd.concat(parts)):
        X, y = rows[config["features"]].to_numpy(float), rows["converted"].to_numpy(float)
        ref = _approved_slopes(X, y, config["C"])
        distances.append(np.linalg.norm(slopes - ref) / max(np.linalg.norm(ref), 1e-9))
    return float(min(distances))


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


def _configuration_problems(outputs, configs, hidden, real) -> list[str]:
    """Regions whose configuration is unknown or whose predictions do not come from it
    (fitted on the region's own rows, checked on this month's regions)."""
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
            r2, slopes = _linear_fit(features, logits.loc[rows["lead_id"]].to_numpy())
            if not r2 >= SAME_MODEL:
                problems.append(
                    f"{name}/{region}: log-odds are not a logistic regression on "
                    f"{config_id}'s features (R^2 {r2:.3f})"
                )
            elif name == "a" and region in real:
                distance = _own_rows_distance(hidden, region, configs[config_id], slopes)
                if not distance <= OWN_ROWS:
                    problems.append(
                        f"{name}/{region}: the coefficients are {distance:.2f} (relative) "
                        f"from {config_id} fitted on {region}'s own rows (allowed "
                        f"{OWN_ROWS}): not the approved model on its region's data"
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
    roles = json.loads((ctx.hidden / "regions.json").read_text())
    problems = _configuration_problems(outputs, configs, ctx.hidden, roles["real"])
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
