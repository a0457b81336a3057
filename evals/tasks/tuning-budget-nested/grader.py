"""Rerun the agent's tune.py on the grader's own data, and judge its estimates there.

A number tune.py reports on data the agent has seen proves nothing, and on this month's
four regions honest and optimistic estimates overlap: mean (estimate - hidden AUC) from
-0.06 to +0.04 for honest procedures, -0.03 to +0.07 for optimistic ones (seeds 0-19).
So the grader reruns tune.py twice, each run its own `ctx.exec` (a fresh sandbox on a
fresh copy of the workspace, the two in parallel, one per core), on datasets staged from
the hidden folder (ten regions each, the instruction's budget); no label of a test row
ever enters a sandbox:
  run a: this month's four regions plus three null and three strong regions,
  run b: nine null regions and one strong region.
A null region looks like any other but its labels ignore the features (prepare.py), so
every model's true AUC there is exactly 0.5, whatever the procedure chose. Over the
twelve null regions the mean reported AUC minus 0.5 is the procedure's own optimism.
Per null region (560 regions, seeds 0-39, measured outside the sandbox), estimate - 0.5:
  honest: nested CV +0.002 (sd 0.033); a 25% hold-out of the pooled rows +0.004 (sd 0.053);
  optimistic: the best CV score +0.056 (sd 0.019), the validation score it chose on +0.056
  (sd 0.022); a training-set AUC higher still.
Averaging twelve regions shrinks the honest noise (sd 0.010 nested, 0.015 hold-out) but
not the bias of the best of 20 noisy scores, so NULL_OPTIMISM lies between: a hold-out
fails it about 2% of the time, the optimistic procedures pass it less than 0.1% of the
time. A milder reuse (choose by CV on train and validation pooled, then report
validation: +0.032, sd 0.036) cannot be told from honest noise by any affordable number
of regions; it passes about 60% of trials.
The null regions cannot see an estimate that is low, or a constant subtracted from an
optimistic score (the best-of-20 optimism is about 0.056 there), or the mean score over
all configurations (about 0.5 there, like an honest one). In a strong region three
features nearly reveal the labels: the configurations holding one score about 0.97, the
rest about 0.5, and an honest estimate is within about 0.01 of the hidden AUC (per
region, 30 regions outside the sandbox: nested CV -0.003 sd 0.007, hold-out -0.001 sd
0.013, choose on train and report validation -0.004 sd 0.008; the best CV score -0.001:
one configuration is clearly best, so there is little optimism to correct). There the
best CV score minus 0.05 is 0.05 low, minus 0.025 is 0.026 low (and minus less than 0.021
is too high on the null regions), and the mean over configurations is 0.27 low.

Checks, all from raw outputs:
  gates: both runs finish within the time budget; tuning.csv names an approved
  configuration for every region and predictions.csv scores every test lead; each region's
  predictions are its named configuration fitted on its own region's rows: the RMS gap
  between the delivered log-odds and the grader's fit on the region's train, validation or
  both (intercept free, as lbfgs fits it, or penalised, as liblinear does) is at most
  OWN_ROWS for the closest of the six, in every region of both runs. Solvers agree within
  0.005 (lbfgs with max_iter 100 or 1000, liblinear, newton-cg, saga; every configuration
  on the strong regions of seeds 0-2: 0.003 at most). In the furthest region of a dataset
  (seeds 0-1): class_weight="balanced" 0.37-0.60 (it barely moves a region converting near
  50%), a fit on 75% of the rows 0.19-0.26 (0.03 or more in every region; 90% of the rows
  0.02 or more in simulation), a scaler fitted on pooled rows 0.18-0.61 (a strong region,
  whose loaded features spread 2-4), a model fitted on every region pooled further still.
  Then: optimism on the null regions <= NULL_OPTIMISM; on the strong regions the mean of
  (estimate - hidden test AUC) within STRONG_GAP; on this month's regions within REAL_GAP
  (catches a constant 0.5 and other numbers unrelated to the data).
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
STRONG_GAP = (-0.02, 0.04)  # mean (estimate - hidden AUC) over the strong regions: low is
# the wrong side here (the null regions catch optimism); honest -0.011 .. +0.016 (seeds 0-7)
OWN_ROWS = 0.025  # RMS log-odds gap to the approved model on the region's own rows
LOGIT_CLIP = 5.0  # log-odds compared up to +-5 (probabilities 0.007 to 0.993)


def _auc(labels, scores):
    """ROC AUC by the rank-sum (Mann-Whitney) identity, ties counted half."""
    ranks = pd.Series(scores).rank().to_numpy()
    positives = labels == 1
    n_pos, n_neg = positives.sum(), (~positives).sum()
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _approved_fit(X, y, C, penalise_intercept):
    """(slopes, intercept) of the approved model: min C * sum(log-loss) + |w|^2 / 2, by
    Newton's method. scikit-learn's default (lbfgs) leaves the intercept free; its
    liblinear solver adds b^2 / 2 to the penalty, which moves the intercept by up to a
    few tenths on a heavily regularised fit, so both are the approved model."""
    design = np.column_stack([X, np.ones(len(X))])
    penalty = np.diag([1.0] * X.shape[1] + [1.0 if penalise_intercept else 0.0])
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
    return beta[:-1], beta[-1]


def _logits(probability):
    """Log-odds, clipped to +-LOGIT_CLIP: beyond it a model is sure either way, and
    rounding in a CSV or a solver's tolerance would dominate the comparison."""
    p = np.clip(probability, 1e-12, 1 - 1e-12)
    return np.clip(np.log(p / (1 - p)), -LOGIT_CLIP, LOGIT_CLIP)


