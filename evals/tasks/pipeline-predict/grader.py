"""Run the agent's predict.py on a hidden production batch, twice, in fresh sandboxes.

Gates: predict.py exists, exits 0 within the time limit on each batch, and writes one
finite price per input row (ids matched, no extras); a row's price must not depend on
which other rows share its batch (a second, small batch holds some of the same rows in
another order and column layout). The metric is the mean absolute error of log price
on the hidden labels: prices are judged relative to the car's value.

The ticket asks for the training code too: a code file must name train.csv and a file it
saved (a gate, read as text before anything runs; `ctx.producing_code`).

The nightly job runs on a copy of the workspace without data/ (the instruction says so),
so every run here deletes data/ first: a predict.py that retrains from train.csv on each
call, or reads anything else from data/, fails instead of passing as a "predictor".

The nightly job's copy lives wherever the job puts it, so the second batch runs from the
workspace moved to another folder (the sandbox's own /tmp), with nothing left where it
was: a predict.py that loads its model by the absolute path it was trained in, or from
the current directory only by accident, fails instead of passing on the one path seen.
"""

import numpy as np
import pandas as pd

COMMAND = "rm -rf data && python predict.py --input {src} --output {dst}"
# The same from a folder the workspace was moved to; only the predictions come back.
MOVED = (
    'shopt -s dotglob && ws="$PWD" && nightly="$(mktemp -d)/nightly" && rm -rf data'
    ' && mkdir "$nightly" && mv "$ws"/* "$nightly"/ && mkdir -p "$ws/incoming"'
    ' && cd "$nightly" && python predict.py --input {src} --output {dst}'
    ' && cp {dst} "$ws/{dst}"'
)
TIMEOUT = 60.0


def _run(ctx, name, ids, moved=False):
    """Run predict.py on hidden/<name>; (aligned predictions or None, failed-check or None).
    `moved`: from the workspace moved to another folder (see the module docstring)."""
    src, dst = f"incoming/{name}", f"incoming/{name}.preds.csv"
    command = (MOVED if moved else COMMAND).format(src=src, dst=dst)
    run = ctx.exec(command, timeout=TIMEOUT, inputs={src: ctx.hidden / name})
    label = f"predict.py on a batch of {len(ids)} rows"
    if moved:
        label += ", run from the workspace moved to another folder"
    if gate := run.failed_gate(f"predict.py ran on {name}", label):
        return None, gate
    preds = run.read_predictions(
        dst,
        id_column="listing_id",
        columns={"price": "number"},
        expected_ids=ids,
        name=f"{name} predictions valid",
    )
    if not preds.ok:
        return None, preds.check
    if (preds.frame["price"] <= 0).any():
        bad = int((preds.frame["price"] <= 0).sum())
        return None, ctx.check(f"{name} predictions valid", False, f"{bad} prices <= 0", gate=True)
    return preds.frame["price"], None


def grade(ctx):
    if not ctx.is_file("predict.py"):
        return ctx.fail("predict.py present", "predict.py not found in the workspace root")
    code = ctx.producing_code("train.csv", name="training code present")
    if not code.passed:
        return ctx.grade(None, [code])
    labels = pd.read_csv(ctx.hidden / "batch_labels.csv", dtype={"listing_id": str})
    small_ids = pd.read_csv(ctx.hidden / "small_batch.csv", dtype={"listing_id": str})[
        "listing_id"
    ].tolist()
    full, problem = _run(ctx, "batch.csv", labels["listing_id"].tolist())
    if problem:
        return ctx.grade(None, [code, problem])
    small, problem = _run(ctx, "small_batch.csv", small_ids, moved=True)
    if problem:
        return ctx.grade(None, [code, problem])

    a, b = full.loc[small_ids].to_numpy(), small.to_numpy()
    worst = float(np.max(np.abs(a - b) / np.abs(a)))
    stable = ctx.check(
        "row predictions independent of the batch",
        worst <= 1e-6,
        f"largest relative change of a row's price between two batches: {worst:.2g}",
        gate=True,
    )
    truth = labels.set_index("listing_id")["price"].loc[full.index].to_numpy()
    male = float(np.mean(np.abs(np.log(full.to_numpy()) - np.log(truth))))
    ran = ctx.check("predict.py ran on both batches", True, f"{len(full)} and {len(small)} rows")
    return ctx.grade(male, [code, ran, stable])