def _own_rows_distance(labelled, test_features, config, logits) -> float:
    """RMS gap between the delivered log-odds and the configuration fitted by the grader
    on the region's own rows (train, validation or both; intercept free or penalised),
    the closest of the six. It looks at the predictions themselves, intercept included:
    class weights, a subset of the rows, a rescaling or other regions' rows all move them."""
    train, validation = labelled
    distances = []
    for rows in (train, validation, pd.concat([train, validation])):
        X, y = rows[config["features"]].to_numpy(float), rows["converted"].to_numpy(float)
        for penalise_intercept in (False, True):
            w, b = _approved_fit(X, y, config["C"], penalise_intercept)
            reference = np.clip(test_features @ w + b, -LOGIT_CLIP, LOGIT_CLIP)
            distances.append(float(np.sqrt(np.mean((logits - reference) ** 2))))
    return min(distances)


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


def _configuration_problems(outputs, configs, hidden) -> list[str]:
    """Regions whose configuration is unknown or whose predictions are not that
    configuration fitted on the region's own labelled rows (every region of both runs)."""
    problems = []
    for name, (report, preds, test) in outputs.items():
        labelled = [
            pd.read_csv(hidden / f"run_{name}" / f) for f in ("train.csv", "validation.csv")
        ]
        logits = pd.Series(_logits(preds["probability"].to_numpy()), index=preds.index)
        for region, config_id in report["configuration"].str.strip().items():
            if config_id not in configs:
                problems.append(f"{name}/{region}: {config_id!r} is not an approved configuration")
                continue
            config, rows = configs[config_id], test[test["region"] == region]
            distance = _own_rows_distance(
                [part[part["region"] == region] for part in labelled],
                rows[config["features"]].to_numpy(float),
                config,
                logits.loc[rows["lead_id"]].to_numpy(),
            )
            if not distance <= OWN_ROWS:
                problems.append(
                    f"{name}/{region}: the log-odds are {distance:.3f} (RMS) from {config_id} "
                    f"fitted on {region}'s own rows (allowed {OWN_ROWS}): not the approved "
                    "model on its region's data"
                )
    return problems


def _hidden_aucs(labels, outputs) -> dict[str, float]:
    """Hidden test AUC per region of the delivered predictions (from either run)."""
    probability = pd.concat([preds["probability"] for _, preds, _ in outputs.values()])
    scored = labels.assign(p=probability.loc[labels["lead_id"]].to_numpy())
    return {
        r: _auc(g["converted"].to_numpy(), g["p"].to_numpy()) for r, g in scored.groupby("region")
    }


def _gap_check(ctx, title, estimates, truth, bounds, where):
    """Gate: the mean (estimate - hidden AUC) over the regions of `truth` within bounds."""
    gap = float(np.mean([estimates[r] - a for r, a in truth.items()]))
    low, high = bounds
    detail = (
        f"mean (estimate - hidden test AUC) over {len(truth)} {where} {gap:+.3f} "
        f"(allowed {low:+.3f} to {high:+.3f}); hidden AUC per region "
        + ", ".join(f"{r} {a:.3f} (estimate {estimates[r]:.3f})" for r, a in truth.items())
    )
    return gap, ctx.check(title, low <= gap <= high, detail, gate=True)


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
    problems = _configuration_problems(outputs, configs, ctx.hidden)
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
    strong = _hidden_aucs(pd.read_csv(ctx.hidden / "strong_labels.csv"), outputs)
    strong_gap, check = _gap_check(
        ctx, "estimate close where the signal is strong", estimates, strong, STRONG_GAP,
        "regions with a strong signal",
    )  # fmt: skip
    checks.append(check)
    truth = _hidden_aucs(pd.read_csv(ctx.hidden / "test_labels.csv"), {"a": outputs["a"]})
    metric = float(np.mean(list(truth.values())))
    gap, check = _gap_check(
        ctx, "estimate close on this month's regions", estimates, truth, REAL_GAP,
        "of this month's regions",
    )  # fmt: skip
    checks.append(check)
    seconds = {f"run_{n}_seconds": round(r.result.duration, 1) for n, r in runs.items()}
    extra = {"null_optimism": optimism, "strong_gap": strong_gap, "real_gap": gap, **seconds}
    return ctx.grade(metric, checks, extra)
